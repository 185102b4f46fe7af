//! The provider-defined functions (Terraform ≥ 1.8, OpenTofu ≥ 1.7): `provider::telnyx::e164`
//! and `provider::telnyx::sip_uri`. Pure functions of their arguments: Terraform calls them
//! on an unconfigured provider, so they know nothing of the API or its client.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use phonenumber::country;
use tfplug::{Function, FunctionError, Parameter, Signature, Type, Value};

/// Every function the provider serves.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![Arc::new(E164), Arc::new(SipUri)]
}

/// The string argument `i` (the engine has checked its presence and type).
fn string_arg(args: &[Value], i: usize) -> Option<&str> {
    args.get(i).and_then(Value::as_str)
}

// ---- e164 -------------------------------------------------------------------------------------

/// `provider::telnyx::e164(number, default_region)`: a phone number in E.164 (`+13125550100`).
#[derive(Debug)]
pub struct E164;

impl Function for E164 {
    fn name(&self) -> &'static str {
        "e164"
    }

    fn signature(&self) -> Signature {
        Signature::new("Normalises a phone number to E.164.", Type::String)
            .desc(
                "Parses a phone number as people write it — national (`(312) 555-0100`, `020 7946 0958`), international \
                 (`+44 20 7946 0958`, `00 44 20 7946 0958`) or `tel:` URI — and returns it in E.164 (`+13125550100`), the form \
                 the Telnyx API stores. Parsing and validation use the numbering plans of Google's libphonenumber (the \
                 `phonenumber` crate): a number that is not valid in its region fails, naming `number`. A number with an \
                 extension fails too: E.164 has no room for one.",
            )
            .param(Parameter::new("number", Type::String).desc("The phone number, in any common format."))
            .param(Parameter::new("default_region", Type::String).allow_null().desc(
                "The ISO 3166-1 alpha-2 region (`US`, `GB`, …; any case) a national number belongs to. May be null or `\"\"` \
                 when `number` starts with `+` (or `00`-style international prefix of that region), where the number names its \
                 own country; an unknown region always fails.",
            ))
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let number = string_arg(args, 0).unwrap_or_default();
        let region = string_arg(args, 1).unwrap_or_default();
        e164(number, region).map(Value::string)
    }
}

/// The region code `r` names, `None` for an empty one.
fn region(r: &str) -> Result<Option<country::Id>, FunctionError> {
    let r = r.trim();
    if r.is_empty() {
        return Ok(None);
    }
    r.to_ascii_uppercase().parse::<country::Id>().map(Some).map_err(|_| {
        FunctionError::argument(1, format!("{r:?} is not a region code this function knows (ISO 3166-1 alpha-2, such as US or GB)"))
    })
}

/// `number` in E.164; a national number is read in `default_region`.
pub fn e164(number: &str, default_region: &str) -> Result<String, FunctionError> {
    let region = region(default_region)?;
    let n = number.trim();
    if n.is_empty() {
        return Err(FunctionError::argument(0, "The number is empty"));
    }
    let parsed = match phonenumber::parse(region, n) {
        Ok(p) => p,
        Err(phonenumber::ParseError::InvalidCountryCode) if region.is_none() && !n.starts_with('+') => {
            return Err(FunctionError::argument(
                1,
                format!(
                    "{n:?} is a national number: default_region must name its region (such as US or GB), or the number must start with +"
                ),
            ));
        }
        Err(e) => return Err(FunctionError::argument(0, format!("{n:?} is not a phone number: {e}"))),
    };
    if parsed.extension().is_some() {
        return Err(FunctionError::argument(0, format!("{n:?} has an extension; E.164 has no room for one")));
    }
    let formatted = parsed.format().mode(phonenumber::Mode::E164).to_string();
    if !parsed.is_valid() {
        let whose = match (region, parsed.country().id()) {
            (_, Some(id)) => format!(" in {}", id.as_ref()),
            (Some(id), None) => format!(" in {}", id.as_ref()),
            _ => String::new(),
        };
        return Err(FunctionError::argument(0, format!("{n:?} ({formatted}) is not a valid phone number{whose}")));
    }
    Ok(formatted)
}

