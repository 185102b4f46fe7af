resource "telnyx_billing_group" "example" {
  name = "sip-trunk-usage"
}
