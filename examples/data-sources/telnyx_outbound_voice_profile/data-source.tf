# By name (exactly one profile must have it) ...
data "telnyx_outbound_voice_profile" "by_name" {
  name = "office-outbound"
}

# ... or by id.
data "telnyx_outbound_voice_profile" "by_id" {
  id = "1293384261075731499"
}

output "office_profile_destinations" {
  value = data.telnyx_outbound_voice_profile.by_name.whitelisted_destinations
}
