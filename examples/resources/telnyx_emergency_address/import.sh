# An emergency address is imported by its Telnyx id.
terraform import telnyx_emergency_address.hq 1293384261075731499
