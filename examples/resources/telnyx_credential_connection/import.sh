# A credential connection is imported by its Telnyx id. Telnyx does not reveal the password,
# so the first apply after the import sets it to the configured value.
terraform import telnyx_credential_connection.office_pbx 1293384261075731499
