# The FQDN connections that have a record for this host name.
data "telnyx_fqdn_connections" "pbx" {
  fqdn = "pbx.example.com"
}

output "pbx_connection_names" {
  value = [for c in data.telnyx_fqdn_connections.pbx.fqdn_connections : c.connection_name]
}
