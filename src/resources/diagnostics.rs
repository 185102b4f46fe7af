//! How a failed Telnyx call reads as Terraform diagnostics: the summary names the operation
//! and the object, the detail Telnyx's own words, what to check, and the request; a 422's
//! `source.pointer` becomes the attribute path.

use crate::provider::DEFAULT_BASE_URL;
use crate::telnyx::error::{ApiError, ApiErrorKind};
use tfplug::{AttrPath, Diagnostic, Diagnostics};

/// [`ApiError`] as diagnostics.
pub trait ToDiagnostics {
    /// Diagnostics for a failed operation, e.g. `("create", "telnyx_fqdn", None)`.
    fn to_diagnostics(&self, verb: &str, object: &str, id: Option<&str>) -> Diagnostics;
}

impl ToDiagnostics for ApiError {
    /// Diagnostics for a failed operation, e.g. `("create", "telnyx_fqdn", None)`.
    /// A 422 `source.pointer` becomes the attribute path (`/inbound/channel_limit` →
    /// `inbound.channel_limit`).
    fn to_diagnostics(&self, verb: &str, object: &str, id: Option<&str>) -> Diagnostics {
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
            // A collection (a create, a listing) is never missing at Telnyx: the base URL is wrong.
            ApiErrorKind::NotFound if id.is_none() => format!(
                "The API at the configured base URL has no `{} {}`: check the provider's `base_url` (or TELNYX_BASE_URL). \
                 Telnyx's API is at {DEFAULT_BASE_URL}: a base URL must include the `/v2`.",
                self.method, self.path
            ),
            ApiErrorKind::NotFound => format!("The {target} does not exist (or is not visible to this API key)."),
            ApiErrorKind::Validation if self.status.is_none() => format!("{}.", self.message),
            ApiErrorKind::Validation => "Telnyx refused the request as invalid.".to_string(),
            ApiErrorKind::RateLimited { .. } => "Telnyx kept rate-limiting the requests after every retry. Raise `max_retries`, or lower Terraform's -parallelism.".to_string(),
            ApiErrorKind::Server if self.status.is_some_and(|s| s < 500) => {
                "Telnyx answered with an HTTP status this provider does not expect here.".to_string()
            }
            ApiErrorKind::Server => {
                "Telnyx answered with a server error (retried as far as `max_retries` and safety allow). Try again later.".to_string()
            }
            ApiErrorKind::Transport { .. } => format!("The request to Telnyx failed: {}.", self.message),
            ApiErrorKind::Decode => format!("Telnyx's answer could not be read: {}.", self.message),
            ApiErrorKind::Cancelled if self.message.is_empty() => {
                "Stopped because Terraform was interrupted: no request was sent.".to_string()
            }
            ApiErrorKind::Cancelled => format!("Stopped because Terraform was interrupted; {}.", self.message),
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

/// Panics where a diagnostic's text shows a layout artefact of its source: a run of three or
/// more spaces, or a line that starts with a space (a string literal continued without `\`).
#[cfg(test)]
pub(crate) fn assert_reads_well(d: &Diagnostic) {
    for text in [&d.summary, &d.detail] {
        assert!(!text.contains("   "), "a run of spaces in {text:?}");
        assert!(!text.contains("\n "), "an indented line in {text:?}");
        assert!(!text.starts_with(' ') && !text.ends_with(' '), "padding around {text:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telnyx::error::{ApiErrorKind, ErrorBody};

    /// Every kind of API error, with and without Telnyx's own words, with and without an id.
    #[test]
    fn every_api_error_diagnostic_reads_well() {
        let kinds = [
            ApiErrorKind::NoApiKey,
            ApiErrorKind::Unauthorized,
            ApiErrorKind::Forbidden,
            ApiErrorKind::NotFound,
            ApiErrorKind::Validation,
            ApiErrorKind::RateLimited { retry_after: None },
            ApiErrorKind::Server,
            ApiErrorKind::Transport { may_have_been_applied: true },
            ApiErrorKind::Decode,
            ApiErrorKind::Cancelled,
        ];
        let bodies = ["{}", r#"{"errors":[{"code":"10015","title":"Invalid value","detail":"too long","source":{"pointer":"/name"}}]}"#];
        for kind in kinds {
            for status in [None, Some(404), Some(503)] {
                for body in bodies {
                    for message in ["", "connection reset"] {
                        let e = full(kind.clone(), status, "PATCH", "/v2/fqdns/7", body, message);
                        for id in [None, Some("7")] {
                            e.to_diagnostics("update", "telnyx_fqdn", id).iter().for_each(assert_reads_well);
                        }
                    }
                }
            }
        }
    }

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
        assert_eq!(d.len(), 1);
        let d0 = &d[0];
        assert_eq!(d0.summary, "Could not create telnyx_credential_connection");
        assert!(d0.detail.starts_with("[10015] Invalid value: must be at most 120"), "{}", d0.detail);
        assert!(d0.detail.contains("POST /v2/fqdns (HTTP 422)"));
        assert_eq!(d0.path.as_ref().unwrap().to_string(), "inbound.timeout_1xx_secs");
    }

    #[test]
    fn unauthorized_names_the_key() {
        let e = err(ApiErrorKind::Unauthorized, 401, r#"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#);
        let d = e.to_diagnostics("read", "telnyx_fqdn", Some("42"));
        assert!(d[0].detail.contains("api_key"));
        assert!(d[0].detail.contains("TELNYX_API_KEY"));
        assert!(d[0].detail.contains("telnyx_fqdn \"42\""));
    }

    fn full(kind: ApiErrorKind, status: Option<u16>, method: &str, path: &str, body: &str, message: &str) -> ApiError {
        let b: ErrorBody = serde_json::from_str(body).unwrap();
        ApiError { kind, status, method: method.into(), path: path.into(), errors: b.errors, message: message.into() }
    }

    #[test]
    fn every_diagnostic_names_operation_object_id_status_and_telnyx_words() {
        let body = r#"{"errors":[{"code":"10007","title":"Unexpected error","detail":"Something broke"}]}"#;
        let cases = [
            (ApiErrorKind::Server, 503, "PATCH", "update"),
            (ApiErrorKind::Forbidden, 403, "DELETE", "delete"),
            (ApiErrorKind::Unauthorized, 401, "GET", "read"),
            (ApiErrorKind::Validation, 422, "PATCH", "update"),
            (ApiErrorKind::RateLimited { retry_after: None }, 429, "PATCH", "update"),
            (ApiErrorKind::NotFound, 404, "PATCH", "update"),
        ];
        for (kind, status, method, verb) in cases {
            let e = full(kind.clone(), Some(status), method, "/v2/outbound_voice_profiles/42", body, "");
            let d = e.to_diagnostics(verb, "telnyx_outbound_voice_profile", Some("42"));
            assert_eq!(d.len(), 1, "{kind:?}");
            let d0 = &d[0];
            assert_eq!(d0.summary, format!("Could not {verb} telnyx_outbound_voice_profile"));
            for needle in [
                "telnyx_outbound_voice_profile \"42\"",
                &format!("{method} /v2/outbound_voice_profiles/42 (HTTP {status})"),
                "[10007] Unexpected error: Something broke",
            ] {
                assert!(d0.detail.contains(needle), "{kind:?}: {needle:?} missing from:\n{}", d0.detail);
            }
        }
    }

    #[test]
    fn each_error_entry_points_at_its_attribute() {
        let e = err(
            ApiErrorKind::Validation,
            422,
            r#"{"errors":[
                {"code":"10015","title":"Invalid value","detail":"must be at least 1","source":{"pointer":"/inbound/channel_limit"}},
                {"code":"10015","title":"Invalid value","detail":"not a country","source":{"pointer":"/whitelisted_destinations/2"}},
                {"code":10016,"title":"Name already taken"}
            ]}"#,
        );
        let d = e.to_diagnostics("create", "telnyx_ip_connection", None);
        let paths: Vec<String> = d.iter().map(|x| x.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect();
        assert_eq!(paths, ["inbound.channel_limit", "whitelisted_destinations[2]", ""]);
        assert!(d[2].detail.starts_with("[10016] Name already taken"), "numeric codes read as text: {}", d[2].detail);
        assert!(d.iter().all(|x| x.detail.contains("POST /v2/fqdns (HTTP 422)")));
    }

    #[test]
    fn forbidden_and_missing_say_what_to_check() {
        let e = err(ApiErrorKind::Forbidden, 403, r#"{"errors":[{"code":"10010","title":"Forbidden"}]}"#);
        assert!(e.to_diagnostics("create", "telnyx_fqdn", None)[0].detail.contains("permissions"));
        let e = err(ApiErrorKind::NotFound, 404, r#"{"errors":[]}"#);
        let d = e.to_diagnostics("update", "telnyx_fqdn", Some("7"));
        assert!(d[0].detail.contains("telnyx_fqdn \"7\" does not exist"), "{}", d[0].detail);
        let e = ApiError {
            kind: ApiErrorKind::NoApiKey,
            status: None,
            method: "GET".into(),
            path: "/v2/x".into(),
            errors: vec![],
            message: String::new(),
        };
        let d = e.to_diagnostics("read", "telnyx_fqdn", Some("7"));
        assert!(d[0].detail.contains("TELNYX_API_KEY") && d[0].detail.contains("(no response)"), "{}", d[0].detail);
    }

    #[test]
    fn transport_and_stop_errors_keep_their_cause() {
        let t = full(
            ApiErrorKind::Transport { may_have_been_applied: true },
            None,
            "POST",
            "/v2/fqdns",
            "{}",
            "timed out: no answer within the request timeout of 1s (provider argument `request_timeout`, or TELNYX_REQUEST_TIMEOUT)",
        );
        assert!(t.may_have_been_applied());
        let d = t.to_diagnostics("create", "telnyx_fqdn", None);
        assert!(d[0].detail.contains("request timeout of 1s") && d[0].detail.contains("(no response)"), "{}", d[0].detail);
        let c =
            full(ApiErrorKind::Cancelled, Some(429), "POST", "/v2/fqdns", "{}", "the last attempt ended with: POST /v2/fqdns → HTTP 429");
        assert!(!c.may_have_been_applied());
        let d = c.to_diagnostics("create", "telnyx_fqdn", None);
        assert!(d[0].detail.contains("interrupted") && d[0].detail.contains("HTTP 429"), "{}", d[0].detail);
        let none = full(ApiErrorKind::Cancelled, None, "POST", "/v2/fqdns", "{}", "");
        assert!(none.to_diagnostics("create", "telnyx_fqdn", None)[0].detail.contains("no request was sent"));
    }

    #[test]
    fn a_missing_collection_points_at_the_base_url() {
        let e = full(ApiErrorKind::NotFound, Some(404), "POST", "/billing_groups", r#"{"errors":[]}"#, "");
        let d = e.to_diagnostics("create", "telnyx_billing_group", None);
        let detail = &d.iter().next().unwrap().detail;
        assert!(detail.contains("`base_url`") && detail.contains("TELNYX_BASE_URL") && detail.contains("/v2"), "{detail}");
        assert!(!detail.contains("does not exist"), "{detail}");
        // An object of a collection that exists is simply gone.
        let e = full(ApiErrorKind::NotFound, Some(404), "GET", "/v2/billing_groups/7", r#"{"errors":[]}"#, "");
        let d = e.to_diagnostics("read", "telnyx_billing_group", Some("7"));
        assert!(!d.iter().next().unwrap().detail.contains("base_url"));
    }
}
