# Supply the password from outside the configuration, e.g. TF_VAR_office_pbx_password.
variable "office_pbx_password" {
  type      = string
  sensitive = true
  default   = "Change-me-0ffice-PBX"
}

resource "telnyx_credential_connection" "office_pbx" {
  connection_name     = "office-pbx"
  user_name           = "officepbx01"
  password            = var.office_pbx_password
  # Terraform >= 1.11 / OpenTofu >= 1.11 need not store the password in state: instead of
  # `password`, set the write-only `password_wo`, and bump `password_wo_version` to send a new one.
  #   password_wo         = var.office_pbx_password
  #   password_wo_version = 1
  anchorsite_override = "Chicago, IL"
  webhook_event_url   = "https://example.com/telnyx/webhooks"
  tags                = ["office"]

  # Members left out keep the values Telnyx holds.
  inbound = {
    channel_limit = 10
    codecs        = ["OPUS", "G722", "G711U"]
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
    localization              = "US"
  }

  rtcp_settings = {
    capture_enabled = true
  }
}
