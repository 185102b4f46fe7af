# An A record: Telnyx sends SIP to this host name on this port.
resource "telnyx_fqdn" "primary" {
  connection_id   = telnyx_fqdn_connection.sip_trunk.id
  fqdn            = "sip1.example.com"
  dns_record_type = "a"
  port            = 5060
}

# An SRV record carries its own ports: no `port`.
resource "telnyx_fqdn" "srv" {
  connection_id   = telnyx_fqdn_connection.sip_trunk.id
  fqdn            = "example.com"
  dns_record_type = "srv"
}
