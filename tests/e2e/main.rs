//! End-to-end tests, one test binary: the built provider and emulator driven by real clients —
//! the `terraform` binary (resources, data sources, export, examples, packaging, faults) and
//! the official Telnyx Python SDK (emulator conformance). One binary links the provider and
//! its TLS and HTTP stacks once instead of once per file; each file is a module.
//!
//! The tests run in parallel threads: each starts its own emulator (a port of its own) and
//! works in a temporary directory of its own; none changes this process's environment.

#[path = "../support/mod.rs"]
mod support;

mod addresses;
mod applications;
mod batch_reads;
mod connections;
mod dynamic_emergency;
mod emergency;
mod examples;
mod export;
mod faults;
mod functions;
mod journal;
mod lists;
mod migrate;
mod module;
mod newer_client;
mod normalised_values;
mod numbers_routing;
mod outbound_voice_profile;
mod packaging;
mod phone_numbers;
mod release;
mod sdk_conformance;
mod telephony_credential;
mod uac_connection;
mod version_gated;
