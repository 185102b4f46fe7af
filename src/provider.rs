//! The `telnyx` provider: its configuration block and how it builds the REST client.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;

use crate::resources;
use crate::telnyx::client::{Client, Secret, Settings};
use tfplug::schema::{bool, int, string};
use tfplug::validate::Validator;
use tfplug::{DataSource, Diagnostic, Diagnostics, Provider, Resource, Schema, Value, convert};

pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";

#[derive(Debug, Default)]
pub struct TelnyxProvider;

#[derive(Debug, Deserialize)]
struct Config {
    api_key: Option<String>,
    base_url: Option<String>,
    max_retries: Option<i64>,
    request_timeout: Option<String>,
    batch_reads: Option<bool>,
}

/// Parses `90s`, `2m`, `1m30s`, `500ms`, `1.5s` or a bare number of seconds. `None` for
/// anything else, including values too large to represent.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        if digits == 0 {
            return None;
        }
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let mult = match &rest[..unit] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit..];
        total = total.checked_add(Duration::try_from_secs_f64(n * mult).ok()?)?;
    }
    Some(total)
}

/// `true`/`false`, `1`/`0`, as an environment variable may say.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// The bounds of `request_timeout`.
const MIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
const MAX_REQUEST_TIMEOUT: Duration = Duration::from_secs(3600);

fn request_timeout_ok(d: &Duration) -> bool {
    (MIN_REQUEST_TIMEOUT..=MAX_REQUEST_TIMEOUT).contains(d)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.trim().is_empty())
}

#[async_trait]
impl Provider for TelnyxProvider {
    type Client = Client;

