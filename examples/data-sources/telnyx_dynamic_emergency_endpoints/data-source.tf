# Endpoints Telnyx has not activated yet.
data "telnyx_dynamic_emergency_endpoints" "pending" {
  status = "pending"
}

output "pending_endpoints" {
  value = [for e in data.telnyx_dynamic_emergency_endpoints.pending.dynamic_emergency_endpoints : e.caller_name]
}
