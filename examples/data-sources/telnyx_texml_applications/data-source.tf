# TeXML applications whose name contains "voice" (at least 3 characters, ignoring case).
data "telnyx_texml_applications" "voice" {
  friendly_name_contains = "voice"
  depends_on             = [telnyx_texml_application.voicemail]
}

output "voice_applications" {
  value = [for a in data.telnyx_texml_applications.voice.texml_applications : a.id]
}
