# The address emergency services send help to for the numbers that name it. Telnyx validates it
# when it is created and refuses an invalid one, suggesting corrections per field.
resource "telnyx_emergency_address" "hq" {
  business_name       = "Example Corp"
  street_address      = "600 Congress Avenue"
  extended_address    = "14th Floor"
  locality            = "Austin"
  administrative_area = "TX"
  postal_code         = "78701"
  country_code        = "US"
  customer_reference  = "hq"

  # Telnyx cannot change an address: a change replaces it. Numbers that use it move to the new
  # address before the old one is deleted (an address in use is never deleted).
  lifecycle {
    create_before_destroy = true
  }
}

# E911 on a number the account owns, at that address.
resource "telnyx_phone_number" "reception" {
  phone_number         = "+13125550102"
  emergency_enabled    = true
  emergency_address_id = telnyx_emergency_address.hq.id
}
