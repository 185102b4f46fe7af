//! Tests that start no process, one test binary: the generated docs are fresh, the committed
//! fuzz corpus replays, and no sensitive value reaches a diagnostic. Each file is a module.

mod docs;
mod fuzz_corpus;
mod sensitive;
