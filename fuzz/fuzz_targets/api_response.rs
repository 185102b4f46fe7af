#![no_main]
//! See `terraform_provider_telnyx::fuzzing::api_response`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| terraform_provider_telnyx::fuzzing::api_response(data));
