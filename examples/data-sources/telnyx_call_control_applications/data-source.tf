# Every Call Control application using one outbound voice profile.
data "telnyx_call_control_applications" "office" {
  outbound_voice_profile_id = telnyx_outbound_voice_profile.office.id
}

output "office_applications" {
  value = [for a in data.telnyx_call_control_applications.office.call_control_applications : a.application_name]
}