// ---- sip_uri ----------------------------------------------------------------------------------

/// `provider::telnyx::sip_uri(uri)`: a `sip:` or `sips:` URI's parts.
#[derive(Debug)]
pub struct SipUri;

/// The object `sip_uri` returns.
pub fn sip_uri_type() -> Type {
    Type::Object(BTreeMap::from([
        ("scheme".to_string(), Type::String),
        ("user".to_string(), Type::String),
        ("host".to_string(), Type::String),
        ("port".to_string(), Type::Number),
        ("transport".to_string(), Type::String),
        ("parameters".to_string(), Type::Map(Box::new(Type::String))),
        ("headers".to_string(), Type::Map(Box::new(Type::String))),
    ]))
}

impl Function for SipUri {
    fn name(&self) -> &'static str {
        "sip_uri"
    }

    fn signature(&self) -> Signature {
        Signature::new("Parses a SIP or SIPS URI into its parts.", sip_uri_type())
            .desc(
                "Parses `sip:` and `sips:` URIs as RFC 3261 (section 25.1) writes them — \
                 `sip:user:password@host:port;uri-parameters?headers` — and returns an object: `scheme` (`sip` or `sips`, lower \
                 case), `user` (null when absent; `%XX` escapes decoded), `host` (a host name as written, an IPv4 address, or \
                 an IPv6 address without its brackets), `port` (a number, or null when absent), `transport` (the `transport` \
                 parameter in lower case, or null), `parameters` (every URI parameter by lower-case name; `\"\"` for one \
                 without a value such as `lr`) and `headers` (every header by name). A password is checked but not returned: \
                 RFC 3261 advises against passwords in URIs, and a returned one would show in plans. Anything else — another \
                 scheme, a missing or malformed host, a port above 65535, a character the grammar does not allow, a \
                 repeated parameter or header — fails, naming `uri`.",
            )
            .param(Parameter::new("uri", Type::String).desc("The URI, such as `sip:alice@sip.example.com:5061;transport=tls`."))
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let uri = string_arg(args, 0).unwrap_or_default();
        let p = parse_sip_uri(uri).map_err(|e| FunctionError::argument(0, format!("{uri:?} is not a SIP URI: {e}")))?;
        let opt = |s: Option<String>| s.map_or(Value::Null, Value::String);
        let map = |m: BTreeMap<String, String>| Value::Map(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
        let transport = p.parameters.get("transport").map(|t| t.to_ascii_lowercase());
        Ok(Value::Object(BTreeMap::from([
            ("scheme".to_string(), Value::string(p.scheme)),
            ("user".to_string(), opt(p.user)),
            ("host".to_string(), Value::string(p.host)),
            ("port".to_string(), p.port.map_or(Value::Null, |n| Value::int(i64::from(n)))),
            ("transport".to_string(), opt(transport)),
            ("parameters".to_string(), map(p.parameters)),
            ("headers".to_string(), map(p.headers)),
        ])))
    }
}

/// A SIP URI's parts, `%XX` escapes decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SipUriParts {
    /// `sip` or `sips`.
    pub scheme: String,
    /// The user part, when there is one.
    pub user: Option<String>,
    /// The password, when there is one.
    pub password: Option<String>,
    /// A host name, an IPv4 address, or an IPv6 address without brackets.
    pub host: String,
    /// The port, when there is one.
    pub port: Option<u16>,
    /// URI parameters by lower-case name; `""` for a parameter without a value.
    pub parameters: BTreeMap<String, String>,
    /// Headers by name.
    pub headers: BTreeMap<String, String>,
}

/// RFC 3261 `unreserved`: alphanumerics and `mark`.
fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)
}

/// Decodes `%XX` escapes in `s`, every other character satisfying `allowed`; `what` names the
/// part in the error.
fn unescape(s: &str, allowed: impl Fn(char) -> bool, what: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '%' {
            let hex = s.get(i + 1..i + 3).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(|| format!("a bad %-escape in the {what}"))?;
            bytes.push(byte);
            chars.next();
            chars.next();
        } else if allowed(c) {
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else {
            return Err(format!("{c:?} is not allowed in the {what}"));
        }
    }
    String::from_utf8(bytes).map_err(|_| format!("the {what}'s %-escapes are not UTF-8"))
}

