# Supply the PBX password from outside the configuration, e.g. TF_VAR_branch_pbx_password.
variable "branch_pbx_password" {
  type      = string
  sensitive = true
  default   = "Change-me-Branch-PBX"
}

# Telnyx registers to the branch office PBX (which cannot register to Telnyx itself) and
# routes the calls the PBX sends in to a SIP user of the account.
resource "telnyx_uac_connection" "branch_pbx" {
  connection_name   = "branch-pbx"
  webhook_event_url = "https://example.com/telnyx/webhooks"
  tags              = ["branch"]

  external_uac_settings = {
    username       = "branch-pbx"
    password       = var.branch_pbx_password
    proxy          = "sip-pbx.branch.example.com"
    transport      = "TLS"
    expiration_sec = 600
  }

  internal_uac_settings = {
    destination_uri = "branch@acme.sip.telnyx.com"
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
  }
}

# The FQDN Telnyx generated for the connection.
output "branch_pbx_fqdn" {
  value = telnyx_uac_connection.branch_pbx.fqdn
}
