# A Call Control application is imported by its Telnyx id.
terraform import telnyx_call_control_application.ivr 1293384261075731499