/// RFC 3261 `hostname`: dot-separated labels of alphanumerics and inner hyphens, the last
/// starting with a letter; one trailing dot allowed.
fn is_hostname(h: &str) -> bool {
    let h = h.strip_suffix('.').unwrap_or(h);
    let labels: Vec<&str> = h.split('.').collect();
    let label_ok =
        |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !l.starts_with('-') && !l.ends_with('-');
    labels.iter().all(|l| label_ok(l)) && labels.last().is_some_and(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Parses a `sip:` or `sips:` URI (RFC 3261 section 25.1).
pub fn parse_sip_uri(uri: &str) -> Result<SipUriParts, String> {
    if let Some(c) = uri.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{c:?} is not allowed in a SIP URI"));
    }
    let (scheme, rest) = uri.split_once(':').ok_or("it has no scheme (sip: or sips:)")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "sip" && scheme != "sips" {
        return Err(format!("the scheme is {scheme:?}, not sip or sips"));
    }
    // '@' appears in no part but as the end of the user info.
    let (userinfo, rest) = match rest.split_once('@') {
        Some((u, r)) => (Some(u), r),
        None => (None, rest),
    };
    if rest.contains('@') {
        return Err("it has more than one '@'".to_string());
    }
    let (mut user, mut password) = (None, None);
    if let Some(u) = userinfo {
        let (name, pass) = match u.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (u, None),
        };
        if name.is_empty() {
            return Err("the user before '@' is empty".to_string());
        }
        user = Some(unescape(name, |c| unreserved(c) || "&=+$,;?/".contains(c), "user")?);
        password = pass.map(|p| unescape(p, |c| unreserved(c) || "&=+$,".contains(c), "password")).transpose()?;
    }
    let (before_headers, headers_part) = match rest.split_once('?') {
        Some((b, h)) => (b, Some(h)),
        None => (rest, None),
    };
    let mut segments = before_headers.split(';');
    let hostport = segments.next().unwrap_or_default();
    let (host, port) = parse_hostport(hostport)?;
    let mut parameters = BTreeMap::new();
    let param_char = |c: char| unreserved(c) || "[]/:&+$".contains(c);
    for p in segments {
        let (name, value) = match p.split_once('=') {
            Some((n, "")) => return Err(format!("the parameter {n:?} has '=' but no value")),
            Some((n, v)) => (n, v),
            None => (p, ""),
        };
        if name.is_empty() {
            return Err("a parameter has no name".to_string());
        }
        let name = unescape(name, param_char, "parameter name")?.to_ascii_lowercase();
        let value = unescape(value, param_char, "parameter value")?;
        if parameters.insert(name.clone(), value).is_some() {
            return Err(format!("the parameter {name:?} appears twice"));
        }
    }
    let mut headers = BTreeMap::new();
    if let Some(h) = headers_part {
        let hnv = |c: char| unreserved(c) || "[]/?:+$".contains(c);
        for header in h.split('&') {
            let (name, value) = header.split_once('=').ok_or_else(|| format!("the header {header:?} has no '='"))?;
            if name.is_empty() {
                return Err("a header has no name".to_string());
            }
            let name = unescape(name, hnv, "header name")?;
            let value = unescape(value, hnv, "header value")?;
            if headers.insert(name.clone(), value).is_some() {
                return Err(format!("the header {name:?} appears twice"));
            }
        }
    }
    Ok(SipUriParts { scheme, user, password, host, port, parameters, headers })
}

