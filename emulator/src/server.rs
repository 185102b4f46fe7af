//! HTTP serving: one hyper connection task per client, routing of `/v2/...` and the
//! `/_emulator/...` control endpoints, bearer auth, fault injection and the request log.
//!
//! A `drop` fault must look like a network failure to the client: the connection task is
//! told to abort, which closes the socket without a response.
//!
//! Latency happens before the work (`latency`, `--latency-ms`, `--jitter-ms`): a client that
//! gives up while waiting cancels the request, and nothing is done — the request log records
//! it with status 0 and `client_gone`. `latency_after` does the work first and then makes the
//! answer wait: the work stands even if the client has given up (a timeout after commit).
//!
//! Request log entries: `seq`, `method`, `path`, `query`, `status` (0: no answer), `fault`,
//! `at_ms` (arrival, milliseconds since the emulator started), `done_ms` (answered or
//! abandoned), `conn` (connection number: keep-alive reuse shows as repeats), `user_agent`,
//! `accept_encoding`, and `client_gone` when the client left before the answer. Never bodies.
//! An entry is written when its request ends; `in_flight` next to the log counts requests
//! received and not yet ended.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value as Json, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::api::{self, Outcome};
use crate::store::Store;

pub mod schema;

#[derive(Debug, Clone)]
pub struct Config {
    pub api_key: String,
    pub latency_ms: u64,
    pub jitter_ms: u64,
    pub page_size_cap: Option<usize>,
}

/// A queued fault rule.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct Fault {
    pub kind: String,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Matches this path only (a list endpoint without its objects).
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<String>,
    #[serde(default)]
    pub retry_after_ms: Option<u64>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

const FAULT_KINDS: &[&str] = &["rate_limit", "error_before", "error_after", "drop", "drop_after", "latency", "latency_after"];

impl Fault {
    /// A rule from its JSON form (the control endpoint and `--fault`).
    pub fn parse(text: &[u8]) -> Result<Fault, String> {
        let f: Fault = serde_json::from_slice(text).map_err(|e| e.to_string())?;
        if !FAULT_KINDS.contains(&f.kind.as_str()) {
            return Err(format!("unknown fault kind {:?} (known: {})", f.kind, FAULT_KINDS.join(", ")));
        }
        if f.count == 0 {
            return Err("count must be at least 1".into());
        }
        Ok(f)
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub store: Store,
    pub faults: VecDeque<Fault>,
    pub log: Vec<Json>,
    /// `/v2` requests received and not yet in the log (being served, or waiting out latency).
    pub in_flight: usize,
    /// What the answers and accepted requests did not validate against the vendored schema.
    pub schema: schema::Findings,
}

#[derive(Debug)]
pub struct Shared {
    pub config: Config,
    state: Mutex<State>,
    started: Instant,
    connections: AtomicU64,
}

impl Shared {
    pub fn new(config: Config) -> Arc<Shared> {
        Arc::new(Shared { config, state: Mutex::new(State::default()), started: Instant::now(), connections: AtomicU64::new(0) })
    }
    /// Loads a seed (from `--seed FILE`) before serving.
    pub fn seed(&self, seed: &Json) -> Result<Json, String> {
        api::seed(&mut self.lock().store, seed)
    }
    /// Queues fault rules (from `--fault` flags) before serving.
    pub fn add_faults(&self, faults: Vec<Fault>) {
        self.lock().faults.extend(faults);
    }
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Accepts connections until the process ends.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let shared = shared.clone();
        let conn_no = shared.connections.fetch_add(1, Ordering::Relaxed) + 1;
        tokio::spawn(async move {
            let abort = Arc::new(Notify::new());
            let abort_for_service = abort.clone();
            let service = hyper::service::service_fn(move |req| handle(shared.clone(), abort_for_service.clone(), conn_no, req));
            let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                () = abort.notified() => {} // dropping `conn` closes the socket, no response
            }
        });
    }
}

