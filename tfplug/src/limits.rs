//! Bounds on decoding values from outside the process (msgpack and JSON from Terraform, state
//! JSON, API bodies). Each is far beyond anything a real configuration holds, and each keeps a
//! hostile or broken input from exhausting the stack or the memory: past a bound, the decoder
//! returns an error, which the server answers with a diagnostic.
//!
//! * [`MAX_DEPTH`] — nesting of values (a list in an object in a list …). The deepest schema a
//!   provider declares is a handful of levels (here six: a list data source's object, its list,
//!   a listed object, a nested object in it, a set there, the set's strings); 64 leaves room for
//!   dynamic values and any schema to come, and keeps recursion a few kilobytes of stack deep.
//! * [`MAX_VALUES`] — values in one decoded value, all levels together (including the nulls an
//!   object's absent attributes are filled with). A request is at most 256 MiB (the gRPC
//!   limit), and a value takes far more memory than its one msgpack byte: without a bound, a
//!   message of nils would take gigabytes. 2^20 values is a few tens of MiB at most.
//! * [`MAX_STRING_BYTES`] — one string (or map key, or number written as text). Terraform
//!   values of a few MiB exist (a file's content in some providers); no attribute here holds
//!   more than a few KiB, so 1 MiB is generous, and an 8 MB string is refused.
//! * [`MAX_JSON_NESTING`] — brackets open at once in JSON text, checked before parsing: the
//!   limit serde_json itself enforces (its recursion limit of 128 lets 127 brackets open),
//!   reported in our words, without recursion. JSON spends a level on each dynamic value's
//!   `{"type","value"}` wrapper and on type syntax, so it is about twice [`MAX_DEPTH`].
//!
//! Collections are never allocated at the size a header claims: at most [`PREALLOCATE`]
//! elements up front, the rest as elements really arrive.

/// The deepest nesting of values a decoder accepts.
pub const MAX_DEPTH: usize = 64;
/// The most values one decoded value may hold, all levels together.
pub const MAX_VALUES: usize = 1 << 20;
/// The longest string (map key, number text) a decoder accepts, in bytes.
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// The deepest bracket nesting accepted in JSON text.
pub const MAX_JSON_NESTING: usize = 127;
/// The most elements allocated before they are read, whatever a length header claims.
pub const PREALLOCATE: usize = 64;

/// What one decode has spent of the bounds; shared by the msgpack and JSON decoders so that
/// both accept exactly the same values.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    depth: usize,
    values: usize,
}

impl Budget {
    /// Counts one value at the next level down; [`Budget::leave`] must follow when its
    /// decoding is done (on success or failure alike).
    pub(crate) fn enter(&mut self) -> Result<(), String> {
        self.count(1)?;
        if self.depth >= MAX_DEPTH {
            return Err(format!("values nested deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts `n` values (e.g. the nulls filling an object's absent attributes).
    pub(crate) fn count(&mut self, n: usize) -> Result<(), String> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err(format!("more than {MAX_VALUES} values"));
        }
        Ok(())
    }
}

/// Refuses a string (or key, or number text) longer than [`MAX_STRING_BYTES`].
pub(crate) fn check_len(what: &str, len: usize) -> Result<(), String> {
    if len > MAX_STRING_BYTES {
        return Err(format!("{what} of {len} bytes is longer than the {MAX_STRING_BYTES} allowed"));
    }
    Ok(())
}

/// A capacity to allocate for a collection whose header claims `claimed` elements.
pub(crate) fn capacity(claimed: usize) -> usize {
    claimed.min(PREALLOCATE)
}

/// The start of a text an error message quotes (a key in a path, a value): at most 80
/// characters, so that a long one never makes messages megabytes long.
pub(crate) fn brief(s: &str) -> &str {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
