# Every connection that numbers are routed to, with its numbers: a map from connection id to
# how many numbers it carries.
data "telnyx_phone_numbers_routings" "all" {}

output "numbers_per_connection" {
  value = { for r in data.telnyx_phone_numbers_routings.all.routings : r.connection_id => length(r.phone_numbers) }
}
