# By CIDR block (or by `id`).
data "telnyx_access_ip_range" "office" {
  cidr_block = "203.0.113.0/24"
}

output "office_range_status" {
  value = data.telnyx_access_ip_range.office.status
}
