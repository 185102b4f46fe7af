resource "telnyx_texml_application" "voicemail" {
  friendly_name      = "voicemail"
  voice_url          = "https://example.com/texml/voicemail.xml"
  voice_method       = "get"
  voice_fallback_url = "https://example.com/texml/fallback.xml"
  status_callback    = "https://example.com/texml/status"
  tags               = ["voicemail"]

  # Members left out keep the values Telnyx holds.
  inbound = {
    shaken_stir_enabled = true
  }

  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
  }
}
