# A UAC connection is imported by its Telnyx id. Telnyx does not reveal the passwords, so the
# first apply after the import sets them to the configured values.
terraform import telnyx_uac_connection.branch_pbx 1293384261075731499
