# An access IP range is imported by its Telnyx id.
terraform import telnyx_access_ip_range.office 3f9c2d1e-0b7a-4c55-9e61-2a8d7f4b1c03
