# By address; `connection_id` and `port` narrow the lookup when the address is on several connections.
data "telnyx_ip" "sbc" {
  ip_address    = telnyx_ip.sbc["192.0.2.10"].ip_address
  connection_id = telnyx_ip_connection.datacenter.id
}

output "sbc_ip_id" {
  value = data.telnyx_ip.sbc.id
}
