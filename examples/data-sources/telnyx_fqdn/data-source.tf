# By host name, narrowed to one connection (the same host name may be on several).
data "telnyx_fqdn" "primary" {
  fqdn          = telnyx_fqdn.primary.fqdn
  connection_id = telnyx_fqdn_connection.sip_trunk.id
}

# By id.
data "telnyx_fqdn" "by_id" {
  id = telnyx_fqdn.srv.id
}

output "primary_port" {
  value = data.telnyx_fqdn.primary.port
}
