#![no_main]
//! See `terraform_provider_telnyx::fuzzing::msgpack_value`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| terraform_provider_telnyx::fuzzing::msgpack_value(data));
