# A dynamic emergency endpoint is imported by its Telnyx id.
terraform import telnyx_dynamic_emergency_endpoint.reception 7d7a3c1e-5b2f-4e8a-9c61-0f4b2e8d1a36
