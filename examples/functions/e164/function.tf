# A national number, read in the region given.
output "main_line" {
  value = provider::telnyx::e164("(312) 555-0100", "US") # "+13125550100"
}

# An international number names its own country: the region may be null.
output "london_office" {
  value = provider::telnyx::e164("+44 20 7946 0958", null) # "+442079460958"
}

# Numbers as a spreadsheet lists them, routed by their E.164 form.
locals {
  desk_numbers = [for n in ["020 7183 8750", "0161 496 0000"] : provider::telnyx::e164(n, "GB")]
}

output "desk_numbers" {
  value = local.desk_numbers # ["+442071838750", "+441614960000"]
}
