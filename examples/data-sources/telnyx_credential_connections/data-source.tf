# Every credential connection using one outbound voice profile.
data "telnyx_credential_connections" "office" {
  outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
}

output "office_sip_users" {
  value = [for c in data.telnyx_credential_connections.office.credential_connections : c.user_name]
}
