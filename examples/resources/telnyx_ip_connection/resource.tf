resource "telnyx_ip_connection" "datacenter" {
  connection_name    = "datacenter-sbc"
  transport_protocol = "UDP"

  inbound = {
    ani_number_format = "+E.164"
    channel_limit     = 50
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
    tech_prefix               = "1234"
  }

  noise_suppression = "inbound"
  noise_suppression_details = {
    engine = "denoiser"
  }
}
