# Every number routed to the trunk. `depends_on` reads the list after every number of the
# configuration has been routed.
data "telnyx_phone_numbers" "on_trunk" {
  connection_id = telnyx_fqdn_connection.sip_trunk.id

  depends_on = [telnyx_phone_number.main_line, telnyx_phone_number.fax]
}

# Every active number in the +1 312 555 range.
data "telnyx_phone_numbers" "chicago" {
  phone_number_contains = "+1312555"
  status                = "active"
}

output "trunk_numbers" {
  value = [for n in data.telnyx_phone_numbers.on_trunk.phone_numbers : n.phone_number]
}
