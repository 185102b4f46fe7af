//! The third layer: the API's verbs (GET, POST, PATCH, DELETE) on paths under the base URL,
//! each one call through the retry [`Policy`] over the [`Transport`]; the envelopes single
//! objects come in; which requests are never sent; and a record of the objects written, for
//! the batched reads above ([`super::batch`]) to know what a listing may no longer answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use reqwest::Method;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::error::{ApiError, ApiErrorKind};
use super::retry::{Mode, Policy, never_sent};
use super::transport::{Request, Transport};

/// How single objects are wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// `{"data": {...}}`
    Data,
    /// The object itself (access IP ranges).
    Bare,
}

/// The verbs of the Telnyx API at one base URL.
#[derive(Clone, Debug)]
pub struct Api {
    transport: Transport,
    policy: Policy,
    base_url: String,
    writes: Arc<Writes>,
}

impl Api {
    pub fn new(transport: Transport, policy: Policy, base_url: impl Into<String>) -> Api {
        Api { transport, policy, base_url: base_url.into(), writes: Arc::default() }
    }

    /// The layer below.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// What this client wrote.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// GET one object.
    pub async fn get(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let body = self.call(stop, Method::GET, path, &[], None, Mode::Normal).await?;
        unwrap(body, env, "GET", path)
    }

    /// POST a new object; returns the created object.
    pub async fn create(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(stop, Method::POST, path, &[], Some(body), Mode::Normal).await?;
        let created = unwrap(out, env, "POST", path)?;
        if let Some(id) = created.get("id").and_then(Json::as_str) {
            self.writes.wrote(&format!("{path}/{}", path_segment(id)));
        }
        Ok(created)
    }

    /// POST an action without a body; returns the result object.
    pub async fn action(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let _writing = self.writes.writing(path);
        let out = self.call(stop, Method::POST, path, &[], None, Mode::Normal).await?;
        unwrap(out, env, "POST", path)
    }

    /// POST an action without a body whose answer is `text/plain` (an access token): returns
    /// the text. The text is never logged.
    pub async fn text_action(&self, stop: &CancellationToken, path: &str) -> Result<String, ApiError> {
        match self.send(stop, Method::POST, path, &[], None, Mode::Normal, true).await? {
            Json::String(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError {
                kind: ApiErrorKind::Decode,
                status: None,
                method: "POST".into(),
                path: path.to_string(),
                errors: Vec::new(),
                message: "the answer is empty".into(),
            }),
        }
    }

    /// PATCH an object; returns the updated object.
    pub async fn update(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let _writing = self.writes.writing(path);
        let out = self.call(stop, Method::PATCH, path, &[], Some(body), Mode::Normal).await?;
        unwrap(out, env, "PATCH", path)
    }

    /// DELETE an object. An object already gone counts as deleted.
    pub async fn delete(&self, stop: &CancellationToken, path: &str) -> Result<(), ApiError> {
        let _writing = self.writes.writing(path);
        match self.call(stop, Method::DELETE, path, &[], None, Mode::Normal).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// One API call with retries. Returns the parsed JSON body of a 2xx answer.
    pub async fn call(
        &self,
        stop: &CancellationToken,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Json>,
        mode: Mode,
    ) -> Result<Json, ApiError> {
        self.send(stop, method, path, query, body, mode, false).await
    }

    /// [`Api::call`]; `text`: the answer is `text/plain`, returned as a JSON string.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        stop: &CancellationToken,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Json>,
        mode: Mode,
        text: bool,
    ) -> Result<Json, ApiError> {
        let url = format!("{}{}", self.base_url.trim_end_matches('/'), path);
        let req = Request { method, url, shown: format!("{}{}", self.base_path(), path), query, body, text };
        if !self.transport.has_api_key() {
            return Err(req.error(ApiErrorKind::NoApiKey, None, Vec::new(), String::new()));
        }
        if let Some(why) = never_sent(&req.method, path) {
            let message = format!("this provider never sends {} {path}: {why}", req.method);
            return Err(req.error(ApiErrorKind::Validation, None, Vec::new(), message));
        }
        let req = &req;
        self.policy.run(&req.method, &req.shown, stop, mode, |attempt| self.transport.send_once(req, attempt)).await
    }