/// `host [":" port]`, the host an IPv4 address, an IPv6 reference in brackets, or a host name.
fn parse_hostport(hp: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(v6) = hp.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or("the IPv6 host has no closing ']'")?;
        addr.parse::<Ipv6Addr>().map_err(|_| format!("{addr:?} is not an IPv6 address"))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| format!("{p:?} follows the IPv6 host"))?),
        };
        (addr.to_string(), port)
    } else {
        let (h, p) = match hp.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hp, None),
        };
        if h.is_empty() {
            return Err("it has no host".to_string());
        }
        let all_numeric = h.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if all_numeric {
            h.parse::<Ipv4Addr>().map_err(|_| format!("{h:?} is not an IPv4 address"))?;
        } else if !is_hostname(h) {
            return Err(format!("{h:?} is not a host name"));
        }
        (h.to_string(), p)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| format!("the port {p} is above 65535"))?)
        }
        Some(p) => return Err(format!("the port {p:?} is not a number")),
    };
    Ok((host, port))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn e164_reads_what_sip_teams_write() {
        let ok = [
            ("(312) 555-0100", "US", "+13125550100"),
            ("312.555.0100", "us", "+13125550100"),
            ("+1 312 555 0100", "", "+13125550100"),
            ("+44 20 7946 0958", "US", "+442079460958"),
            ("+44 20 7946 0958", "", "+442079460958"),
            ("020 7946 0958", "GB", "+442079460958"),
            ("00 44 20 7946 0958", "DE", "+442079460958"),
            ("011 44 20 7946 0958", "US", "+442079460958"),
            ("tel:+1-312-555-0100", "", "+13125550100"),
            ("030 123456", "DE", "+4930123456"),
            ("020 7183 8750", "GB", "+442071838750"),
            ("0161 496 0000", "gb", "+441614960000"),
        ];
        for (number, region, want) in ok {
            assert_eq!(e164(number, region).as_deref(), Ok(want), "{number} in {region}");
        }
    }

    #[test]
    fn e164_fails_naming_the_argument_at_fault() {
        let bad_number = ["", "   ", "hello", "12", "+1 312 555 01", "+999 1234 5678", "(312) 555-0100 ext. 12", "+1 999 555 0100"];
        for n in bad_number {
            let e = e164(n, "US").unwrap_err();
            assert_eq!(e.argument, Some(0), "{n}: {}", e.text);
        }
        for r in ["XX", "USA", "united states", "1"] {
            let e = e164("+13125550100", r).unwrap_err();
            assert_eq!(e.argument, Some(1), "{r}: {}", e.text);
            assert!(e.text.contains("region code"), "{}", e.text);
        }
        // A national number needs a region.
        let e = e164("(312) 555-0100", "").unwrap_err();
        assert_eq!(e.argument, Some(1));
        assert!(e.text.contains("default_region"), "{}", e.text);
    }

    #[test]
    fn e164_through_the_function_takes_a_null_region() {
        assert_eq!(
            E164.call(&[Value::string("+442079460958"), Value::Null]).ok().and_then(|v| v.as_str().map(String::from)).as_deref(),
            Some("+442079460958")
        );
        assert_eq!(E164.call(&[Value::string("0207 946 0958"), Value::Null]).unwrap_err().argument, Some(1));
    }

    fn parts(uri: &str) -> SipUriParts {
        parse_sip_uri(uri).unwrap_or_else(|e| panic!("{uri}: {e}"))
    }

    #[test]
    fn sip_uri_reads_every_part() {
        let p = parts("sip:alice:secret@sip.example.com:5061;transport=TLS;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");
        assert_eq!(p.scheme, "sip");
        assert_eq!(p.user.as_deref(), Some("alice"));
        assert_eq!(p.password.as_deref(), Some("secret"));
        assert_eq!(p.host, "sip.example.com");
        assert_eq!(p.port, Some(5061));
        assert_eq!(p.parameters.get("transport").map(String::as_str), Some("TLS"));
        assert_eq!(p.parameters.get("lr").map(String::as_str), Some(""));
        assert_eq!(p.parameters.get("maddr").map(String::as_str), Some("239.255.255.1"));
        assert_eq!(p.headers.get("subject").map(String::as_str), Some("project x"));
        assert_eq!(p.headers.get("priority").map(String::as_str), Some("urgent"));

        let p = parts("SIPS:sip.telnyx.com");
        assert_eq!((p.scheme.as_str(), p.user, p.host.as_str(), p.port), ("sips", None, "sip.telnyx.com", None));
        assert!(p.parameters.is_empty() && p.headers.is_empty());

        // Telephone-subscriber users with visual separators and ';' / '?' in the user part.
        let p = parts("sip:+1-312-555-0100;postd=pp22@gw.example.net;user=phone");
        assert_eq!(p.user.as_deref(), Some("+1-312-555-0100;postd=pp22"));
        assert_eq!(p.parameters.get("user").map(String::as_str), Some("phone"));

        // Hosts: IPv4, IPv6 in brackets (returned without), a trailing dot, case kept.
        assert_eq!((parts("sip:192.0.2.10:5060").host, parts("sip:192.0.2.10:5060").port), ("192.0.2.10".to_string(), Some(5060)));
        let p = parts("sip:bob@[2001:db8::10]:5070;transport=udp");
        assert_eq!((p.host.as_str(), p.port), ("2001:db8::10", Some(5070)));
        assert_eq!(parts("sip:[::1]").host, "::1");
        assert_eq!(parts("sip:Example.COM.").host, "Example.COM.");
        assert_eq!(parts("sip:a%20b@h.example").user.as_deref(), Some("a b"));
        assert_eq!(parts("sip:h.example:0").port, Some(0));
        assert_eq!(parts("sip:h.example:65535").port, Some(65535));
        // A header may have an empty value.
        assert_eq!(parts("sip:h.example?x=").headers.get("x").map(String::as_str), Some(""));
    }

    #[test]
    fn sip_uri_refuses_what_rfc_3261_does_not_allow() {
        let bad = [
            "",
            "alice@example.com",
            "tel:+13125550100",
            "http://example.com",
            "sip:",
            "sip:alice@",
            "sip:@example.com",
            "sip:alice@bob@example.com",
            "sip:alice@example.com:",
            "sip:alice@example.com:50x0",
            "sip:alice@example.com:65536",
            "sip:alice@example.com:99999999999999999999",
            "sip:alice@-example.com",
            "sip:alice@example-.com",
            "sip:alice@exa_mple.com",
            "sip:alice@example..com",
            "sip:alice@example.123",
            "sip:alice@256.1.1.1",
            "sip:alice@1.2.3",
            "sip:alice@[2001:db8::1",
            "sip:alice@[not:v6]",
            "sip:alice@[::1]x",
            "sip:alice@2001:db8::1",
            "sip:al ice@example.com",
            "sip:alice@example.com;transport=tcp;transport=udp",
            "sip:alice@example.com;=x",
            "sip:alice@example.com;ttl=",
            "sip:alice@example.com?subject",
            "sip:alice@example.com?=x",
            "sip:alice@example.com?a=1&a=2",
            "sip:al<ice@example.com",
            "sip:alice@example.com;p=%zz",
            "sip:alice@example.com;p=%ff",
            "sip:alice:pa@ss@example.com",
            "sip:alice@example.com\n",
        ];
        for uri in bad {
            assert!(parse_sip_uri(uri).is_err(), "{uri:?} parsed: {:?}", parse_sip_uri(uri));
        }
    }

    #[test]
    fn sip_uri_through_the_function_fills_the_object_and_names_the_argument() {
        let v = SipUri.call(&[Value::string("sip:alice@sip.telnyx.com;transport=TCP")]).unwrap();
        assert_eq!(v.get("scheme").as_str(), Some("sip"));
        assert_eq!(v.get("user").as_str(), Some("alice"));
        assert_eq!(v.get("host").as_str(), Some("sip.telnyx.com"));
        assert!(v.get("port").is_null());
        assert_eq!(v.get("transport").as_str(), Some("tcp"));
        assert_eq!(v.get("parameters").entries().map(|m| m.len()), Some(1));
        // The value is of the declared type.
        tfplug::msgpack::encode(&v, &sip_uri_type()).unwrap();
        let v = SipUri.call(&[Value::string("sips:h.example")]).unwrap();
        assert!(v.get("user").is_null() && v.get("transport").is_null());
        let e = SipUri.call(&[Value::string("tel:+13125550100")]).unwrap_err();
        assert_eq!(e.argument, Some(0));
        assert!(e.text.contains("not a SIP URI"), "{}", e.text);
    }
}
