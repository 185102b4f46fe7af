# An IP connection is imported by its Telnyx id.
terraform import telnyx_ip_connection.datacenter 1293384261075731499
