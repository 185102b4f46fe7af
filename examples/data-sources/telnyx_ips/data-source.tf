# Every address of one IP connection on the standard SIP port.
data "telnyx_ips" "datacenter" {
  connection_id = telnyx_ip_connection.datacenter.id
  port          = 5060
}

output "datacenter_addresses" {
  value = [for ip in data.telnyx_ips.datacenter.ips : ip.ip_address]
}
