# Two trunks from the same module: a registering PBX at headquarters and an SBC pair in the
# data centre, each with the account's numbers routed to it.

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

resource "telnyx_billing_group" "hq" {
  name = "hq-telephony"
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
  phone_numbers         = ["+13125550100", "+13125550101"]
  billing_group_id      = telnyx_billing_group.hq.id
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
  phone_numbers = ["+13125550102"]
  tags          = ["datacenter"]
}

output "hq_connection_id" {
  value = module.hq.connection_id
}

output "datacenter_ip_ids" {
  value = module.datacenter.ip_ids
}

output "hq_numbers" {
  value = module.hq.phone_numbers
}
