# By name: exactly one credential connection must have it.
data "telnyx_credential_connection" "office_pbx" {
  connection_name = telnyx_credential_connection.office_pbx.connection_name
}

output "office_pbx_user_name" {
  value = data.telnyx_credential_connection.office_pbx.user_name
}
