output "outbound_voice_profile_id" {
  description = "Id of the trunk's outbound voice profile."
  value       = telnyx_outbound_voice_profile.this.id
}

output "connection_id" {
  description = "Id of the trunk's connection, whatever its kind."
  value       = local.connection_id
}

output "kind" {
  description = "The connection's kind."
  value       = var.kind
}

output "fqdn_ids" {
  description = "Ids of the FQDN records, by host name."
  value       = { for k, v in telnyx_fqdn.this : k => v.id }
}

output "ip_ids" {
  description = "Ids of the IP records, by address."
  value       = { for k, v in telnyx_ip.this : k => v.id }
}

output "phone_numbers" {
  description = "The numbers routed to the trunk (E.164): those the last apply routed and a refresh found in place."
  value       = local.e911 ? toset(keys(telnyx_phone_number.this)) : (length(telnyx_phone_numbers_routing.this) > 0 ? toset(telnyx_phone_numbers_routing.this[0].phone_numbers) : toset([]))
}

output "emergency_address_id" {
  description = "Id of the address the trunk's numbers use for emergency services (E911); null without E911."
  value       = local.e911 ? local.emergency_address_id : null
}
