# Route every number of a contact centre to one trunk with shared settings. Changes are sent
# as Telnyx bulk jobs: routing a thousand numbers takes a handful of requests.
resource "telnyx_fqdn_connection" "contact_centre" {
  connection_name = "contact-centre"
}

resource "telnyx_billing_group" "contact_centre" {
  name = "contact-centre"
}

resource "telnyx_phone_numbers_routing" "contact_centre" {
  phone_numbers = [
    "+13125550100",
    "+13125550101",
    "+13125550102",
  ]
  connection_id    = telnyx_fqdn_connection.contact_centre.id
  billing_group_id = telnyx_billing_group.contact_centre.id
  tags             = ["contact-centre"]
  job_timeout      = "15m"

  # Sent in the same jobs; members left out keep each number's own.
  voice = {
    usage_payment_method = "channel"
    call_recording = {
      inbound_call_recording_enabled  = true
      inbound_call_recording_format   = "mp3"
      inbound_call_recording_channels = "dual"
    }
  }
}
