# By name: exactly one TeXML application must have it.
data "telnyx_texml_application" "voicemail" {
  friendly_name = telnyx_texml_application.voicemail.friendly_name
}

output "voicemail_url" {
  value = data.telnyx_texml_application.voicemail.voice_url
}