/// A JSON answer; a bare string (an access token) is answered as `text/plain`.
fn respond(status: u16, body: &Json) -> Response<Full<Bytes>> {
    let (text, kind) = match body {
        Json::String(s) => (s.clone(), "text/plain"),
        _ => (body.to_string(), "application/json"),
    };
    let mut r = Response::new(Full::new(Bytes::from(text)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static(kind));
    r
}

async fn handle(shared: Arc<Shared>, abort: Arc<Notify>, conn: u64, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let start = Instant::now();
    let at_ms = shared.now_ms();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let auth = header("authorization");
    let entry = json!({
        "method": method.as_str(),
        "path": path,
        "query": query,
        "at_ms": at_ms,
        "conn": conn,
        "user_agent": header("user-agent"),
        "accept_encoding": header("accept-encoding"),
    });
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let response = if let Some(rest) = path.strip_prefix("/_emulator/") {
        control(&shared, &method, rest, &body)
    } else if path == "/v2" || path.starts_with("/v2/") {
        shared.lock().in_flight += 1;
        let log = RequestLog { shared: &shared, entry, fault: None, due: 0, logged: false };
        let mut r = api_call(&shared, log, &abort, &method, &path, &query, &auth, &body).await;
        // Like Telnyx, every answer carries a request id (for support tickets and logs).
        let request_id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            fastrand::u32(..),
            fastrand::u16(..),
            fastrand::u16(..0x1000),
            fastrand::u16(..0x1000),
            fastrand::u64(..1 << 48)
        );
        if let Ok(v) = hyper::header::HeaderValue::from_str(&request_id) {
            r.headers_mut().insert("x-request-id", v);
        }
        eprintln!("{method} {path} {} {}ms {request_id}", r.status().as_u16(), start.elapsed().as_millis());
        r
    } else {
        respond(404, &crate::spec::errors("10005", "Resource not found", "No such path.", None))
    };
    Ok(response)
}

fn take_fault(state: &mut State, method: &Method, path: &str) -> Option<Fault> {
    let i = state.faults.iter().position(|f| {
        f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
            && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
            && f.path.as_deref().is_none_or(|p| path == p)
    })?;
    let f = state.faults[i].clone();
    if f.count <= 1 {
        state.faults.remove(i);
    } else {
        state.faults[i].count -= 1;
    }
    Some(f)
}

/// One `/v2` request's log entry, written once: with the status it was answered with, or —
/// when the client goes away first and the request is dropped — with `client_gone` and the
/// status that was due (0 when the work was never done).
struct RequestLog<'a> {
    shared: &'a Shared,
    entry: Json,
    fault: Option<String>,
    /// The status of work already done but not yet answered.
    due: u16,
    logged: bool,
}

impl RequestLog<'_> {
    fn done(&mut self, status: u16) {
        self.write(status, false);
    }

    fn write(&mut self, status: u16, client_gone: bool) {
        if self.logged {
            return;
        }
        self.logged = true;
        let mut e = self.entry.take();
        let done_ms = self.shared.now_ms();
        let mut st = self.shared.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        let seq = st.log.len() + 1;
        if let Json::Object(m) = &mut e {
            m.insert("seq".into(), json!(seq));
            m.insert("status".into(), json!(status));
            m.insert("fault".into(), json!(self.fault));
            m.insert("done_ms".into(), json!(done_ms));
            if client_gone {
                m.insert("client_gone".into(), json!(true));
            }
        }
        st.log.push(e);
    }
}

impl Drop for RequestLog<'_> {
    fn drop(&mut self) {
        self.write(self.due, true);
    }
}

#[allow(clippy::too_many_arguments)]
async fn api_call(
    shared: &Shared,
    mut log: RequestLog<'_>,
    abort: &Notify,
    method: &Method,
    path: &str,
    query: &str,
    auth: &str,
    body: &Bytes,
) -> Response<Full<Bytes>> {
    let fault = take_fault(&mut shared.lock(), method, path);
    let kind = fault.as_ref().map(|f| f.kind.as_str());
    log.fault = kind.map(str::to_string);
    let mut delay = shared.config.latency_ms;
    if shared.config.jitter_ms > 0 {
        delay += fastrand::u64(0..=shared.config.jitter_ms);
    }
    if let Some(f) = fault.as_ref().filter(|f| f.kind == "latency") {
        delay += f.latency_ms.unwrap_or(1000);
    }
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let expected = format!("Bearer {}", shared.config.api_key);
    if auth != expected {
        log.done(401);
        let answer = crate::spec::errors("10009", "Authentication failed", "The API key is missing or invalid.", None);
        shared.lock().schema.add(schema::check(method.as_str(), path, body, 401, &answer));
        return respond(401, &answer);
    }
    if let Some(f) = &fault {
        match f.kind.as_str() {
            "rate_limit" => {
                log.done(429);
                let mut r = respond(429, &crate::spec::errors("10011", "Too many requests", "Rate limit exceeded.", None));
                if let Some(ms) = f.retry_after_ms {
                    r.headers_mut().insert("retry-after-ms", ms.into());
                }
                let ra = f.retry_after.clone().unwrap_or_else(|| "1".into());
                if let Ok(v) = hyper::header::HeaderValue::from_str(&ra) {
                    r.headers_mut().insert("retry-after", v);
                }
                return r;
            }
            "error_before" => {
                let status = f.status.unwrap_or(500);
                log.done(status);
                return respond(status, &crate::spec::errors("10007", "Unexpected error", "Injected failure before any work.", None));
            }
            "drop" => {
                log.done(0);
                abort.notify_one();
                std::future::pending::<()>().await;
            }
            _ => {}
        }
    }

    let Outcome { status, body: out } = api::dispatch(&mut shared.lock().store, shared.config.page_size_cap, method, path, query, body);
    // The answer the work produced is checked, whatever a fault then makes of it.
    let found = schema::check(method.as_str(), path, body, status, &out);
    if !found.is_empty() {
        shared.lock().schema.add(found);
    }
    match kind {
        Some("error_after") => {
            let status = fault.as_ref().and_then(|f| f.status).unwrap_or(500);
            log.done(status);
            respond(status, &crate::spec::errors("10007", "Unexpected error", "Injected failure after the work was done.", None))
        }
        Some("drop_after") => {
            log.done(0);
            abort.notify_one();
            std::future::pending::<()>().await;
            respond(500, &Json::Null)
        }
        Some("latency_after") => {
            // The work is done; the answer waits. The log records when the answer was due, even
            // if the client has given up by then.
            let wait = fault.as_ref().and_then(|f| f.latency_ms).unwrap_or(1000);
            log.due = status;
            tokio::time::sleep(Duration::from_millis(wait)).await;
            log.done(status);
            respond(status, &out)
        }
        _ => {
            log.done(status);
            respond(status, &out)
        }
    }
}

