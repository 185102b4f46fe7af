# By host name, narrowed to one connection (the same host name may be on several).
data "telnyx_fqdn" "primary" {
  fqdn          = "sip1.example.com"
  connection_id = telnyx_fqdn_connection.sip_trunk.id
}

# By id.
data "telnyx_fqdn" "by_id" {
  id = "1293384261075731499"
}

output "primary_port" {
  value = data.telnyx_fqdn.primary.port
}
