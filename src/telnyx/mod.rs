//! The Telnyx REST layer: client, typed errors, redaction, and the schema-driven mapping
//! between Terraform values and API JSON.

pub mod client;
pub mod error;
pub mod mapping;
pub mod redact;
pub mod timestamp;
