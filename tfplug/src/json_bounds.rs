//! Parsing JSON text from outside the process within bounds, shared by the plugin protocol
//! (state, `RawState.json`) and the REST client (API answers); each passes its own [`Bounds`].
//!
//! Text nesting deeper than [`Bounds::nesting`] or holding more than [`Bounds::values`]
//! values is refused by a scan before anything is parsed or allocated (serde_json's own
//! recursion limit lets 127 brackets open; the scan words the error and bounds the memory a
//! parse can take).

use serde_json::Value as Json;

/// The bounds of one parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The deepest bracket nesting accepted.
    pub nesting: usize,
    /// The most values (array or object entries, all levels together) accepted.
    pub values: usize,
}

/// Parses JSON text within `bounds`; the error is a message without a path.
pub fn parse(bytes: &[u8], bounds: Bounds) -> Result<Json, String> {
    scan(bytes, bounds)?;
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// Counts brackets and entries outside strings; each array or object entry is one value.
fn scan(bytes: &[u8], bounds: Bounds) -> Result<(), String> {
    let (mut depth, mut entries) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > bounds.nesting {
                    return Err(format!("JSON nested deeper than {} levels", bounds.nesting));
                }
                entries += 1;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' => entries += 1,
            _ => {}
        }
        if entries > bounds.values {
            return Err(format!("JSON with more than {} values", bounds.values));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Bounds = Bounds { nesting: 3, values: 5 };

    #[test]
    fn bounds_are_checked_outside_strings_only() {
        assert!(parse(b"[[[1]]]", SMALL).is_ok());
        assert!(parse(b"[[[[1]]]]", SMALL).unwrap_err().contains("nested deeper than 3"));
        assert!(parse(b"[1,2,3,4,5]", SMALL).is_ok());
        assert!(parse(b"[1,2,3,4,5,6]", SMALL).unwrap_err().contains("more than 5 values"));
        assert!(parse(br#"["[[[[,,,,,,\"]]"]"#, SMALL).is_ok());
        assert!(parse(b"nope", SMALL).is_err());
    }
}
