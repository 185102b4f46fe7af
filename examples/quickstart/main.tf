# Quick start: a small SIP trunk — an outbound voice profile, an FQDN connection that uses it,
# the connection's host name, and a phone number routed to it — plus the profile read back
# through its data source.
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

# Numbers the account already owns, routed to the trunk. The bundled emulator owns
# +13125550100 (examples/emulator-seed.json); against a real account, pass your own:
# -var 'phone_numbers=["+1..."]', or -var 'phone_numbers=[]' for none.
variable "phone_numbers" {
  type    = list(string)
  default = ["+13125550100"]
}

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

resource "telnyx_phone_number" "office" {
  for_each = toset(var.phone_numbers)

  phone_number  = each.value
  connection_id = telnyx_fqdn_connection.office.id
  tags          = ["quickstart"]

  voice = {
    call_forwarding = {
      forwards_to     = "+13125559999"
      forwarding_type = "on-failure"
    }
  }
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

output "routed_numbers" {
  value = { for n, r in telnyx_phone_number.office : n => r.connection_id }
}

output "profile_enabled_by_default" {
  value = data.telnyx_outbound_voice_profile.office.enabled
}
