# Every IP connection whose name contains "sbc" (at least 3 characters; ignoring case).
data "telnyx_ip_connections" "sbcs" {
  connection_name_contains = "sbc"
}

output "sbc_connection_ids" {
  value = [for c in data.telnyx_ip_connections.sbcs.ip_connections : c.id]
}
