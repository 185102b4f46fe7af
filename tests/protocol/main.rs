//! Protocol tests, one test binary: the provider binary launched as Terraform's go-plugin
//! client launches it (handshake, AutoMTLS, gRPC), the call sequences of newer Terraform and
//! OpenTofu clients, the gRPC service in-process, and the binaries' command line. Each file is
//! a module; one binary links the provider, tonic and TLS once instead of once per file.
//!
//! The tests run in parallel threads: each launches its own plugin (a socket directory of its
//! own) and emulator (a port of its own); none changes this process's environment.

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod ephemeral;
mod functions;
mod launch;
mod newer_clients;
mod newer_features;
