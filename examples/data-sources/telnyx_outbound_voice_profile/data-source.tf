# By name: exactly one profile must have it.
data "telnyx_outbound_voice_profile" "by_name" {
  name = telnyx_outbound_voice_profile.office.name
}

# By id.
data "telnyx_outbound_voice_profile" "by_id" {
  id = telnyx_outbound_voice_profile.office.id
}

output "office_profile_destinations" {
  value = data.telnyx_outbound_voice_profile.by_name.whitelisted_destinations
}
