# A location for dynamic E911. The apply waits until Telnyx has activated it (a rejected
# address fails the apply and is deleted). Changing any argument replaces it.
resource "telnyx_dynamic_emergency_address" "hq" {
  house_number           = "600"
  street_pre_directional = "W"
  street_name            = "Congress"
  street_suffix          = "Ave"
  extended_address       = "Floor 3"
  locality               = "Austin"
  administrative_area    = "TX"
  postal_code            = "78701"
  country_code           = "US"

  # How long the apply waits for activation (default 10m).
  activation_timeout = "15m"
}

# The PBX sends this in the Geolocation header of a 911 INVITE from this location.
output "hq_sip_geolocation_id" {
  value = telnyx_dynamic_emergency_address.hq.sip_geolocation_id
}
