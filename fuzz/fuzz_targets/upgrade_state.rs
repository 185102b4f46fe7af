#![no_main]
//! See `terraform_provider_telnyx::fuzzing::upgrade_state`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| terraform_provider_telnyx::fuzzing::upgrade_state(data));
