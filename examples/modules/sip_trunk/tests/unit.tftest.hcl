# Plan-mode and mocked apply-mode tests of the module: no Telnyx account, no emulator, no
# network. `mock_provider` (Terraform >= 1.7) answers for telnyx/telnyx with made-up computed
# values. Run with `terraform init && terraform test` in the module's directory.

mock_provider "telnyx" {}

variables {
  name          = "unit-trunk"
  kind          = "fqdn"
  fqdns         = { "sbc1.example.com" = 5060, "sbc2.example.com" = 5080 }
  phone_numbers = ["+13125550100"]
  tags          = ["unit"]
}

run "fqdn_trunk_plans_one_connection_of_its_kind" {
  command = plan

  assert {
    condition     = length(telnyx_fqdn_connection.this) == 1 && length(telnyx_credential_connection.this) == 0 && length(telnyx_ip_connection.this) == 0
    error_message = "kind = \"fqdn\" makes exactly one FQDN connection."
  }
  assert {
    condition     = telnyx_outbound_voice_profile.this.name == "unit-trunk-outbound"
    error_message = "The outbound voice profile is named after the trunk."
  }
  assert {
    condition     = telnyx_fqdn.this["sbc2.example.com"].port == 5080 && telnyx_fqdn.this["sbc2.example.com"].dns_record_type == "a"
    error_message = "Each host name is an A record with its port."
  }
  assert {
    condition     = toset(telnyx_phone_numbers_routing.this[0].phone_numbers) == toset(["+13125550100"])
    error_message = "The numbers are routed by one routing resource."
  }
}

run "mocked_apply_wires_the_connection_everywhere" {
  command = apply

  assert {
    condition     = output.connection_id == telnyx_fqdn_connection.this[0].id
    error_message = "connection_id is the FQDN connection's id."
  }
  assert {
    condition     = telnyx_phone_numbers_routing.this[0].connection_id == output.connection_id
    error_message = "The numbers are routed to the trunk's connection."
  }
  assert {
    condition     = alltrue([for r in telnyx_fqdn.this : r.connection_id == output.connection_id])
    error_message = "Every FQDN record belongs to the trunk's connection."
  }
  assert {
    condition     = length(output.fqdn_ids) == 2 && length(output.ip_ids) == 0
    error_message = "fqdn_ids names both records; ip_ids is empty."
  }
}

run "no_numbers_no_routing_resource" {
  command = plan

  variables {
    phone_numbers = []
  }

  assert {
    condition     = length(telnyx_phone_numbers_routing.this) == 0
    error_message = "Without numbers the module declares no routing resource."
  }
}

run "an_unknown_kind_is_refused" {
  command = plan

  variables {
    kind = "sbc"
  }

  expect_failures = [var.kind]
}

run "a_number_not_in_e164_is_refused" {
  command = plan

  variables {
    phone_numbers = ["312-555-0100"]
  }

  expect_failures = [var.phone_numbers]
}

run "e911_with_an_address_of_its_own_manages_each_number" {
  command = plan

  variables {
    emergency_address = {
      business_name       = "Unit Corp"
      street_address      = "600 Congress Avenue"
      locality            = "Austin"
      administrative_area = "TX"
      postal_code         = "78701"
      country_code        = "US"
    }
  }

  assert {
    condition     = length(telnyx_emergency_address.this) == 1 && telnyx_emergency_address.this[0].street_address == "600 Congress Avenue"
    error_message = "The trunk makes its emergency address."
  }
  assert {
    condition     = length(telnyx_phone_numbers_routing.this) == 0 && length(telnyx_phone_number.this) == 1
    error_message = "With E911 each number is managed on its own (the bulk jobs carry no emergency settings)."
  }
  assert {
    condition     = telnyx_phone_number.this["+13125550100"].emergency_enabled == true
    error_message = "E911 is enabled on the number."
  }
}

run "e911_with_an_existing_address" {
  command = apply

  variables {
    emergency_address_id = "1293384261075731499"
  }

  assert {
    condition     = length(telnyx_emergency_address.this) == 0 && telnyx_phone_number.this["+13125550100"].emergency_address_id == "1293384261075731499"
    error_message = "The numbers use the address given."
  }
  assert {
    condition     = telnyx_phone_number.this["+13125550100"].connection_id == output.connection_id && output.emergency_address_id == "1293384261075731499"
    error_message = "Each number is routed to the trunk with E911 at the address."
  }
  assert {
    condition     = output.phone_numbers == toset(["+13125550100"])
    error_message = "phone_numbers names the numbers managed one by one."
  }
}

run "an_emergency_address_id_that_is_not_numeric_is_refused" {
  command = plan

  variables {
    emergency_address_id = "not-an-id"
  }

  expect_failures = [var.emergency_address_id]
}
