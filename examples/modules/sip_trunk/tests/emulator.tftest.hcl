# Apply-mode test of the module against a Telnyx API: the real provider, real requests. Point it
# at telnyx-emulator (offline) or at a test account with TELNYX_API_KEY / TELNYX_BASE_URL; the
# numbers must be owned by the account (the emulator's `--seed examples/emulator-seed.json`
# owns these). `terraform test` destroys what it created; the numbers stay owned, unrouted.

variables {
  name          = "test-trunk"
  kind          = "credential"
  user_name     = "testtrunk1"
  password      = "Test-trunk-Secret-1"
  channel_limit = 12
  codecs        = ["OPUS", "G711U"]
  phone_numbers = ["+13125550100", "+13125550101"]
  tags          = ["module-test"]
}

run "credential_trunk_routes_its_numbers" {
  assert {
    condition     = telnyx_credential_connection.this[0].inbound.channel_limit == 12
    error_message = "The connection keeps the inbound channel limit."
  }
  assert {
    condition     = telnyx_credential_connection.this[0].outbound.outbound_voice_profile_id == telnyx_outbound_voice_profile.this.id
    error_message = "Outbound calls go through the trunk's profile."
  }
  assert {
    condition     = output.phone_numbers == toset(["+13125550100", "+13125550101"])
    error_message = "Both numbers are routed to the trunk."
  }
  assert {
    condition     = alltrue([for n, v in telnyx_phone_numbers_routing.this[0].found : v.connection_id == null])
    error_message = "Before the apply the numbers were unrouted (what destroy gives back)."
  }
}

run "the_trunk_moves_to_ip_in_place_of_credential" {
  variables {
    kind = "ip"
    ips  = { "192.0.2.20" = 5060 }
  }

  assert {
    condition     = length(telnyx_credential_connection.this) == 0 && output.connection_id == telnyx_ip_connection.this[0].id
    error_message = "The numbers now point at the IP connection."
  }
  assert {
    condition     = telnyx_phone_numbers_routing.this[0].connection_id == telnyx_ip_connection.this[0].id
    error_message = "The routing resource follows the connection."
  }
}
