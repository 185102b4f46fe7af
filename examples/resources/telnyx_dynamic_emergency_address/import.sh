# A dynamic emergency address is imported by its Telnyx id.
terraform import telnyx_dynamic_emergency_address.hq 0ccc7b54-4df3-4bca-a65a-3da1ecc777f1
