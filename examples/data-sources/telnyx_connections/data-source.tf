# Every connection (of any type) whose name contains "office"; all pages are read.
data "telnyx_connections" "office" {
  connection_name_contains = "office"

  depends_on = [telnyx_credential_connection.office_pbx]
}

output "office_connection_ids" {
  value = [for c in data.telnyx_connections.office.connections : c.id]
}
