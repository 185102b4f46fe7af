//! Redaction of secrets in request and response bodies before they reach a log line.

use serde_json::Value as Json;

/// Whether a JSON key names a secret: `password`, `ip_authentication_token`, `api_key`, or any
/// key containing password, token, secret or api_key.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "token", "secret", "api_key", "apikey", "authorization"].iter().any(|s| k.contains(s))
}

/// A copy of `v` with every secret value replaced by `"<redacted>"` (nulls stay null).
pub fn redact_json(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) && !v.is_null() { Json::String("<redacted>".into()) } else { redact_json(v) };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let v = serde_json::json!({
            "user_name": "alice1",
            "password": "hunter22hunter",
            "outbound": {"ip_authentication_token": "tok-123", "channel_limit": 3},
            "list": [{"client_secret": "s"}],
            "webhook_token": null
        });
        let r = redact_json(&v).to_string();
        assert!(!r.contains("hunter22"));
        assert!(!r.contains("tok-123"));
        assert!(!r.contains("\"s\""));
        assert!(r.contains("alice1"));
        assert!(r.contains("\"channel_limit\":3"));
        assert!(r.contains("\"webhook_token\":null"));
    }
}
