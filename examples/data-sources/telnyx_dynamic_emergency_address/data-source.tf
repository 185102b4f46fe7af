# By the SIP geolocation id a PBX sends (or by `id`).
data "telnyx_dynamic_emergency_address" "hq" {
  sip_geolocation_id = telnyx_dynamic_emergency_address.hq.sip_geolocation_id
}

output "hq_location" {
  value = "${data.telnyx_dynamic_emergency_address.hq.house_number} ${data.telnyx_dynamic_emergency_address.hq.street_name}, ${data.telnyx_dynamic_emergency_address.hq.locality}"
}
