# Checked each time Terraform reads it, e.g. to assert a PBX has registered.
data "telnyx_credential_connection_registration_status" "office_pbx" {
  id = telnyx_credential_connection.office_pbx.id
}

output "office_pbx_registration" {
  value = data.telnyx_credential_connection_registration_status.office_pbx.status
}
