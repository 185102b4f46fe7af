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

/// The secret strings of a request body (values under keys [`is_secret_key`] names, at any
/// depth), so that an answer echoing one can be scrubbed before it reaches a diagnostic.
pub fn secret_values(v: &Json) -> Vec<String> {
    let mut out = Vec::new();
    collect_secrets(v, false, &mut out);
    out
}

fn collect_secrets(v: &Json, secret: bool, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => m.iter().for_each(|(k, v)| collect_secrets(v, secret || is_secret_key(k), out)),
        Json::Array(a) => a.iter().for_each(|v| collect_secrets(v, secret, out)),
        Json::String(s) if secret && !s.is_empty() => out.push(s.clone()),
        _ => {}
    }
}

/// `text` with every occurrence of one of `secrets` replaced by `<redacted>`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&String> = secrets.iter().collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len())); // a secret containing another goes first
    secrets.into_iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "<redacted>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_scrubbed() {
        let body = serde_json::json!({"password": "hunter22", "outbound": {"ip_authentication_token": "tok-123"}, "name": "hunter"});
        let secrets = secret_values(&body);
        assert_eq!(secrets, vec!["hunter22".to_string(), "tok-123".to_string()]);
        assert_eq!(
            scrub("password hunter22 is weak; tok-123 too; hunter stays", &secrets),
            "password <redacted> is weak; <redacted> too; hunter stays"
        );
    }

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
