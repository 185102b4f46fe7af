# Changing either argument replaces the range: the API cannot update one.
resource "telnyx_access_ip_range" "office" {
  cidr_block  = "203.0.113.0/24"
  description = "Office network"
}
