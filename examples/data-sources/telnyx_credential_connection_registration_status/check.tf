# Terraform >= 1.5 and OpenTofu: a `check` block reads the status at the end of every plan and
# apply. A connection nothing has registered with gives a warning; the apply still succeeds.
# (Terraform >= 1.14 can fail the apply instead: the action `telnyx_check_registration`.)
check "office_pbx_registered" {
  data "telnyx_credential_connection_registration_status" "office_pbx_check" {
    id = telnyx_credential_connection.office_pbx.id
  }

  assert {
    condition     = data.telnyx_credential_connection_registration_status.office_pbx_check.status == "Registered"
    error_message = "No device has registered with office-pbx: Telnyx reports ${data.telnyx_credential_connection_registration_status.office_pbx_check.status}."
  }
}
