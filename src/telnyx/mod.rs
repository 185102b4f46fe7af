//! The Telnyx REST layer, knowing nothing of Terraform: the client ([`client`], in rooms:
//! [`transport`], [`retry`], [`pages`]), typed errors, redaction and timestamps.

pub mod client;
pub mod error;
pub mod pages;
pub mod redact;
pub mod retry;
pub mod timestamp;
pub mod transport;

#[cfg(test)]
mod tests;
