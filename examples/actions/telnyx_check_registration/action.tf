# Terraform >= 1.14. After the connection is created or updated, ask Telnyx whether a device
# has registered with it; fail the apply if not.
action "telnyx_check_registration" "office" {
  config {
    connection_id = telnyx_credential_connection.office.id
  }
}

resource "telnyx_credential_connection" "office" {
  connection_name = "office-pbx"
  user_name       = "officepbx01"
  password        = var.office_pbx_password

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.telnyx_check_registration.office]
    }
  }
}

# A UAC connection (Telnyx registers with the PBX), only warning when it is not registered.
# Run it on its own at any time: terraform apply -invoke=action.telnyx_check_registration.pbx
action "telnyx_check_registration" "pbx" {
  config {
    connection_id   = telnyx_uac_connection.pbx.id
    connection_type = "uac_connection"
    on_unregistered = "warning"
  }
}

# OpenTofu and Terraform before 1.14 have no actions: the same check as a `check` block
# (Terraform >= 1.5), which warns and never fails the apply, is in
# examples/data-sources/telnyx_credential_connection_registration_status/check.tf.
