# An FQDN record is imported by its Telnyx id.
terraform import telnyx_fqdn.primary 1293384261075731499
