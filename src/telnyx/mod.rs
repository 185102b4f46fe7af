//! The Telnyx REST layer, knowing nothing of Terraform: a client stacked in layers as tower
//! stacks services, each knowing only the ones below it, each testable alone.
//!
//! ```text
//! client      Settings, Client: the layers stacked once; what the provider holds
//!   │
//! batch       many reads served from one listing (uses pages, api)
//!   │
//! pages       walking a list endpoint page by page (uses api)
//!   │
//! api         verbs, envelopes, never-sent requests, writes made (uses retry, transport)
//!   │
//! retry       whether and when an attempt goes again, over any "send once" (uses transport's Failed)
//!   │
//! transport   one request on the wire: HTTP client, auth, body cap, Retry-After, logs
//!
//! error, redact, timestamp: leaves, used from any layer, using none.
//! ```
//!
//! No module imports one above it: `use super::` in a module names only modules below it in
//! this diagram.

pub mod api;
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
#[cfg(test)]
pub(crate) mod testserver;
