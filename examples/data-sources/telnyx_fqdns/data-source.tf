# Every FQDN record of one connection.
data "telnyx_fqdns" "trunk" {
  connection_id = telnyx_fqdn.primary.connection_id
}

output "trunk_host_names" {
  value = [for f in data.telnyx_fqdns.trunk.fqdns : f.fqdn]
}
