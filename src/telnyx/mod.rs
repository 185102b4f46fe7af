//! The Telnyx REST layer, knowing nothing of Terraform: the client ([`client`], in rooms:
//! [`transport`], [`retry`], [`pages`], and [`batch`]: many reads served from one listing), typed errors, redaction and timestamps.

pub mod batch;
pub mod client;
pub mod error;
pub mod pages;
pub mod redact;
pub mod retry;
pub mod timestamp;
pub mod transport;

#[cfg(test)]
mod tests;
