# Route a number the account already owns to the trunk. Creating this resource adopts the
# number (it never buys one); destroying it gives the number back as it was found (it never
# releases it).
resource "telnyx_phone_number" "main_line" {
  phone_number     = "+13125550100"
  connection_id    = telnyx_fqdn_connection.sip_trunk.id
  billing_group_id = telnyx_billing_group.example.id
  tags             = ["trunk", "main-line"]

  # Voice settings: members left out keep what Telnyx holds.
  voice = {
    call_forwarding = {
      forwards_to     = "+13125559999"
      forwarding_type = "on-failure"
    }
    cnam_listing = {
      cnam_listing_enabled = true
      cnam_listing_details = "EXAMPLE CORP"
    }
  }
}

# A second number on the same trunk, with only its routing managed.
resource "telnyx_phone_number" "fax" {
  phone_number  = "+13125550101"
  connection_id = telnyx_fqdn_connection.sip_trunk.id

  voice = {
    media_features = {
      t38_fax_gateway_enabled = true
    }
  }
}
