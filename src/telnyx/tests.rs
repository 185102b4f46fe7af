//! The client as a whole (transport, retries, pagination, stopping) against a scripted
//! HTTP/1.1 server on 127.0.0.1.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use super::client::{Client, Envelope, Secret, Settings};
use super::error::ApiErrorKind;

/// What the scripted server does with one request.
#[derive(Clone)]
enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Wait, then answer.
    Slow(u64, Box<Reply>),
    /// Close the connection without answering.
    Drop,
}

fn json_reply(status: u16, body: &str) -> Reply {
    Reply::Answer(status, Vec::new(), body.as_bytes().to_vec())
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: String,
    conn: usize,
    at: Instant,
}

struct Script {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<Mutex<usize>>,
}

impl Script {
    /// Serves `replies` in order, then `{"data": {"id": "1"}}` with 200.
    async fn start(replies: Vec<Reply>) -> Script {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v2", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0usize));
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let (seen2, conns2) = (seen.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let conn = {
                    let mut n = conns2.lock().unwrap();
                    *n += 1;
                    *n
                };
                let (seen, queue) = (seen2.clone(), queue.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        // One request: headers, then Content-Length bytes of body.
                        let head_end = loop {
                            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            let mut chunk = [0u8; 4096];
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                            .unwrap_or(0);
                        while buf.len() < head_end + len {
                            let mut chunk = [0u8; 4096];
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        buf.drain(..head_end + len);
                        let mut first = head.lines().next().unwrap_or("").split(' ');
                        let (method, target) = (first.next().unwrap_or("").to_string(), first.next().unwrap_or("").to_string());
                        seen.lock().unwrap().push(Seen { method, target, headers: head.to_ascii_lowercase(), conn, at: Instant::now() });
                        let mut reply = queue.lock().unwrap().pop_front().unwrap_or_else(|| json_reply(200, r#"{"data":{"id":"1"}}"#));
                        while let Reply::Slow(ms, next) = reply {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            reply = *next;
                        }
                        let Reply::Answer(status, extra, body) = reply else { return };
                        let mut out =
                            format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
                        for (k, v) in extra {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        let mut bytes = out.into_bytes();
                        bytes.extend_from_slice(&body);
                        if sock.write_all(&bytes).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Script { url, seen, connections }
    }

    fn client(&self, max_retries: u32, request_timeout: Duration) -> Client {
        Client::new(Settings { api_key: Secret::new("k"), base_url: self.url.clone(), max_retries, request_timeout, ..Settings::default() })
            .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn methods(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.method).collect()
    }
}

const SECOND: Duration = Duration::from_secs(1);
const OBJ: &str = r#"{"name":"p"}"#;

fn body() -> Json {
    serde_json::from_str(OBJ).unwrap()
}

#[tokio::test]
async fn reads_retry_server_errors_and_408() {
    let s = Script::start(vec![json_reply(500, "{}"), json_reply(503, "oops"), json_reply(408, "")]).await;
    let got = s.client(3, SECOND).get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    assert_eq!(got["id"], "1");
    assert_eq!(s.methods(), ["GET"; 4]);
}

/// A 422 that quotes the password sent: the error names the problem, not the secret.
#[tokio::test]
async fn a_refusal_quoting_a_secret_does_not_repeat_it() {
    let answer = r#"{"errors":[{"code":"10015","title":"Invalid password hunter2","detail":"\"hunter2\" is too short","source":{"pointer":"/password"}}]}"#;
    let s = Script::start(vec![json_reply(422, answer)]).await;
    let sent = serde_json::json!({"user_name": "alice1", "password": "hunter2"});
    let e = s.client(0, SECOND).create(&CancellationToken::new(), "/things", &sent, Envelope::Data).await.unwrap_err();
    assert!(!format!("{e:?}").contains("hunter2") && !e.to_string().contains("hunter2"), "{e:?}");
    let said = e.api_messages();
    assert!(said[0].contains("Invalid password <redacted>: \"<redacted>\" is too short"), "{said:?}");
    assert_eq!(e.errors[0].source.as_ref().and_then(|s| s.pointer.as_deref()), Some("/password"));
}

#[tokio::test]
async fn max_retries_bounds_the_attempts() {
    let s = Script::start(vec![json_reply(502, "{}"); 10]).await;
    let e = s.client(2, SECOND).update(&CancellationToken::new(), "/things/1", &body(), Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Server);
    assert_eq!(e.status, Some(502));
    assert_eq!(s.methods(), ["PATCH"; 3], "1 attempt + max_retries 2");
    let s = Script::start(vec![json_reply(502, "{}")]).await;
    assert!(s.client(0, SECOND).delete(&CancellationToken::new(), "/things/1").await.is_err());
    assert_eq!(s.methods(), ["DELETE"]);
}

#[tokio::test]
async fn creates_are_not_retried_after_a_server_error() {
    let s = Script::start(vec![json_reply(500, r#"{"errors":[{"code":"10007","title":"Unexpected error"}]}"#)]).await;
    let e = s.client(5, SECOND).create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap_err();
    assert!(e.may_have_been_applied());
    assert_eq!(s.methods(), ["POST"]);
}

#[tokio::test]
async fn creates_are_retried_on_429_after_retry_after_ms() {
    let s =
        Script::start(vec![Reply::Answer(429, vec![("retry-after", "30".into()), ("retry-after-ms", "300".into())], b"{}".to_vec())]).await;
    let t0 = Instant::now();
    let got = s.client(3, SECOND).create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap();
    assert_eq!(got["id"], "1");
    let seen = s.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_millis(300), "waited only {gap:?}");
    assert!(t0.elapsed() < Duration::from_secs(5), "retry-after-ms must win over Retry-After: 30");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let s = Script::start(vec![Reply::Answer(503, vec![("retry-after", "1".into())], b"{}".to_vec())]).await;
    s.client(3, SECOND).get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    let seen = s.seen();
    assert!(seen[1].at - seen[0].at >= SECOND, "{:?}", seen[1].at - seen[0].at);
}

#[tokio::test]
async fn a_dropped_create_may_have_been_applied_and_is_not_resent() {
    let s = Script::start(vec![Reply::Drop]).await;
    let e = s.client(5, SECOND).create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Transport { may_have_been_applied: true });
    assert_eq!(s.methods(), ["POST"]);
    // The same failure on a read is retried.
    let s = Script::start(vec![Reply::Drop, Reply::Drop]).await;
    s.client(5, SECOND).get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    assert_eq!(s.methods(), ["GET"; 3]);
}

#[tokio::test]
async fn a_refused_connection_cannot_have_created_anything() {
    // Nothing listens on this port: the connect fails, so nothing was sent, and a create
    // is safe to send again (the retry rule for POST).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::new(Settings {
        api_key: Secret::new("k"),
        base_url: format!("http://127.0.0.1:{port}/v2"),
        max_retries: 1,
        ..Settings::default()
    })
    .unwrap();
    let e = c.create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Transport { may_have_been_applied: false });
    assert!(!e.may_have_been_applied());
}

#[tokio::test]
async fn request_timeout_ends_a_slow_request_and_says_so() {
    let slow = || Reply::Slow(3000, Box::new(json_reply(200, r#"{"data":{"id":"late"}}"#)));
    let s = Script::start(vec![slow()]).await;
    let t0 = Instant::now();
    let e = s.client(4, SECOND).create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap_err();
    let took = t0.elapsed();
    assert!(took >= SECOND && took < Duration::from_millis(2500), "{took:?}");
    assert!(e.may_have_been_applied());
    assert_eq!(s.methods(), ["POST"]);
    let detail = &e.message;
    assert!(detail.contains("request timeout of 1s") && detail.contains("request_timeout"), "{detail}");
    // A read times out, is retried, and succeeds once the API is fast again.
    let s = Script::start(vec![slow()]).await;
    s.client(4, SECOND).get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    assert_eq!(s.methods(), ["GET"; 2]);
}

fn stopped() -> CancellationToken {
    let stop = CancellationToken::new();
    stop.cancel();
    stop
}

#[tokio::test]
async fn after_stop_no_request_starts() {
    let s = Script::start(vec![]).await;
    let c = s.client(3, SECOND);
    let e = c.create(&stopped(), "/things", &body(), Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Cancelled);
    assert!(!e.may_have_been_applied());
    assert!(c.get(&stopped(), "/things/1", Envelope::Data).await.is_err());
    assert!(c.list_all(&stopped(), "/things", &[]).await.is_err());
    assert!(s.seen().is_empty());
}

#[tokio::test]
async fn stop_ends_a_backoff_wait_at_once() {
    let s = Script::start(vec![Reply::Answer(429, vec![("retry-after", "30".into())], b"{}".to_vec())]).await;
    let ctx = CancellationToken::new();
    let stop = ctx.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.cancel();
    });
    let t0 = Instant::now();
    let e = s.client(3, SECOND).create(&ctx, "/things", &body(), Envelope::Data).await.unwrap_err();
    assert!(t0.elapsed() < SECOND, "the 30 s wait did not end on stop: {:?}", t0.elapsed());
    assert_eq!(e.kind, ApiErrorKind::Cancelled);
    assert_eq!(e.status, Some(429), "the diagnostic keeps what the last attempt got");
    assert!(e.message.starts_with("the last attempt ended with: POST /v2/things → HTTP 429"), "{}", e.message);
    assert_eq!(s.methods(), ["POST"]);
}

#[tokio::test]
async fn an_in_flight_request_completes_after_stop() {
    let s = Script::start(vec![Reply::Slow(500, Box::new(json_reply(200, r#"{"data":{"id":"made"}}"#)))]).await;
    let ctx = CancellationToken::new();
    let stop = ctx.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.cancel();
    });
    let got = s.client(3, SECOND).create(&ctx, "/things", &body(), Envelope::Data).await.unwrap();
    assert_eq!(got["id"], "made", "the create the API answered must reach the caller");
    assert!(ctx.is_cancelled());
}

#[tokio::test]
async fn a_reconciling_lookup_runs_once_after_stop() {
    let page = r#"{"data":[{"id":"a","name":"p"}],"meta":{"page_number":1,"total_pages":1}}"#;
    let s = Script::start(vec![json_reply(200, page)]).await;
    let c = s.client(3, SECOND);
    let got = c.list_all_to_reconcile(&stopped(), "/things", &[]).await.unwrap();
    assert_eq!(got.len(), 1);
    // ...but is not retried once stopped.
    let s = Script::start(vec![json_reply(503, "{}")]).await;
    let e = s.client(3, SECOND).list_all_to_reconcile(&stopped(), "/things", &[]).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Cancelled);
    assert_eq!(s.methods(), ["GET"]);
}

#[tokio::test]
async fn list_all_walks_every_page_at_the_largest_size() {
    let page = |n: u64, ids: &[&str]| {
        let data: Vec<Json> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
        json_reply(200, &serde_json::json!({"data": data, "meta": {"page_number": n, "total_pages": 3}}).to_string())
    };
    let s = Script::start(vec![page(1, &["a", "b"]), page(2, &["c"]), page(3, &["d"])]).await;
    let filters = [("filter[name][contains]".to_string(), "x y".to_string())];
    let got = s.client(0, SECOND).list_all(&CancellationToken::new(), "/things", &filters).await.unwrap();
    let ids: Vec<&str> = got.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    let targets: Vec<String> = s.seen().into_iter().map(|x| x.target).collect();
    assert_eq!(targets.len(), 3);
    for (i, t) in targets.iter().enumerate() {
        assert!(t.contains(&format!("page%5Bnumber%5D={}", i + 1)), "{t}");
        assert!(t.contains("page%5Bsize%5D=250"), "{t}");
        assert!(t.contains("filter%5Bname%5D%5Bcontains%5D=x+y"), "{t}");
    }
}

/// CRC-32 (IEEE), for hand-made gzip members.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[tokio::test]
async fn one_pooled_client_sends_identity_and_reads_gzip() {
    let zipped = gzip_stored(br#"{"data":{"id":"zipped"}}"#);
    let s = Script::start(vec![Reply::Answer(200, vec![("content-encoding", "gzip".into())], zipped)]).await;
    let mut settings = Settings { api_key: Secret::new("k"), base_url: s.url.clone(), ..Settings::default() };
    settings.user_agent.push_str(" terraform/1.0.3");
    let c = Client::new(settings).unwrap();
    let got = c.get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    assert_eq!(got["id"], "zipped");
    for _ in 0..4 {
        c.get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    }
    let seen = s.seen();
    assert_eq!(seen.len(), 5);
    let h = &seen[0].headers;
    let ua = format!("user-agent: terraform-provider-telnyx/{} terraform/1.0.3", env!("CARGO_PKG_VERSION"));
    assert!(h.contains(&ua), "{h}");
    assert!(h.contains("accept-encoding: gzip"), "{h}");
    assert!(h.contains("authorization: bearer k"), "{h}");
    // Keep-alive: every call reused the first connection.
    assert!(seen.iter().all(|x| x.conn == 1));
    assert_eq!(*s.connections.lock().unwrap(), 1);
}

#[tokio::test]
async fn undecodable_success_may_have_been_applied() {
    let s = Script::start(vec![json_reply(200, "not json")]).await;
    let e = s.client(3, SECOND).create(&CancellationToken::new(), "/things", &body(), Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert!(e.may_have_been_applied());
    assert_eq!(s.methods(), ["POST"]);
}
