//! Logging to stderr in the hclog JSON line format Terraform re-logs under `TF_LOG`.
//!
//! One JSON object per line: `@level`, `@message`, `@timestamp` (exactly six fraction digits,
//! or Terraform treats the line as raw text), `@module`, plus every event field as a key.
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`; unset means no logging at all.
//!
//! A panic hook writes `panic: …` (what Terraform recognises as a plugin crash), except for
//! panics inside a guarded RPC handler, which become error diagnostics and an ERROR log line.

use std::cell::Cell;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// The level requested by `TF_LOG_PROVIDER` / `TF_LOG`, if any.
pub fn level_from_env() -> Option<Level> {
    let raw = std::env::var("TF_LOG_PROVIDER").ok().filter(|s| !s.is_empty()).or_else(|| std::env::var("TF_LOG").ok())?;
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        "" | "OFF" => None,
        // Terraform treats an unknown value as TRACE.
        _ => Some(Level::TRACE),
    }
}

/// Installs the stderr logger (when a level is requested) and the panic hook.
pub fn init(module: &'static str) {
    if let Some(level) = level_from_env() {
        let _ = tracing::subscriber::set_global_default(HclogSubscriber { max: level, module });
    }
    install_panic_hook();
}

const DEPENDENCY_TARGETS: [&str; 7] = ["h2", "hyper", "rustls", "tonic", "tower", "reqwest", "tokio"];

/// A subscriber that writes each event as one hclog JSON line. Spans are not tracked.
#[derive(Debug)]
pub struct HclogSubscriber {
    max: Level,
    module: &'static str,
}

impl Subscriber for HclogSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // Our own events at the requested level; dependencies (h2, hyper, rustls) only
        // when something is wrong, or their frame-by-frame chatter drowns the log.
        let target = metadata.target();
        let ours = !DEPENDENCY_TARGETS.iter().any(|d| target.starts_with(d));
        *metadata.level() <= if ours { self.max } else { self.max.min(Level::WARN) }
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(self.max))
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let line = format_event(event, self.module);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn format_event(event: &Event<'_>, module: &str) -> String {
    let mut v = JsonVisitor::default();
    event.record(&mut v);
    let level = match *event.metadata().level() {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    };
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level.into());
    obj.insert("@message".into(), v.message.unwrap_or_default().into());
    obj.insert("@timestamp".into(), timestamp(SystemTime::now()).into());
    obj.insert("@module".into(), module.into());
    for (k, val) in v.fields {
        obj.insert(k, val);
    }
    let mut line = serde_json::Value::Object(obj).to_string();
    line.push('\n');
    line
}

#[derive(Default)]
struct JsonVisitor {
    message: Option<String>,
    fields: Vec<(String, serde_json::Value)>,
}

impl Visit for JsonVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let s = format!("{value:?}");
        if field.name() == "message" {
            self.message = Some(s);
        } else {
            self.fields.push((field.name().to_string(), s.into()));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = Some(value.to_string());
        } else {
            self.fields.push((field.name().to_string(), value.into()));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.push((field.name().to_string(), value.into()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.push((field.name().to_string(), value.into()));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.push((field.name().to_string(), value.into()));
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC.
pub fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, day) = civil_from_days(days);
    let mut s = String::with_capacity(27);
    let _ = write!(s, "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z", rem / 3600, (rem % 3600) / 60, rem % 60, d.subsec_micros());
    s
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

/// Marks the current thread as running guarded handler code while `f` runs.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> T {
    GUARDED.with(|g| g.set(g.get() + 1));
    let r = f();
    GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    r
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(non-string panic payload)".to_string()
        };
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        if GUARDED.with(Cell::get) > 0 {
            tracing::error!(location = %location, "panic in request handler: {msg}");
            return;
        }
        let bt = std::backtrace::Backtrace::force_capture();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "panic: {msg}\n\nat {location}\n{bt}");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamp_format_is_exact() {
        let t = UNIX_EPOCH + Duration::from_micros(1_795_000_000_123_456);
        let s = timestamp(t);
        assert_eq!(s, "2026-11-18T11:06:40.123456Z");
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
