# An outbound voice profile is imported by its Telnyx id.
terraform import telnyx_outbound_voice_profile.office 1293384261075731499
