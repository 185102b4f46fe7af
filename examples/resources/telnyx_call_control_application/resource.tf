resource "telnyx_call_control_application" "ivr" {
  application_name     = "ivr-router"
  webhook_event_url    = "https://example.com/telnyx/call-control"
  webhook_api_version  = "2"
  webhook_timeout_secs = 25
  anchorsite_override  = "Chicago, IL"
  tags                 = ["ivr"]

  # Members left out keep the values Telnyx holds.
  inbound = {
    channel_limit = 10
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
  }
}