fn control(shared: &Shared, method: &Method, rest: &str, body: &Bytes) -> Response<Full<Bytes>> {
    let mut st = shared.lock();
    match (method.as_str(), rest.trim_end_matches('/')) {
        ("GET", "state") => respond(200, &st.store.dump()),
        ("GET", "clock") => respond(200, &json!({"offset_secs": crate::store::clock_offset()})),
        ("POST", "clock") => match serde_json::from_slice::<Json>(body).ok().and_then(|j| j.get("offset_secs").and_then(Json::as_i64)) {
            Some(secs) => {
                crate::store::set_clock_offset(secs);
                respond(200, &json!({"offset_secs": secs}))
            }
            None => respond(400, &json!({"error": "expected {\"offset_secs\": <whole number>}"})),
        },
        ("POST", "reset") => {
            // Schema findings outlive a reset: they are about the emulator, not the account.
            let schema = std::mem::take(&mut st.schema);
            *st = State { schema, ..State::default() };
            crate::store::set_clock_offset(0);
            respond(200, &json!({"reset": true}))
        }
        ("POST", "seed") => {
            match serde_json::from_slice::<Json>(body).map_err(|e| e.to_string()).and_then(|j| api::seed(&mut st.store, &j)) {
                Ok(ids) => respond(200, &json!({"data": ids})),
                Err(e) => respond(422, &json!({"error": e})),
            }
        }
        ("GET", "requests") => respond(200, &json!({"data": st.log, "in_flight": st.in_flight})),
        ("DELETE", "requests") => {
            st.log.clear();
            respond(200, &json!({"data": []}))
        }
        ("GET", "jobs") => respond(200, &json!({"data": api::jobs::settings_json(&st.store)})),
        ("POST", "jobs") => match serde_json::from_slice::<Json>(body).map_err(|e| e.to_string()).and_then(|j| st.store.jobs.update(&j)) {
            Ok(()) => respond(200, &json!({"data": api::jobs::settings_json(&st.store)})),
            Err(e) => respond(422, &json!({"error": e})),
        },
        ("GET", "dynamic_emergency") => respond(200, &json!({"data": st.store.dynamic_e911.to_json()})),
        ("POST", "dynamic_emergency") => {
            match serde_json::from_slice::<Json>(body).map_err(|e| e.to_string()).and_then(|j| st.store.dynamic_e911.update(&j)) {
                Ok(()) => respond(200, &json!({"data": st.store.dynamic_e911.to_json()})),
                Err(e) => respond(422, &json!({"error": e})),
            }
        }
        ("GET", "emergency") => respond(200, &json!({"data": st.store.emergency.to_json()})),
        ("POST", "emergency") => {
            match serde_json::from_slice::<Json>(body).map_err(|e| e.to_string()).and_then(|j| st.store.emergency.update(&j)) {
                Ok(()) => respond(200, &json!({"data": st.store.emergency.to_json()})),
                Err(e) => respond(422, &json!({"error": e})),
            }
        }
        ("GET", "schema_violations") => respond(200, &st.schema.to_json()),
        ("DELETE", "schema_violations") => {
            st.schema.clear();
            respond(200, &st.schema.to_json())
        }
        ("GET", "faults") => respond(200, &json!({"data": st.faults})),
        ("DELETE", "faults") => {
            st.faults.clear();
            respond(200, &json!({"data": []}))
        }
        ("POST", "faults") => match Fault::parse(body) {
            Ok(f) => {
                st.faults.push_back(f);
                respond(200, &json!({"data": st.faults}))
            }
            Err(e) => respond(422, &json!({"error": e})),
        },
        _ => respond(404, &json!({"error": "unknown control endpoint"})),
    }
}
