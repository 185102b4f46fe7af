# Every activated dynamic emergency address in the United States.
data "telnyx_dynamic_emergency_addresses" "us" {
  status       = "activated"
  country_code = "US"
}

output "us_locations" {
  value = [for a in data.telnyx_dynamic_emergency_addresses.us.dynamic_emergency_addresses : "${a.sip_geolocation_id}: ${a.locality}"]
}
