//! The client as a whole (transport, retries, pagination, stopping) against a scripted
//! HTTP/1.1 server on 127.0.0.1.

use std::time::{Duration, Instant};

use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::client::{Client, Envelope, Secret, Settings};
use super::error::ApiErrorKind;
use super::testserver::{Reply, Script, json_reply};

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

/// A list answer: `ids` as objects, with `meta`.
fn list_answer(ids: &[String], page_number: u64, total_pages: u64) -> Reply {
    let data: Vec<Json> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
    json_reply(200, &serde_json::json!({"data": data, "meta": {"page_number": page_number, "total_pages": total_pages}}).to_string())
}

/// The `page[number]` a request asked for.
fn asked_page(target: &str) -> u64 {
    target.split(['?', '&']).find_map(|kv| kv.strip_prefix("page%5Bnumber%5D=")).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// A walk that never ends fails the test instead of hanging it.
async fn walk(s: &Script) -> Result<Vec<Json>, super::error::ApiError> {
    let (client, stop) = (s.client(0, SECOND), CancellationToken::new());
    let listing = client.list_all(&stop, "/things", &[]);
    tokio::time::timeout(Duration::from_secs(5), listing).await.expect("the walk did not end within 5 s")
}

/// Bug: a server that answers page 1 whatever is asked (`page_number: 1`, `total_pages: 3`)
/// made the walk ask for page 2 for ever.
#[tokio::test]
async fn a_server_stuck_on_one_page_ends_the_walk() {
    let s = Script::serve(|_| list_answer(&["a".into()], 1, 3)).await;
    let e = walk(&s).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert_eq!(e.message, "unexpected pagination: asked for page 2, the answer is page 1");
    // Pages 2 and 3 were asked for together (`meta.total_pages` said 3); nothing after.
    assert_eq!(s.seen().len(), 3);
}

/// Bug: a server that always claims one more page, and answers every page alike, was walked
/// for ever.
#[tokio::test]
async fn a_page_repeating_the_previous_one_ends_the_walk() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&["a".into(), "b".into()], n, n + 1)
    })
    .await;
    let e = walk(&s).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert!(e.message.contains("page 2 repeats page 1"), "{}", e.message);
    assert_eq!(s.seen().len(), 2);
}

/// A page number going backwards is a page other than the one asked.
#[tokio::test]
async fn a_page_number_going_backwards_ends_the_walk() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&[format!("p{n}")], if n == 3 { 1 } else { n }, 5)
    })
    .await;
    let e = walk(&s).await.unwrap_err();
    assert!(e.message.contains("asked for page 3, the answer is page 1"), "{}", e.message);
    // Pages 2 to 5 were asked for together, as page 1 said there are 5; nothing after.
    assert_eq!(s.seen().len(), 5);
}

/// An empty page ends a listing, whatever `total_pages` says.
#[tokio::test]
async fn an_empty_page_ends_the_walk() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&if n < 3 { vec![format!("p{n}")] } else { Vec::new() }, n, 1_000_000)
    })
    .await;
    let got = walk(&s).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(s.seen().len(), 3);
}

/// A server that always claims one more page, each new: the walk ends at the page limit.
#[tokio::test]
async fn a_listing_that_never_ends_stops_at_the_page_limit() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&[format!("p{n}")], n, n + 1)
    })
    .await;
    let (client, stop) = (s.client(0, SECOND), CancellationToken::new());
    let e = client.pages(&stop, "/things", &[]).at_most(4).all().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert!(e.message.contains("more than 4 pages"), "{}", e.message);
    assert_eq!(s.seen().len(), 4);
}

/// A caller may stop after any page: no further page is fetched.
#[tokio::test]
async fn pages_are_fetched_only_when_asked_for() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&[format!("p{n}")], n, 3)
    })
    .await;
    let (client, stop) = (s.client(0, SECOND), CancellationToken::new());
    let mut pages = client.pages(&stop, "/things", &[]);
    assert_eq!(pages.next().await.unwrap().unwrap()[0]["id"], "p1");
    assert_eq!(s.seen().len(), 1);
    assert_eq!(pages.next().await.unwrap().unwrap()[0]["id"], "p2");
    assert_eq!(pages.next().await.unwrap().unwrap()[0]["id"], "p3");
    assert!(pages.next().await.unwrap().is_none());
    assert_eq!(s.seen().len(), 3);
}

#[tokio::test]
async fn a_release_is_refused_before_any_network_use() {
    // An unreachable base URL: a request that were sent would fail with a transport error.
    let c = Client::new(Settings { api_key: Secret::new("k"), base_url: "http://127.0.0.1:9/v2".into(), ..Settings::default() }).unwrap();
    let e = c.delete(&CancellationToken::new(), "/phone_numbers/42").await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Validation);
    assert!(e.message.contains("never sends DELETE /phone_numbers/42"), "{}", e.message);
}

