resource "telnyx_outbound_voice_profile" "office" {
  name                      = "office-outbound"
  concurrent_call_limit     = 10
  daily_spend_limit         = "100.00"
  daily_spend_limit_enabled = true
  max_destination_rate      = 0.25
  whitelisted_destinations  = ["US", "CA", "GB"]
  tags                      = ["office"]

  call_recording = {
    call_recording_type                 = "by_caller_phone_number"
    call_recording_caller_phone_numbers = ["+13125550100"]
    call_recording_channels             = "dual"
    call_recording_format               = "mp3"
  }

  calling_window = {
    start_time    = "08:00"
    end_time      = "20:00"
    calls_per_cld = 5
  }
}
