# A billing group is imported by its Telnyx id (a UUID).
terraform import telnyx_billing_group.example f5586561-8ff0-4291-a0ac-84fe544797bd
