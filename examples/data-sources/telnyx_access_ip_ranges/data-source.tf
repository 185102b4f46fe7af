# Every access IP range starting with "203." added since the start of 2026.
data "telnyx_access_ip_ranges" "public" {
  cidr_block_startswith = "203."
  created_at_gte        = "2026-01-01T00:00:00Z"
}

output "public_ranges" {
  value = { for r in data.telnyx_access_ip_ranges.public.access_ip_ranges : r.cidr_block => r.status }
}
