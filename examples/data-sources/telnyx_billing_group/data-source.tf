# By name (exactly one group must have it).
data "telnyx_billing_group" "usage" {
  name = telnyx_billing_group.example.name
}

output "billing_group_id" {
  value = data.telnyx_billing_group.usage.id
}
