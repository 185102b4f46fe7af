terraform {
  required_version = ">= 1.0"
  required_providers {
    telnyx = {
      source = "telnyx/telnyx"
    }
  }
}
