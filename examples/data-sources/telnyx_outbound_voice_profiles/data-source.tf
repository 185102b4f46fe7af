# Every outbound voice profile whose name contains "office" (ignoring case).
data "telnyx_outbound_voice_profiles" "office" {
  name_contains = "office"
}

output "office_profile_ids" {
  value = [for p in data.telnyx_outbound_voice_profiles.office.outbound_voice_profiles : p.id]
}
