# A telephony credential is imported by its Telnyx id; `connection_id` is read back from its
# `resource_id`. Telnyx never returns `tag`: set it in the configuration and apply to send it.
terraform import telnyx_telephony_credential.webrtc_agent c215ade3-0d39-418e-94be-c5f780760199
