//! A scripted HTTP/1.1 server on 127.0.0.1 for tests of the client and of what is built on it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::client::{Client, Secret, Settings};

/// What the scripted server does with one request.
#[derive(Clone)]
pub(crate) enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Wait, then answer.
    Slow(u64, Box<Reply>),
    /// Close the connection without answering.
    Drop,
}

pub(crate) fn json_reply(status: u16, body: &str) -> Reply {
    Reply::Answer(status, Vec::new(), body.as_bytes().to_vec())
}

#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub method: String,
    pub target: String,
    pub headers: String,
    pub conn: usize,
    pub at: Instant,
}

pub(crate) struct Script {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub connections: Arc<Mutex<usize>>,
}

impl Script {
    /// Serves `replies` in order, then `{"data": {"id": "1"}}` with 200.
    pub(crate) async fn start(replies: Vec<Reply>) -> Script {
        let queue = Mutex::new(VecDeque::from(replies));
        Script::serve(move |_| queue.lock().unwrap().pop_front().unwrap_or_else(|| json_reply(200, r#"{"data":{"id":"1"}}"#))).await
    }

    /// Answers each request with what `answer` makes of it.
    pub(crate) async fn serve(answer: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Script {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v2", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0usize));
        let answer = Arc::new(answer);
        let (seen2, conns2) = (seen.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let conn = {
                    let mut n = conns2.lock().unwrap();
                    *n += 1;
                    *n
                };
                let (seen, answer) = (seen2.clone(), answer.clone());
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
                        let now = Seen { method, target, headers: head.to_ascii_lowercase(), conn, at: Instant::now() };
                        let mut reply = answer(&now);
                        seen.lock().unwrap().push(now);
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

    pub(crate) fn client(&self, max_retries: u32, request_timeout: Duration) -> Client {
        Client::new(Settings { api_key: Secret::new("k"), base_url: self.url.clone(), max_retries, request_timeout, ..Settings::default() })
            .unwrap()
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub(crate) fn methods(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.method).collect()
    }
}
