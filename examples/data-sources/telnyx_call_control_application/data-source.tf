# By name: exactly one Call Control application must have it.
data "telnyx_call_control_application" "ivr" {
  application_name = telnyx_call_control_application.ivr.application_name
}

output "ivr_webhook" {
  value = data.telnyx_call_control_application.ivr.webhook_event_url
}