    fn schema(&self) -> Schema {
        Schema::new("Manages Telnyx SIP configuration: connections, their addresses, outbound voice profiles and access IP ranges.")
            .attr(string("api_key").optional().sensitive().desc(
                "Telnyx API v2 key. Defaults to the `TELNYX_API_KEY` environment variable. Needed as soon as the provider talks to the API.",
            ))
            .attr(string("base_url").optional().validate(Validator::Url).desc(
                "Base URL of the Telnyx API. Defaults to the `TELNYX_BASE_URL` environment variable, else `https://api.telnyx.com/v2`. Point it at the bundled emulator for offline tests.",
            ))
            .attr(int("max_retries").optional().between(0, 50).desc(
                "How many times a failed request is retried, 0 to 50: on 408, 429, 5xx and network errors for reads, updates and deletes; \
                 a create only when it cannot have taken effect (429, or a connection that failed before the request was sent) — \
                 otherwise the provider first looks the object up by its natural key and adopts it. The wait is the answer's \
                 `retry-after-ms` or `Retry-After` if any, else exponential backoff with full jitter (0.25 s doubling, at most 20 s); \
                 one operation never retries past 10 minutes. Defaults to `TELNYX_MAX_RETRIES`, else 8.",
            ))
            .attr(
                string("request_timeout")
                    .optional()
                    .validate(Validator::Check { describe: "a duration such as `30s`, `2m` or `1m30s`, from 1s to 1h", check: |v| {
                        v.as_str().and_then(parse_duration).is_some_and(|d| request_timeout_ok(&d))
                    } })
                    .desc("Timeout of one HTTP request (connecting included), e.g. `30s`, from `1s` to `1h`. A request that times out counts as a network error (see `max_retries`). Defaults to `TELNYX_REQUEST_TIMEOUT`, else `60s`."),
            )
            .attr(bool("batch_reads").optional().desc(
                "Whether a refresh may read many objects of one kind from list pages instead of one `GET` each (default `true`; \
                 `TELNYX_BATCH_READS` when unset). Exactly as correct either way: a listing is fetched only when enough objects \
                 of its kind are read to pay for it, narrowed to one connection's records or numbers where it can be; an object \
                 missing from a listing is confirmed with its own `GET` before it is reported gone; an object this provider \
                 process wrote or imported is always read on its own; a failed listing falls back to single reads. Refreshing \
                 1,000 objects then takes a handful of requests instead of 1,000. Data sources always make their own requests.",
            ))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Client>>> {
        resources::registry().0
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Client>>> {
        resources::registry().1
    }

    fn functions(&self) -> Vec<Arc<dyn tfplug::Function>> {
        crate::functions::all()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn tfplug::EphemeralResource<Client>>> {
        resources::ephemeral_resources()
    }

    fn actions(&self) -> Vec<Arc<dyn tfplug::Action<Client>>> {
        resources::actions()
    }

    async fn configure(&self, config: &Value, terraform_version: &str) -> Result<Client, Diagnostics> {
        let c: Config = convert::from_value(config)?;
        let mut s = Settings::default();
        if let Some(k) = c.api_key.filter(|k| !k.is_empty()).or_else(|| env("TELNYX_API_KEY")) {
            s.api_key = Secret::new(k);
        }
        s.base_url = c.base_url.or_else(|| env("TELNYX_BASE_URL")).unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        if !s.base_url.starts_with("http://") && !s.base_url.starts_with("https://") {
            return Err(Diagnostic::error(
                "Invalid base URL",
                format!("TELNYX_BASE_URL must start with http:// or https://; got {:?}.", s.base_url),
            )
            .into());
        }
        let retries = match c.max_retries {
            Some(n) => Some(n),
            None => match env("TELNYX_MAX_RETRIES") {
                Some(t) => Some(t.trim().parse::<i64>().ok().filter(|n| (0..=50).contains(n)).ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error(
                        "Invalid TELNYX_MAX_RETRIES",
                        format!("Expected a whole number from 0 to 50, got {t:?}."),
                    ))
                })?),
                None => None,
            },
        };
        if let Some(n) = retries {
            s.max_retries = n.clamp(0, 50) as u32;
        }
        let (timeout, source) = match c.request_timeout {
            Some(t) => (Some(t), "`request_timeout`"),
            None => (env("TELNYX_REQUEST_TIMEOUT"), "TELNYX_REQUEST_TIMEOUT"),
        };
        if let Some(t) = timeout {
            s.request_timeout = parse_duration(&t).filter(request_timeout_ok).ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Invalid request timeout",
                    format!("{source} must be a duration such as `30s`, `2m` or `1m30s`, from 1s to 1h; got {t:?}."),
                ))
            })?;
        }
        s.batch_reads = match c.batch_reads {
            Some(b) => b,
            None => match env("TELNYX_BATCH_READS") {
                Some(t) => parse_bool(&t).ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error("Invalid TELNYX_BATCH_READS", format!("Expected true or false, got {t:?}.")))
                })?,
                None => true,
            },
        };
        if !terraform_version.is_empty() {
            s.user_agent.push_str(&format!(" terraform/{terraform_version}"));
        }
        tracing::debug!(base_url = %s.base_url, max_retries = s.max_retries, request_timeout_ms = s.request_timeout.as_millis() as u64, batch_reads = s.batch_reads, api_key_set = !s.api_key.is_empty(), "provider configured");
        Client::new(s).map_err(|e| Diagnostic::error("Could not create the HTTP client", e.to_string()).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("1..2s"), None);
        // Too large to represent: refused, never a panic.
        assert_eq!(parse_duration("99999999999999999999h"), None);
        assert_eq!(parse_duration(&format!("{}s{}s", u64::MAX, u64::MAX)), None);
        assert!(request_timeout_ok(&Duration::from_secs(1)));
        assert!(!request_timeout_ok(&Duration::from_millis(999)));
        assert!(!request_timeout_ok(&Duration::from_secs(3601)));
    }

    #[test]
    fn every_schema_is_well_formed() {
        let p = TelnyxProvider;
        assert!(p.schema().check().is_empty(), "{:?}", p.schema().check());
        for r in p.resources() {
            let errs = r.schema().check();
            assert!(errs.is_empty(), "{}: {errs:?}", r.type_name());
        }
        for d in p.data_sources() {
            let errs = d.schema().check();
            assert!(errs.is_empty(), "{}: {errs:?}", d.type_name());
        }
        for a in p.actions() {
            let errs = a.schema().check_action();
            assert!(errs.is_empty(), "{}: {errs:?}", a.type_name());
        }
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> =
            ["api_key", "base_url", "max_retries", "request_timeout", "batch_reads"].iter().map(|k| (k.to_string(), Value::Null)).collect();
        for (k, v) in pairs {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    fn configure(c: &Value) -> Result<Client, Diagnostics> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(TelnyxProvider.configure(c, "1.0.3"))
    }

    #[test]
    fn arguments_reach_the_client() {
        let c = configure(&config(&[
            ("api_key", Value::string("KEY")),
            ("base_url", Value::string("http://127.0.0.1:9/v2")),
            ("max_retries", Value::int(3)),
            ("request_timeout", Value::string("1m30s")),
            ("batch_reads", Value::Bool(false)),
        ]))
        .unwrap();
        let s = c.settings();
        assert_eq!(s.api_key.expose(), "KEY");
        assert_eq!(s.base_url, "http://127.0.0.1:9/v2");
        assert_eq!(s.max_retries, 3);
        assert_eq!(s.request_timeout, Duration::from_secs(90));
        assert!(!s.batch_reads);
        assert_eq!(s.user_agent, format!("terraform-provider-telnyx/{} terraform/1.0.3", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn bad_arguments_are_refused_at_configure_too() {
        // Validation catches these at plan time; configure must not accept them either.
        let e = configure(&config(&[("base_url", Value::string("ftp://x")), ("api_key", Value::string("k"))])).unwrap_err();
        assert!(e[0].detail.contains("http://"), "{e:?}");
        let e = configure(&config(&[("base_url", Value::string("http://x/v2")), ("request_timeout", Value::string("0.5s"))])).unwrap_err();
        assert!(e[0].detail.contains("`request_timeout`") && e[0].detail.contains("0.5s"), "{e:?}");
    }
}
