# Every billing group whose name contains "usage".
data "telnyx_billing_groups" "usage" {
  name_contains = "usage"

  depends_on = [telnyx_billing_group.example]
}

output "usage_group_names" {
  value = [for g in data.telnyx_billing_groups.usage.billing_groups : g.name]
}
