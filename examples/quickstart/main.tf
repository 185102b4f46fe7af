# Quick start: an outbound voice profile, read back through its data source.
# scripts/quickstart.sh applies this against the bundled emulator.

terraform {
  required_providers {
    telnyx = {
      source = "telnyx/telnyx"
    }
  }
}

# api_key and base_url come from TELNYX_API_KEY and TELNYX_BASE_URL.
provider "telnyx" {}

resource "telnyx_outbound_voice_profile" "office" {
  name                      = "office-outbound"
  concurrent_call_limit     = 10
  daily_spend_limit         = "100.00"
  daily_spend_limit_enabled = true
  whitelisted_destinations  = ["US", "CA", "GB"]
  tags                      = ["quickstart"]

  call_recording = {
    call_recording_type   = "all"
    call_recording_format = "mp3"
  }
}

data "telnyx_outbound_voice_profile" "office" {
  id = telnyx_outbound_voice_profile.office.id
}

output "profile_id" {
  value = telnyx_outbound_voice_profile.office.id
}

output "enabled_by_default" {
  value = data.telnyx_outbound_voice_profile.office.enabled
}
