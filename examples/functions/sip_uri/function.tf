# The parts of the URI a PBX registers with.
locals {
  pbx = provider::telnyx::sip_uri("sip:pbx@sip.example.com:5061;transport=tls")
}

output "pbx_host" {
  value = local.pbx.host # "sip.example.com"
}

output "pbx_port" {
  value = local.pbx.port # 5061
}

output "pbx_transport" {
  value = local.pbx.transport # "tls"
}

# An IPv6 host comes back without its brackets; absent parts are null.
output "ipv6_host" {
  value = provider::telnyx::sip_uri("sips:[2001:db8::10]").host # "2001:db8::10"
}
