# An on-demand SIP credential for a WebRTC client, under a credential connection.
resource "telnyx_telephony_credential" "webrtc_agent" {
  connection_id = telnyx_credential_connection.office_pbx.id
  name          = "webrtc-agent-1"
  tag           = "webrtc"
  expires_at    = "2030-01-01T00:00:00Z"
}

output "webrtc_agent_sip_username" {
  value = telnyx_telephony_credential.webrtc_agent.sip_username
}
