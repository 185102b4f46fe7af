# A TeXML application is imported by its Telnyx id.
terraform import telnyx_texml_application.voicemail 1293384261075731499
