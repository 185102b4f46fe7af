# Every address of one IP connection on the standard SIP port.
data "telnyx_ips" "datacenter" {
  connection_id = telnyx_ip.sbc["192.0.2.10"].connection_id
  port          = 5060
}

output "datacenter_addresses" {
  value = [for ip in data.telnyx_ips.datacenter.ips : ip.ip_address]
}
