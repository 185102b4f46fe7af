# By CIDR block (or by `id`).
data "telnyx_access_ip_range" "office" {
  cidr_block = telnyx_access_ip_range.office.cidr_block
}

output "office_range_status" {
  value = data.telnyx_access_ip_range.office.status
}
