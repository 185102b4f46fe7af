resource "telnyx_fqdn_connection" "sip_trunk" {
  connection_name    = "sip-trunk"
  transport_protocol = "TCP"
  tags               = ["trunk"]

  inbound = {
    sip_region       = "US"
    timeout_1xx_secs = 5
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
    ip_authentication_method  = "ip-authentication"
  }

  jitter_buffer = {
    enable_jitter_buffer  = true
    jitterbuffer_msec_min = 60
    jitterbuffer_msec_max = 200
  }
}
