//! Typed errors of the Telnyx REST API (how they read as diagnostics is the resources' side:
//! `resources::diagnostics`).

use std::time::Duration;

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
    /// Further details (an address's suggested value, `meta.suggested_value`).
    #[serde(default)]
    pub meta: Option<serde_json::Value>,
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

/// The entries of an error answer's `{"errors": [...]}` (none if the body is not that).
pub(crate) fn items_of(body: &str) -> Vec<ApiErrorItem> {
    serde_json::from_str::<ErrorBody>(body).map(|b| b.errors).unwrap_or_default()
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
    /// The caller asked to stop (its cancellation token).
    Cancelled,
}

/// A failed call: `GET /v2/things/1 → HTTP 404; [10005] Not found; <detail>` as it reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{method} {path}{}", self.tail())]
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

    /// Whether a failed create may nevertheless have created the object: a 5xx, a transport
    /// failure after the request may have been sent, or a success answer that could not be
    /// read (the API acted; only its answer is lost).
    pub fn may_have_been_applied(&self) -> bool {
        match self.kind {
            ApiErrorKind::Transport { may_have_been_applied } => may_have_been_applied,
            ApiErrorKind::Server | ApiErrorKind::Decode => true,
            _ => false,
        }
    }

    /// What follows the method and path when displayed: the status, Telnyx's messages, and
    /// the transport or decode detail.
    fn tail(&self) -> String {
        let mut s = String::new();
        if let Some(status) = self.status {
            s.push_str(&format!(" → HTTP {status}"));
        }
        for m in self.api_messages() {
            s.push_str(&format!("; {m}"));
        }
        if !self.message.is_empty() {
            s.push_str(&format!("; {}", self.message));
        }
        s
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(kind: ApiErrorKind, status: Option<u16>, method: &str, path: &str, body: &str, message: &str) -> ApiError {
        let b: ErrorBody = serde_json::from_str(body).unwrap();
        ApiError { kind, status, method: method.into(), path: path.into(), errors: b.errors, message: message.into() }
    }

    #[test]
    fn displayed() {
        let body = r#"{"errors":[{"code":"10005","title":"Not found","detail":"No such thing"}]}"#;
        let e = full(ApiErrorKind::NotFound, Some(404), "GET", "/v2/things/1", body, "");
        assert_eq!(e.to_string(), "GET /v2/things/1 → HTTP 404; [10005] Not found: No such thing");
        let e = full(ApiErrorKind::Decode, None, "GET", "/v2/things", "{}", "unexpected pagination: more than 3 pages");
        assert_eq!(e.to_string(), "GET /v2/things; unexpected pagination: more than 3 pages");
    }

    #[test]
    fn what_may_have_been_applied() {
        let k = |kind| full(kind, None, "POST", "/v2/x", "{}", "").may_have_been_applied();
        assert!(k(ApiErrorKind::Server));
        assert!(k(ApiErrorKind::Decode));
        assert!(k(ApiErrorKind::Transport { may_have_been_applied: true }));
        assert!(!k(ApiErrorKind::Transport { may_have_been_applied: false }));
        assert!(!k(ApiErrorKind::RateLimited { retry_after: None }));
        assert!(!k(ApiErrorKind::Validation));
        assert!(!k(ApiErrorKind::Unauthorized));
        assert!(!k(ApiErrorKind::Cancelled));
    }
}
