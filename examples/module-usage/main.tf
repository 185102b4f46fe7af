# Two trunks from the same module: a registering PBX at headquarters and an SBC pair in the
# data centre.

terraform {
  required_providers {
    telnyx = {
      source = "telnyx/telnyx"
    }
  }
}

provider "telnyx" {}

variable "hq_pbx_password" {
  type      = string
  sensitive = true
  default   = "Hq-pbx-Secret-2026"
}

module "hq" {
  source = "../modules/sip_trunk"

  name                  = "hq-pbx"
  kind                  = "credential"
  user_name             = "hqpbx2026"
  password              = var.hq_pbx_password
  destinations          = ["US", "CA", "GB"]
  concurrent_call_limit = 30
  channel_limit         = 30
  codecs                = ["OPUS", "G722", "G711U"]
  tags                  = ["hq"]
}

module "datacenter" {
  source = "../modules/sip_trunk"

  name               = "dc-sbc"
  kind               = "ip"
  transport_protocol = "TCP"
  channel_limit      = 100
  ips = {
    "192.0.2.10" = 5060
    "192.0.2.11" = 5060
  }
  tags = ["datacenter"]
}

output "hq_connection_id" {
  value = module.hq.connection_id
}

output "datacenter_ip_ids" {
  value = module.datacenter.ip_ids
}
