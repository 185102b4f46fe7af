# Quick start: a small SIP trunk — an outbound voice profile, an FQDN connection that uses it,
# and the connection's host name — plus the profile read back through its data source.
# scripts/quickstart.sh applies this against the bundled emulator (or, when TELNYX_API_KEY is
# set, against your Telnyx account).

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
  name                      = "quickstart-office-outbound"
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

resource "telnyx_fqdn_connection" "office" {
  connection_name    = "quickstart-office-trunk"
  transport_protocol = "TCP"
  tags               = ["quickstart"]

  inbound = {
    channel_limit = 10
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
  }
}

resource "telnyx_fqdn" "office_pbx" {
  connection_id   = telnyx_fqdn_connection.office.id
  fqdn            = "pbx.quickstart.example.com"
  dns_record_type = "a"
  port            = 5060
}

data "telnyx_outbound_voice_profile" "office" {
  id = telnyx_outbound_voice_profile.office.id
}

output "profile_id" {
  value = telnyx_outbound_voice_profile.office.id
}

output "connection_id" {
  value = telnyx_fqdn_connection.office.id
}

output "profile_enabled_by_default" {
  value = data.telnyx_outbound_voice_profile.office.enabled
}
