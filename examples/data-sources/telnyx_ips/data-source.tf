# Every address of one IP connection on the standard SIP port. `depends_on` makes Terraform read
# the list after every address of the configuration exists, not as soon as the first one does.
data "telnyx_ips" "datacenter" {
  connection_id = telnyx_ip.sbc["192.0.2.10"].connection_id
  port          = 5060

  depends_on = [telnyx_ip.sbc]
}

output "datacenter_addresses" {
  value = [for ip in data.telnyx_ips.datacenter.ips : ip.ip_address]
}
