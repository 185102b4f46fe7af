# One record per SBC address of the IP connection.
resource "telnyx_ip" "sbc" {
  for_each      = toset(["192.0.2.10", "192.0.2.11"])
  connection_id = telnyx_ip_connection.datacenter.id
  ip_address    = each.key
  port          = 5060
}
