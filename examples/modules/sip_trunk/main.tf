# A SIP trunk: an outbound voice profile and one connection of the chosen kind, with the
# connection's addresses (FQDNs or IPs).

locals {
  inbound = { for k, v in {
    channel_limit = var.channel_limit
    codecs        = var.codecs
  } : k => v if v != null }
}

resource "telnyx_outbound_voice_profile" "this" {
  name                     = "${var.name}-outbound"
  whitelisted_destinations = var.destinations
  concurrent_call_limit    = var.concurrent_call_limit
  tags                     = var.tags
}

resource "telnyx_credential_connection" "this" {
  count           = var.kind == "credential" ? 1 : 0
  connection_name = var.name
  user_name       = var.user_name
  password        = var.password
  tags            = var.tags
  inbound         = local.inbound
  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.this.id
  }
}

resource "telnyx_fqdn_connection" "this" {
  count              = var.kind == "fqdn" ? 1 : 0
  connection_name    = var.name
  transport_protocol = var.transport_protocol
  tags               = var.tags
  inbound            = local.inbound
  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.this.id
  }
}

resource "telnyx_fqdn" "this" {
  for_each        = var.kind == "fqdn" ? var.fqdns : {}
  connection_id   = telnyx_fqdn_connection.this[0].id
  fqdn            = each.key
  dns_record_type = "a"
  port            = each.value
}

resource "telnyx_ip_connection" "this" {
  count              = var.kind == "ip" ? 1 : 0
  connection_name    = var.name
  transport_protocol = var.transport_protocol
  tags               = var.tags
  inbound            = local.inbound
  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.this.id
  }
}

resource "telnyx_ip" "this" {
  for_each      = var.kind == "ip" ? var.ips : {}
  connection_id = telnyx_ip_connection.this[0].id
  ip_address    = each.key
  port          = each.value
}