/// A success answer of `len` bytes: `{"data":{"id":"big","pad":"xxx…"}}`.
fn answer_of(len: usize) -> Reply {
    let (head, tail) = (r#"{"data":{"id":"big","pad":""#, r#""}}"#);
    let body = format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()));
    assert_eq!(body.len(), len);
    json_reply(200, &body)
}

/// Answers longer than 8 MiB are refused while they stream in; one just under is read.
#[tokio::test]
async fn answers_are_read_up_to_the_cap() {
    use super::transport::MAX_BODY_BYTES;
    let s = Script::start(vec![answer_of(9 << 20), answer_of(MAX_BODY_BYTES)]).await;
    let c = s.client(3, Duration::from_secs(10));
    let e = c.get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert_eq!(e.status, Some(200));
    assert_eq!(e.message, "the answer is longer than 8 MiB, the most the provider reads");
    assert_eq!(s.methods(), ["GET"], "a long answer is not asked for again");
    let got = c.get(&CancellationToken::new(), "/things/1", Envelope::Data).await.unwrap();
    assert_eq!(got["id"], "big");
    assert_eq!(got["pad"].as_str().map(str::len), Some(MAX_BODY_BYTES - 30));
}

/// The layers of `mod.rs`, bottom first: a module may name (`super::x`) only those of a lower
/// rank. Test code is left out (a test may build any layer).
#[test]
fn no_module_imports_one_above_it() {
    let layers: [(&str, u32, &str); 9] = [
        ("error", 0, include_str!("error.rs")),
        ("redact", 0, include_str!("redact.rs")),
        ("timestamp", 0, include_str!("timestamp.rs")),
        ("transport", 1, include_str!("transport.rs")),
        ("retry", 2, include_str!("retry.rs")),
        ("api", 3, include_str!("api.rs")),
        ("pages", 4, include_str!("pages.rs")),
        ("batch", 5, include_str!("batch.rs")),
        ("client", 6, include_str!("client.rs")),
    ];
    let rank = |name: &str| layers.iter().find(|(n, ..)| *n == name).map(|(_, r, _)| *r);
    for (module, r, text) in layers {
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
        for line in code.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
            for used in line.split("super::").skip(1) {
                let name: String = used.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let used_rank = rank(&name).unwrap_or_else(|| panic!("{module} names super::{name}, a module not in the layers"));
                assert!(used_rank < r, "{module} (layer {r}) imports {name} (layer {used_rank}): {line}");
            }
        }
    }
}

/// An access token answers 201 `text/plain` with the bare JWT: returned as text, asked for
/// with `Accept: text/plain`; an empty answer is an error, a 404 the API's error.
#[tokio::test]
async fn a_text_answer_is_returned_as_text() {
    let jwt = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ4In0.c2ln";
    let text = |status: u16, body: &str| Reply::Answer(status, vec![("content-type", "text/plain".into())], body.as_bytes().to_vec());
    let s = Script::start(vec![
        text(201, &format!("{jwt}\n")),
        text(201, ""),
        json_reply(404, r#"{"errors":[{"code":"10005","title":"Not found"}]}"#),
    ])
    .await;
    let c = s.client(0, SECOND);
    let stop = CancellationToken::new();
    assert_eq!(c.text_action(&stop, "/telephony_credentials/1/token").await.unwrap(), jwt);
    assert!(s.seen()[0].headers.contains("accept: text/plain"), "{}", s.seen()[0].headers);
    assert_eq!(c.text_action(&stop, "/telephony_credentials/1/token").await.unwrap_err().kind, ApiErrorKind::Decode);
    assert!(c.text_action(&stop, "/telephony_credentials/1/token").await.unwrap_err().is_not_found());
    assert_eq!(s.methods(), ["POST"; 3]);
}

/// Once page 1 says how many pages there are, the rest are asked for together (a few at a
/// time) and joined in order: every object once, in the listing's order.
#[tokio::test]
async fn the_pages_after_the_first_are_asked_for_together_and_kept_in_order() {
    let s = Script::serve(|seen| {
        let n = asked_page(&seen.target);
        list_answer(&[format!("p{n}a"), format!("p{n}b")], n, 7)
    })
    .await;
    let all = walk(&s).await.unwrap();
    let ids: Vec<&str> = all.iter().filter_map(|o| o["id"].as_str()).collect();
    let want: Vec<String> = (1..=7).flat_map(|n| [format!("p{n}a"), format!("p{n}b")]).collect();
    assert_eq!(ids, want);
    let mut asked: Vec<u64> = s.seen().iter().map(|r| asked_page(&r.target)).collect();
    asked.sort_unstable();
    assert_eq!(asked, (1..=7).collect::<Vec<_>>(), "each page once");
}
