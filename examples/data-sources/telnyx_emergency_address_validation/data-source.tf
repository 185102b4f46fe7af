# Ask Telnyx whether an address is valid for emergency services, without creating anything.
# In a `check` block (Terraform >= 1.5) the plan warns before an address is created: see the
# E911 guide.
data "telnyx_emergency_address_validation" "branch" {
  street_address      = "100 Main Street"
  locality            = "Springfield"
  administrative_area = "IL"
  postal_code         = "62701"
  country_code        = "US"
}

output "branch_address" {
  value = {
    result    = data.telnyx_emergency_address_validation.branch.result
    suggested = data.telnyx_emergency_address_validation.branch.suggested
    errors    = data.telnyx_emergency_address_validation.branch.errors
  }
}
