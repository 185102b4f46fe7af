# Every address with this customer reference; `used_as_emergency = "true"` keeps only those
# that numbers use for emergency services.
data "telnyx_emergency_addresses" "hq" {
  customer_reference = telnyx_emergency_address.hq.customer_reference
}

output "hq_addresses" {
  value = [for a in data.telnyx_emergency_addresses.hq.emergency_addresses : a.street_address]
}