    /// "/v2" from "https://api.telnyx.com/v2": the base URL's path, as messages name it.
    fn base_path(&self) -> String {
        let b = self.base_url.trim_end_matches('/');
        match b.find("://") {
            Some(i) => b[i + 3..].find('/').map(|j| b[i + 3 + j..].to_string()).unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// Percent-encodes an id for a path segment (ids are opaque strings).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The object of a single-object answer, out of its envelope.
pub(crate) fn unwrap(body: Json, env: Envelope, method: &str, path: &str) -> Result<Json, ApiError> {
    match env {
        Envelope::Bare if body.is_object() => Ok(body),
        Envelope::Data => match body {
            Json::Object(mut o) => match o.remove("data") {
                Some(d @ Json::Object(_)) => Ok(d),
                _ => Err(decode_error(method, path, "a response without a `data` object")),
            },
            _ => Err(decode_error(method, path, "a response that is not a JSON object")),
        },
        Envelope::Bare => Err(decode_error(method, path, "a response that is not a JSON object")),
    }
}

pub(super) fn decode_error(method: &str, path: &str, what: &str) -> ApiError {
    ApiError {
        kind: ApiErrorKind::Decode,
        status: None,
        method: method.into(),
        path: path.into(),
        errors: Vec::new(),
        message: format!("unexpected {what}"),
    }
}

/// The objects written through one [`Api`], by object path, and a sequence number that moves
/// each time a write ends: a listing begun at `seq` may answer for an object only if no write
/// of it is under way and none ended after `seq`.
#[derive(Debug, Default)]
pub struct Writes {
    marks: Mutex<Marks>,
}

#[derive(Debug, Default)]
struct Marks {
    /// Bumped when a write ends.
    seq: u64,
    writes: HashMap<String, Write>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Write {
    in_flight: u32,
    /// `seq` when the last write ended.
    ended: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The object path a request path writes: its first two segments (`/phone_numbers/1/voice`
/// writes `/phone_numbers/1`).
pub fn object_of(path: &str) -> Option<String> {
    let mut segs = path.trim_start_matches('/').splitn(3, '/');
    match (segs.next(), segs.next()) {
        (Some(family), Some(id)) if !family.is_empty() && !id.is_empty() => Some(format!("/{family}/{id}")),
        _ => None,
    }
}

/// Marks an object written while alive; the write counts as ended when dropped (also when
/// the request is abandoned midway: whether it took effect is then unknown).
#[derive(Debug)]
pub struct Writing<'a> {
    writes: &'a Writes,
    object: Option<String>,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Some(object) = self.object.take() {
            self.writes.ended(object, 1);
        }
    }
}

impl Writes {
    /// Marks the object `path` writes as being written, until the guard drops.
    pub fn writing(&self, path: &str) -> Writing<'_> {
        let object = object_of(path);
        if let Some(o) = &object {
            lock(&self.marks).writes.entry(o.clone()).or_default().in_flight += 1;
        }
        Writing { writes: self, object }
    }

    /// Records a write that has ended (a create, once its answer names the object).
    pub fn wrote(&self, object: &str) {
        self.ended(object.to_string(), 0);
    }

    /// A write of `object` ended, of which `in_flight` (0 or 1) had been marked under way.
    fn ended(&self, object: String, in_flight: u32) {
        let mut m = lock(&self.marks);
        m.seq += 1;
        let seq = m.seq;
        let w = m.writes.entry(object).or_default();
        w.in_flight -= in_flight;
        w.ended = seq;
    }

    /// The sequence number now: what a listing begun now records.
    pub fn seq(&self) -> u64 {
        lock(&self.marks).seq
    }

    /// Whether `object` is unwritten since `since`: no write under way, none ended after it.
    pub fn untouched_since(&self, object: &str, since: u64) -> bool {
        lock(&self.marks).writes.get(object).is_none_or(|w| w.in_flight == 0 && w.ended <= since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        let d = serde_json::json!({"data": {"id": "1"}});
        assert_eq!(unwrap(d, Envelope::Data, "GET", "/x").unwrap()["id"], "1");
        let b = serde_json::json!({"id": "2"});
        assert_eq!(unwrap(b.clone(), Envelope::Bare, "GET", "/x").unwrap()["id"], "2");
        assert!(unwrap(b, Envelope::Data, "GET", "/x").is_err());
    }

    #[test]
    fn writes_are_tracked_by_object() {
        assert_eq!(object_of("/phone_numbers/1/voice").as_deref(), Some("/phone_numbers/1"));
        assert_eq!(object_of("/ips/9").as_deref(), Some("/ips/9"));
        assert_eq!(object_of("/ips"), None);
        let w = Writes::default();
        assert!(w.untouched_since("/ips/9", 0));
        let writing = w.writing("/ips/9");
        assert!(!w.untouched_since("/ips/9", u64::MAX), "a write under way is never answered from a listing");
        drop(writing);
        assert!(!w.untouched_since("/ips/9", 0), "a listing older than the write does not answer");
        assert!(w.untouched_since("/ips/9", 1), "a listing begun after it does");
        assert!(w.untouched_since("/ips/8", 0));
        w.wrote("/ips/8");
        assert!(!w.untouched_since("/ips/8", 1));
        assert_eq!(w.seq(), 2);
    }
}
