# By id.
data "telnyx_fqdn_connection" "sip_trunk" {
  id = telnyx_fqdn_connection.sip_trunk.id
}

output "sip_trunk_transport" {
  value = data.telnyx_fqdn_connection.sip_trunk.transport_protocol
}
