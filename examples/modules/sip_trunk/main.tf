# A SIP trunk: an outbound voice profile and one connection of the chosen kind, with the
# connection's addresses (FQDNs or IPs) and the phone numbers routed to it.

locals {
  connection_id = one(concat(
    telnyx_credential_connection.this[*].id,
    telnyx_fqdn_connection.this[*].id,
    telnyx_ip_connection.this[*].id,
  ))

  inbound = { for k, v in {
    channel_limit = var.channel_limit
    codecs        = var.codecs
  } : k => v if v != null }

  # E911 on the trunk's numbers: with an address made here, or one that exists.
  e911                 = var.emergency_address != null || var.emergency_address_id != null
  emergency_address_id = var.emergency_address != null ? one(telnyx_emergency_address.this[*].id) : var.emergency_address_id
}

resource "telnyx_outbound_voice_profile" "this" {
  name                     = "${var.name}-outbound"
  whitelisted_destinations = var.destinations
  concurrent_call_limit    = var.concurrent_call_limit
  billing_group_id         = var.billing_group_id
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

  # Numbers move to a new connection before the old one is deleted: Telnyx refuses to delete a
  # connection that numbers still use, and Terraform deletes first otherwise (changing `kind`).
  lifecycle {
    create_before_destroy = true
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

  # Numbers move to a new connection before the old one is deleted: Telnyx refuses to delete a
  # connection that numbers still use, and Terraform deletes first otherwise (changing `kind`).
  lifecycle {
    create_before_destroy = true
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

  # Numbers move to a new connection before the old one is deleted: Telnyx refuses to delete a
  # connection that numbers still use, and Terraform deletes first otherwise (changing `kind`).
  lifecycle {
    create_before_destroy = true
  }
}

resource "telnyx_ip" "this" {
  for_each      = var.kind == "ip" ? var.ips : {}
  connection_id = telnyx_ip_connection.this[0].id
  ip_address    = each.key
  port          = each.value
}

# Numbers the account already owns, routed to the trunk's connection by Telnyx's bulk jobs
# (never bought; destroying the trunk gives them back as found and leaves them in the account).
# Each number keeps tags of its own beside the trunk's. With E911 the numbers are managed one by
# one instead (below): the bulk jobs do not carry emergency settings.
resource "telnyx_phone_numbers_routing" "this" {
  count            = length(var.phone_numbers) > 0 && !local.e911 ? 1 : 0
  phone_numbers    = var.phone_numbers
  connection_id    = local.connection_id
  billing_group_id = var.billing_group_id
  tags             = length(var.tags) > 0 ? var.tags : null
}

# The emergency address, when the trunk makes its own. Telnyx cannot change an address: a change
# replaces it, and the numbers move to the new one before the old one is deleted.
resource "telnyx_emergency_address" "this" {
  count               = var.emergency_address != null ? 1 : 0
  business_name       = lookup(var.emergency_address, "business_name", null)
  first_name          = lookup(var.emergency_address, "first_name", null)
  last_name           = lookup(var.emergency_address, "last_name", null)
  street_address      = var.emergency_address["street_address"]
  extended_address    = lookup(var.emergency_address, "extended_address", null)
  locality            = var.emergency_address["locality"]
  administrative_area = lookup(var.emergency_address, "administrative_area", null)
  postal_code         = lookup(var.emergency_address, "postal_code", null)
  country_code        = var.emergency_address["country_code"]
  customer_reference  = var.name

  lifecycle {
    create_before_destroy = true
  }
}

# With E911: each number routed to the trunk with emergency services at the address (Telnyx
# provisions them; the apply waits). Destroy gives each number back its routing and emergency
# settings as found. Tags here are the number's whole list (the trunk's tags).
resource "telnyx_phone_number" "this" {
  for_each             = local.e911 ? var.phone_numbers : toset([])
  phone_number         = each.key
  connection_id        = local.connection_id
  billing_group_id     = var.billing_group_id
  tags                 = length(var.tags) > 0 ? var.tags : null
  emergency_enabled    = true
  emergency_address_id = local.emergency_address_id
}
