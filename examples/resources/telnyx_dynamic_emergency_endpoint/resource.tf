# A caller at a dynamic emergency address. Created after its address is activated; the apply
# waits until the endpoint is activated too. Changing any argument replaces it.
resource "telnyx_dynamic_emergency_endpoint" "reception" {
  dynamic_emergency_address_id = telnyx_dynamic_emergency_address.hq.id
  callback_number              = "+15125550100"
  caller_name                  = "HQ Reception"
}

# The PBX sends this as the user part of From or P-Asserted-Identity in a 911 INVITE.
output "reception_sip_from_id" {
  value = telnyx_dynamic_emergency_endpoint.reception.sip_from_id
}
