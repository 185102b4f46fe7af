# Every UAC connection using one outbound voice profile.
data "telnyx_uac_connections" "office" {
  outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
}

output "office_uac_fqdns" {
  value = [for c in data.telnyx_uac_connections.office.uac_connections : c.fqdn]
}
