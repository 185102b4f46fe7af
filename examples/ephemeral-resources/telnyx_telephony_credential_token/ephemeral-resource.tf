# Terraform >= 1.10 / OpenTofu >= 1.11. A fresh JWT at every plan and apply that uses it,
# never written to plan or state: here handed to a script that configures a WebRTC client.
ephemeral "telnyx_telephony_credential_token" "webrtc_agent" {
  credential_id = telnyx_telephony_credential.webrtc_agent.id
}

resource "terraform_data" "webrtc_client" {
  triggers_replace = [telnyx_telephony_credential.webrtc_agent.id]

  provisioner "local-exec" {
    command = "./configure-webrtc-client.sh"
    environment = {
      TELNYX_JWT = ephemeral.telnyx_telephony_credential_token.webrtc_agent.token
    }
  }
}
