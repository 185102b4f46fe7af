# An FQDN connection is imported by its Telnyx id.
terraform import telnyx_fqdn_connection.sip_trunk 1293384261075731499
