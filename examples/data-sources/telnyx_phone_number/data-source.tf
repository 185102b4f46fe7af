# Any number of the account, by the number (or by `id`); it need not be managed here.
data "telnyx_phone_number" "main_line" {
  phone_number = telnyx_phone_number.main_line.phone_number
}

output "main_line_status" {
  value = data.telnyx_phone_number.main_line.status
}
