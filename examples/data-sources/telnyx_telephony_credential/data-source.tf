# By SIP user name: exactly one credential has it.
data "telnyx_telephony_credential" "webrtc_agent" {
  sip_username = telnyx_telephony_credential.webrtc_agent.sip_username
}

output "webrtc_agent_expired" {
  value = data.telnyx_telephony_credential.webrtc_agent.expired
}
