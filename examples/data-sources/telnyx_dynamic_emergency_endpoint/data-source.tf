# By the SIP From id a PBX sends (or by `id`).
data "telnyx_dynamic_emergency_endpoint" "reception" {
  sip_from_id = telnyx_dynamic_emergency_endpoint.reception.sip_from_id
}

output "reception_callback_number" {
  value = data.telnyx_dynamic_emergency_endpoint.reception.callback_number
}
