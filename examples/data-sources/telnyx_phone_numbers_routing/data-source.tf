# The numbers routed to a trunk, with the settings they all share.
data "telnyx_phone_numbers_routing" "trunk" {
  connection_id = telnyx_fqdn_connection.sip_trunk.id
}

output "trunk_number_count" {
  value = length(data.telnyx_phone_numbers_routing.trunk.phone_numbers)
}
