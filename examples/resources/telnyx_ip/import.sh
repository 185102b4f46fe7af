# An IP record is imported by its Telnyx id.
terraform import 'telnyx_ip.sbc["192.0.2.10"]' 6a09cdc3-8948-47f0-aa62-74ac943d6c58
