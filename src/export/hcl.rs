//! HCL text in the layout `terraform fmt` produces: two-space indentation, the `=` of
//! consecutive one-line attributes aligned, a blank line around every multi-line attribute.

use tfplug::Value;
use tfplug::json::to_json;

/// One attribute of a body: a name and what stands right of `=`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A value on one line (`"x"`, `5`, `["a", "b"]`, `telnyx_fqdn_connection.pbx.id`).
    Line(String, String),
    /// An object written over several lines (`inbound = { ... }`).
    Object(String, Vec<Item>),
    /// A nested block (`lifecycle { ... }`).
    Block(String, Vec<Item>),
    /// A `#` comment line.
    Comment(String),
}

/// A quoted string literal with HCL's escapes only: `\n \r \t \" \\`, any other control
/// character as `\uNNNN` (HCL has no `\b` or `\f`), and the template sequences `${` and `%{`
/// as `$${` and `%%{`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as an HCL expression on one line (objects are written by [`Item::Object`]).
pub fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => string(s),
        Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => format!("[{}]", xs.iter().map(literal).collect::<Vec<_>>().join(", ")),
        Value::Map(m) | Value::Object(m) => {
            format!("{{ {} }}", m.iter().map(|(k, x)| format!("{} = {}", key(k), literal(x))).collect::<Vec<_>>().join(", "))
        }
        other => to_json(other).to_string(),
    }
}

/// An object key: bare when it is an identifier, quoted otherwise.
fn key(k: &str) -> String {
    if is_identifier(k) { k.to_string() } else { string(k) }
}

pub fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_') && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '-')
}

/// Writes `items` as a body indented by `depth` levels.
pub fn body(items: &[Item], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let mut i = 0;
    let mut first = true;
    while i < items.len() {
        match &items[i] {
            Item::Line(..) | Item::Comment(_) => {
                // A run of one-line attributes (comments included) aligns its `=`.
                let start = i;
                while i < items.len() && matches!(items[i], Item::Line(..) | Item::Comment(_)) {
                    i += 1;
                }
                let run = &items[start..i];
                let width = run.iter().filter_map(|x| if let Item::Line(n, _) = x { Some(n.len()) } else { None }).max().unwrap_or(0);
                if !first {
                    out.push('\n');
                }
                for x in run {
                    match x {
                        Item::Line(n, v) => out.push_str(&format!("{pad}{n:<width$} = {v}\n")),
                        Item::Comment(c) => out.push_str(&format!("{pad}# {c}\n")),
                        _ => {}
                    }
                }
            }
            Item::Object(n, inner) | Item::Block(n, inner) => {
                if !first {
                    out.push('\n');
                }
                let opener = if matches!(items[i], Item::Object(..)) { " = {" } else { " {" };
                out.push_str(&format!("{pad}{n}{opener}\n"));
                body(inner, depth + 1, out);
                out.push_str(&format!("{pad}}}\n"));
                i += 1;
            }
        }
        first = false;
    }
}

/// A top-level block: `header { body }`.
pub fn block(header: &str, items: &[Item]) -> String {
    let mut out = format!("{header} {{\n");
    body(items, 1, &mut out);
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_json_and_templates() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("${x} %{if}"), r#""$${x} %%{if}""#);
        assert_eq!(string("línea\n"), "\"línea\\n\"");
    }

    /// HCL has no `\b` or `\f` escape (JSON's): a control character is `\uNNNN`.
    #[test]
    fn strings_use_only_hcl_escapes() {
        assert_eq!(string("a\u{8}b\u{c}c"), r#""a\u0008b\u000Cc""#);
        assert_eq!(string("\u{1}\u{1f}\u{7f}\t\r\n"), r#""\u0001\u001F\u007F\t\r\n""#);
        assert_eq!(string("${x} %{x} $${x} 100% $5"), r#""$${x} %%{x} $$${x} 100% $5""#);
        assert_eq!(string("ünïcode ☎"), "\"ünïcode ☎\"");
    }

    #[test]
    fn bodies_align_runs_and_space_multiline_items() {
        let items = vec![
            Item::Line("name".into(), "\"a\"".into()),
            Item::Line("transport_protocol".into(), "\"TCP\"".into()),
            Item::Object("inbound".into(), vec![Item::Line("channel_limit".into(), "10".into())]),
            Item::Line("tags".into(), "[\"x\"]".into()),
        ];
        let text = block("resource \"t\" \"n\"", &items);
        assert_eq!(
            text,
            "resource \"t\" \"n\" {\n  name               = \"a\"\n  transport_protocol = \"TCP\"\n\n  inbound = {\n    channel_limit = 10\n  }\n\n  tags = [\"x\"]\n}\n"
        );
    }

    #[test]
    fn literals() {
        let v = Value::List(vec![Value::string("a"), Value::int(2)]);
        assert_eq!(literal(&v), "[\"a\", 2]");
        assert_eq!(literal(&Value::Bool(true)), "true");
        assert!(is_identifier("a_b-1") && !is_identifier("1a") && !is_identifier(""));
    }
}
