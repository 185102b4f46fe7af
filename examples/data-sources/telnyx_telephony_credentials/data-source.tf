# Every credential of one connection that carries the tag `webrtc`.
data "telnyx_telephony_credentials" "webrtc" {
  resource_id = "connection:${telnyx_credential_connection.office_pbx.id}"
  tag         = telnyx_telephony_credential.webrtc_agent.tag
}

output "webrtc_sip_usernames" {
  value = data.telnyx_telephony_credentials.webrtc.telephony_credentials[*].sip_username
}
