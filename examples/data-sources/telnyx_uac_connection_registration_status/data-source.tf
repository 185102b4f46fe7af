# Checked live each time Terraform reads it, e.g. to assert Telnyx has registered to the PBX.
data "telnyx_uac_connection_registration_status" "branch_pbx" {
  id = telnyx_uac_connection.branch_pbx.id
}

output "branch_pbx_registration" {
  value = data.telnyx_uac_connection_registration_status.branch_pbx.status
}
