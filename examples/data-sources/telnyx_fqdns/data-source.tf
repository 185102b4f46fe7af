# Every FQDN record of one connection. `depends_on` makes Terraform read the list after every
# record of the configuration exists, not as soon as the first one does.
data "telnyx_fqdns" "trunk" {
  connection_id = telnyx_fqdn.primary.connection_id

  depends_on = [telnyx_fqdn.primary, telnyx_fqdn.srv]
}

output "trunk_host_names" {
  value = [for f in data.telnyx_fqdns.trunk.fqdns : f.fqdn]
}
