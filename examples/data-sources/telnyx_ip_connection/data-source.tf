# By name: exactly one IP connection must have it.
data "telnyx_ip_connection" "datacenter" {
  connection_name = telnyx_ip_connection.datacenter.connection_name
}

output "datacenter_inbound" {
  value = data.telnyx_ip_connection.datacenter.inbound
}
