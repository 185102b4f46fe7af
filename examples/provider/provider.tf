terraform {
  required_providers {
    telnyx = {
      source = "telnyx/telnyx"
    }
  }
}

# Credentials and endpoint come from TELNYX_API_KEY and TELNYX_BASE_URL when not set here.
provider "telnyx" {
  # api_key       = var.telnyx_api_key
  # base_url      = "https://api.telnyx.com/v2"
  max_retries     = 8
  request_timeout = "60s"
  batch_reads     = true
}
