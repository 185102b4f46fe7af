variable "name" {
  description = "Base name of the trunk: the outbound voice profile and the connection are named after it."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,62}$", var.name))
    error_message = "The name must be 3-63 characters: lower-case letters, digits and dashes, not starting with a dash."
  }
}

variable "kind" {
  description = "How the PBX or SBC reaches Telnyx: \"credential\" (registers with a user name and password), \"fqdn\" (Telnyx resolves host names) or \"ip\" (fixed IP addresses)."
  type        = string
  validation {
    condition     = contains(["credential", "fqdn", "ip"], var.kind)
    error_message = "The kind must be one of \"credential\", \"fqdn\" or \"ip\"."
  }
}

variable "destinations" {
  description = "Countries (ISO 3166-1 alpha-2) outbound calls may reach."
  type        = set(string)
  default     = ["US", "CA"]
  validation {
    condition     = alltrue([for c in var.destinations : can(regex("^[A-Z]{2}$", c))])
    error_message = "Each destination must be a two-letter upper-case country code such as \"US\"."
  }
}

variable "concurrent_call_limit" {
  description = "Most outbound calls at once across the trunk; null for no limit."
  type        = number
  default     = null
  validation {
    condition     = var.concurrent_call_limit == null ? true : var.concurrent_call_limit >= 1
    error_message = "The concurrent call limit must be at least 1 (or null)."
  }
}

variable "channel_limit" {
  description = "Most inbound calls at once on the connection; null leaves Telnyx's default."
  type        = number
  default     = null
}

variable "codecs" {
  description = "Inbound codecs in order of preference; null leaves Telnyx's default."
  type        = list(string)
  default     = null
}

variable "transport_protocol" {
  description = "SIP transport for FQDN and IP connections: UDP, TCP or TLS."
  type        = string
  default     = "UDP"
  validation {
    condition     = contains(["UDP", "TCP", "TLS"], var.transport_protocol)
    error_message = "The transport protocol must be UDP, TCP or TLS."
  }
}

variable "user_name" {
  description = "SIP user name (kind = \"credential\"): 4-32 letters and digits, a letter among the first five."
  type        = string
  default     = null
}

variable "password" {
  description = "SIP password (kind = \"credential\"), 8-128 characters."
  type        = string
  default     = null
  sensitive   = true
}

variable "fqdns" {
  description = "Host names Telnyx sends calls to (kind = \"fqdn\"), each with its port."
  type        = map(number)
  default     = {}
}

variable "ips" {
  description = "IPv4 addresses of the SBCs (kind = \"ip\"), each with its SIP port."
  type        = map(number)
  default     = {}
}

variable "tags" {
  description = "Tags for every object of the trunk."
  type        = set(string)
  default     = []
}

variable "phone_numbers" {
  description = "Numbers the account already owns (E.164) to route to the trunk. The module never buys a number; destroying the trunk unroutes them."
  type        = set(string)
  default     = []
  validation {
    condition     = alltrue([for n in var.phone_numbers : can(regex("^\\+[0-9]{2,15}$", n))])
    error_message = "Each phone number must be in E.164 form, such as \"+13125550100\"."
  }
}

variable "billing_group_id" {
  description = "UUID of a billing group (telnyx_billing_group) the trunk's numbers and outbound calls are billed to; null for none."
  type        = string
  default     = null
}

variable "emergency_address" {
  description = "An address for emergency services (E911) to create and enable on every number of the trunk: the arguments of telnyx_emergency_address by name (street_address, locality and country_code; business_name, or first_name and last_name; extended_address, administrative_area and postal_code optional). Null for none. Not together with emergency_address_id."
  type        = map(string)
  default     = null
  validation {
    condition     = var.emergency_address == null ? true : alltrue([for k in ["street_address", "locality", "country_code"] : contains(keys(var.emergency_address), k)])
    error_message = "An emergency address needs street_address, locality and country_code."
  }
  validation {
    condition = var.emergency_address == null ? true : alltrue([for k in keys(var.emergency_address) : contains(
      ["business_name", "first_name", "last_name", "street_address", "extended_address", "locality", "administrative_area", "postal_code", "country_code"], k
    )])
    error_message = "The emergency address takes business_name, first_name, last_name, street_address, extended_address, locality, administrative_area, postal_code and country_code."
  }
}

variable "emergency_address_id" {
  description = "Id of an existing emergency address (telnyx_emergency_address) to enable E911 with on every number of the trunk; null for none. Not together with emergency_address."
  type        = string
  default     = null
  validation {
    condition     = var.emergency_address_id == null ? true : can(regex("^[0-9]{1,19}$", var.emergency_address_id))
    error_message = "The emergency address id is the numeric id of an address, such as \"1293384261075731499\"."
  }
}
