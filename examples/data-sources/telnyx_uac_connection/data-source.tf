# By name: exactly one UAC connection must have it.
data "telnyx_uac_connection" "branch_pbx" {
  connection_name = telnyx_uac_connection.branch_pbx.connection_name
}

# The registration status as of the last time Telnyx refreshed it.
output "branch_pbx_registration" {
  value = data.telnyx_uac_connection.branch_pbx.registration_status
}
