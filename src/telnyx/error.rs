//! Typed errors of the Telnyx REST API, and how they read as Terraform diagnostics.

use std::fmt;
use std::time::Duration;

use crate::tfplug::{AttrPath, Diagnostic, Diagnostics};

/// One entry of Telnyx's `{"errors": [...]}` envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ApiErrorItem {
    #[serde(default, deserialize_with = "string_or_number")]
    pub code: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub source: Option<ErrorSource>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ErrorSource {
    #[serde(default)]
    pub pointer: Option<String>,
    #[serde(default)]
    pub parameter: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v: Option<serde_json::Value> = serde::Deserialize::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    })
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub errors: Vec<ApiErrorItem>,
}

/// What went wrong talking to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// No API key configured.
    NoApiKey,
    Unauthorized,
    Forbidden,
    NotFound,
    /// 400 / 422: the request was refused as invalid.
    Validation,
    RateLimited {
        retry_after: Option<Duration>,
    },
    /// 5xx and other unexpected statuses.
    Server,
    /// The request may or may not have reached the API (connection reset, timeout).
    Transport {
        may_have_been_applied: bool,
    },
    /// A response that does not read as the API documents it.
    Decode,
    /// Terraform asked us to stop.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    pub method: String,
    pub path: String,
    pub errors: Vec<ApiErrorItem>,
    /// Transport or decode detail.
    pub message: String,
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        self.kind == ApiErrorKind::NotFound
    }

    /// Whether a failed create may nevertheless have created the object.
    pub fn may_have_been_applied(&self) -> bool {
        match self.kind {
            ApiErrorKind::Transport { may_have_been_applied } => may_have_been_applied,
            ApiErrorKind::Server => true,
            _ => false,
        }
    }

    /// Telnyx's own words: "title: detail" for each error entry.
    pub fn api_messages(&self) -> Vec<String> {
        self.errors
            .iter()
            .map(|e| {
                let mut s = String::new();
                if let Some(c) = &e.code {
                    s.push_str(&format!("[{c}] "));
                }
                match (&e.title, &e.detail) {
                    (Some(t), Some(d)) if t != d => s.push_str(&format!("{t}: {d}")),
                    (Some(t), _) => s.push_str(t),
                    (None, Some(d)) => s.push_str(d),
                    (None, None) => s.push_str("(no message)"),
                }
                s
            })
            .collect()
    }

    /// Diagnostics for a failed operation, e.g. `("create", "telnyx_fqdn", None)`.
    /// A 422 `source.pointer` becomes the attribute path (`/inbound/channel_limit` →
    /// `inbound.channel_limit`).
    pub fn to_diagnostics(&self, verb: &str, object: &str, id: Option<&str>) -> Diagnostics {
        let summary = format!("Could not {verb} {object}");
        let target = match id {
            Some(id) => format!("{object} {id:?}"),
            None => object.to_string(),
        };
        let status = self.status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no response".into());
        let what = format!("{} {} ({status})", self.method, self.path);
        let advice = match &self.kind {
            ApiErrorKind::NoApiKey => {
                "No Telnyx API key is configured. Set `api_key` in the provider block or the TELNYX_API_KEY environment variable.".to_string()
            }
            ApiErrorKind::Unauthorized => "Authentication failed: check the provider's `api_key` (or TELNYX_API_KEY): it must be a valid, active Telnyx API v2 key for this account.".to_string(),
            ApiErrorKind::Forbidden => "The API key is valid but not allowed to do this: check the key's account permissions (sub-accounts and restricted keys cannot manage every object).".to_string(),
            ApiErrorKind::NotFound => format!("The {target} does not exist (or is not visible to this API key)."),
            ApiErrorKind::Validation => "Telnyx refused the request as invalid.".to_string(),
            ApiErrorKind::RateLimited { .. } => "Telnyx kept rate-limiting the requests after every retry. Raise `max_retries`, or lower Terraform's -parallelism.".to_string(),
            ApiErrorKind::Server => "Telnyx answered with a server error after every retry. Try again later.".to_string(),
            ApiErrorKind::Transport { .. } => format!("The request failed before Telnyx answered: {}.", self.message),
            ApiErrorKind::Decode => format!("Telnyx's answer could not be read: {}.", self.message),
            ApiErrorKind::Cancelled => "Stopped because Terraform was interrupted.".to_string(),
        };
        let mut d = Diagnostics::new();
        let msgs = self.api_messages();
        if msgs.is_empty() {
            d.push(Diagnostic::error(summary, format!("{advice}\n\nRequest: {what}; object: {target}.")));
            return d;
        }
        for (item, msg) in self.errors.iter().zip(msgs) {
            let path = item.source.as_ref().and_then(|s| s.pointer.as_deref()).map(pointer_to_path);
            d.push(
                Diagnostic::error(summary.clone(), format!("{msg}\n\n{advice}\nRequest: {what}; object: {target}."))
                    .at(path.unwrap_or_default()),
            );
        }
        d
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(s) = self.status {
            write!(f, " → HTTP {s}")?;
        }
        for m in self.api_messages() {
            write!(f, "; {m}")?;
        }
        if !self.message.is_empty() {
            write!(f, "; {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// `/inbound/channel_limit` → `inbound.channel_limit`; `/codecs/1` → `codecs[1]`.
pub fn pointer_to_path(pointer: &str) -> AttrPath {
    let mut p = AttrPath::root();
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        p = match seg.parse::<usize>() {
            Ok(i) if !p.is_root() => p.index(i),
            _ => p.join(&seg),
        };
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ApiErrorKind, status: u16, body: &str) -> ApiError {
        let b: ErrorBody = serde_json::from_str(body).unwrap();
        ApiError { kind, status: Some(status), method: "POST".into(), path: "/v2/fqdns".into(), errors: b.errors, message: String::new() }
    }

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_to_path("/inbound/channel_limit").to_string(), "inbound.channel_limit");
        assert_eq!(pointer_to_path("/inbound/codecs/1").to_string(), "inbound.codecs[1]");
        assert_eq!(pointer_to_path("/").to_string(), "");
    }

    #[test]
    fn validation_error_reads_well() {
        let e = err(
            ApiErrorKind::Validation,
            422,
            r#"{"errors":[{"code":10015,"title":"Invalid value","detail":"must be at most 120","source":{"pointer":"/inbound/timeout_1xx_secs"}}]}"#,
        );
        let d = e.to_diagnostics("create", "telnyx_credential_connection", None);
        assert_eq!(d.0.len(), 1);
        let d0 = &d.0[0];
        assert_eq!(d0.summary, "Could not create telnyx_credential_connection");
        assert!(d0.detail.starts_with("[10015] Invalid value: must be at most 120"), "{}", d0.detail);
        assert!(d0.detail.contains("POST /v2/fqdns (HTTP 422)"));
        assert_eq!(d0.path.as_ref().unwrap().to_string(), "inbound.timeout_1xx_secs");
    }

    #[test]
    fn unauthorized_names_the_key() {
        let e = err(ApiErrorKind::Unauthorized, 401, r#"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#);
        let d = e.to_diagnostics("read", "telnyx_fqdn", Some("42"));
        assert!(d.0[0].detail.contains("api_key"));
        assert!(d.0[0].detail.contains("TELNYX_API_KEY"));
        assert!(d.0[0].detail.contains("telnyx_fqdn \"42\""));
    }
}
