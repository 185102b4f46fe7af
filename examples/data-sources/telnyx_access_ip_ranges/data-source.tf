# Every access IP range in 10.0.0.0/8 added since the start of 2026.
data "telnyx_access_ip_ranges" "private" {
  cidr_block_startswith = "10."
  created_at_gte        = "2026-01-01T00:00:00Z"
}

output "private_ranges" {
  value = { for r in data.telnyx_access_ip_ranges.private.access_ip_ranges : r.cidr_block => r.status }
}
