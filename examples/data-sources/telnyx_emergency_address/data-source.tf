# One address, by its street line (exactly one address must have it) or by `id`.
data "telnyx_emergency_address" "hq" {
  street_address = telnyx_emergency_address.hq.street_address
}

output "hq_address_id" {
  value = data.telnyx_emergency_address.hq.id
}
