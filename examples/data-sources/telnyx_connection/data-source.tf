# Any connection type, by id: the fields every connection has.
data "telnyx_connection" "datacenter" {
  id = telnyx_ip_connection.datacenter.id
}

output "datacenter_record_type" {
  value = data.telnyx_connection.datacenter.record_type
}
