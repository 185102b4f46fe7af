//! The create journal: creates that may have reached Telnyx, remembered across provider
//! processes, so that an apply that follows one Terraform was killed in adopts what the killed
//! run created instead of creating it again (issue 26).
//!
//! Before a create is sent, an intent is appended and flushed to disk: the type, a SHA-256 of
//! the natural key (never the key itself, so no name, address or secret is stored), the time.
//! When the create returns, the object's id is appended to that intent. An intent stays open
//! until its outcome is known: the create certainly failed, or a later call reads, plans,
//! updates or deletes that id (then the object is in Terraform's state). A create whose natural
//! key matches an open intent first looks for an object made since the intent and adopts it.
//!
//! The file is `<data dir>/telnyx/create-journal.<workspace>.jsonl`: the data dir is
//! `TF_DATA_DIR` or `.terraform` in the working directory (Terraform runs the provider there),
//! the workspace `TF_WORKSPACE` or the one `<data dir>/environment` names, else `default`. One
//! JSON object a line, appended with `O_APPEND`; rewritten (temporary file, then rename) when a
//! process first reads it and finds lines that no longer matter. Intents expire after
//! [`EXPIRY`]. A journal that cannot be read or written is logged and ignored: it never fails
//! an apply.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

use super::rest::NaturalKey;

/// How long an intent counts: an intent older than this is ignored and dropped.
pub const EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);

/// What a line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Event {
    /// A create is about to be sent.
    Intent,
    /// The intent's object exists with `id` (created or adopted); not yet known to be in state.
    Created,
    /// The create certainly made nothing: the intent is closed.
    Failed,
    /// `id` is in Terraform's state: intents holding it are closed.
    Seen,
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Line {
    event: Event,
    /// The intent's own id (unique per create attempt); empty for `seen`.
    intent: String,
    #[serde(rename = "type")]
    type_name: String,
    /// SHA-256 of the type and the natural key (hex); empty for `seen`.
    key: String,
    /// When the intent was made (milliseconds since the Unix epoch); for `seen`, when it was seen.
    at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// An intent with no known outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub intent: String,
    /// When the create was about to be sent.
    pub at: SystemTime,
    /// The object the create made, if its answer arrived.
    pub id: Option<String>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Open intents by intent id.
    open: HashMap<String, Line>,
    /// (type, id) of objects known to be in state.
    seen: HashMap<(String, String), u64>,
    /// (type, id) of objects this process created or adopted.
    claimed: HashSet<(String, String)>,
    /// Intents this process made: their creates are its own, still running or answered, and
    /// never adopted from (two creates with one key would otherwise take each other's object).
    mine: HashSet<String>,
    next: u64,
}

/// The journal of one working directory and workspace.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    inner: Mutex<Inner>,
    /// Intents waiting to be flushed, and how far flushing has got (group commit).
    flush: Arc<Mutex<Flush>>,
    /// The number of intents flushed so far: an intent waits until it counts its own.
    flushed: Arc<watch::Sender<u64>>,
}

/// Intents not yet on disk. Concurrent creates share one `fsync`: the first to find nothing
/// being flushed takes everything queued to a blocking thread, which writes it, syncs once and
/// then tells every intent it carried; intents queued meanwhile go with the next flush.
#[derive(Debug, Default)]
struct Flush {
    pending: String,
    /// Intents queued since the start (each intent's ticket).
    queued: u64,
    /// A blocking thread is writing.
    busy: bool,
}

/// The journal of the working directory Terraform runs this provider in; `None` outside
/// Terraform (no plugin handshake cookie in the environment).
pub fn current() -> Option<&'static Journal> {
    static CURRENT: OnceLock<Option<Journal>> = OnceLock::new();
    CURRENT
        .get_or_init(|| {
            std::env::var_os(tfplug::transport::MAGIC_COOKIE_KEY)?;
            let cwd = std::env::current_dir().ok()?;
            Some(Journal::open(location(&cwd, |k| std::env::var(k).ok())))
        })
        .as_ref()
}

/// Where the journal of working directory `cwd` is, given the environment `env`.
pub fn location(cwd: &Path, env: impl Fn(&str) -> Option<String>) -> PathBuf {
    let data = cwd.join(env("TF_DATA_DIR").filter(|d| !d.is_empty()).unwrap_or_else(|| ".terraform".into()));
    let workspace = env("TF_WORKSPACE")
        .filter(|w| !w.is_empty())
        .or_else(|| fs::read_to_string(data.join("environment")).ok().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()))
        .unwrap_or_else(|| "default".into());
    let safe: String = workspace.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    data.join("telnyx").join(format!("create-journal.{safe}.jsonl"))
}

/// The hash a journal stores for `key` of `type_name`: nothing of the key can be read back.
pub fn key_hash(type_name: &str, key: &NaturalKey) -> String {
    let mut fields: Vec<(&str, String)> = key.matches.iter().map(|(f, v)| (*f, v.to_string())).collect();
    fields.sort();
    let mut h = Sha256::new();
    h.update(type_name.as_bytes());
    for (f, v) in fields {
        h.update([0]);
        h.update(f.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

fn expired(at_ms: u64, now: SystemTime) -> bool {
    at_ms.saturating_add(ms(UNIX_EPOCH + EXPIRY)) < ms(now)
}

/// Appends `text` to the journal at `path`; `sync`: flushed to disk before returning.
fn append(path: &Path, text: &[u8], sync: bool) -> std::io::Result<()> {
    // Opened for each write: another process may have replaced the file meanwhile. Its
    // directory is made the first time only.
    let open = || OpenOptions::new().create(true).append(true).open(path);
    let mut f = match open() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            open()?
        }
        other => other?,
    };
    f.write_all(text)?;
    if sync { f.sync_data() } else { Ok(()) }
}

fn lock_flush(m: &Mutex<Flush>) -> MutexGuard<'_, Flush> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Journal {
    /// The journal at `path`, read now. A missing file is an empty journal; an unreadable one
    /// (or unreadable lines) is logged and read as far as it goes.
    pub fn open(path: PathBuf) -> Journal {
        let now = SystemTime::now();
        let mut inner = Inner::default();
        let (text, len) = match fs::read_to_string(&path) {
            Ok(t) => {
                let len = t.len();
                (t, Some(len))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), None),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "the create journal cannot be read: it is ignored");
                (String::new(), None)
            }
        };
        let mut lines = 0usize;
        for raw in text.lines().filter(|l| !l.trim().is_empty()) {
            lines += 1;
            match serde_json::from_str::<Line>(raw) {
                Ok(line) => inner.fold(line),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "an unreadable line of the create journal is ignored"),
            }
        }
        inner.open.retain(|_, l| !expired(l.at_ms, now));
        inner.seen.retain(|_, at| !expired(*at, now));
        let journal = Journal { path, inner: Mutex::new(inner), flush: Arc::default(), flushed: Arc::new(watch::Sender::new(0)) };
        if let Some(len) = len.filter(|_| lines > journal.lock().lines().len()) {
            journal.compact(len);
        }
        journal
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The open, unexpired intents of `type_name` whose natural key is `key`, oldest first.
    pub fn open_intents(&self, type_name: &str, key: &NaturalKey) -> Vec<Open> {
        let hash = key_hash(type_name, key);
        let now = SystemTime::now();
        let inner = self.lock();
        let mut open: Vec<Open> = inner
            .open
            .values()
            .filter(|l| l.type_name == type_name && l.key == hash && !expired(l.at_ms, now) && !inner.mine.contains(&l.intent))
            .filter(|l| l.id.as_ref().is_none_or(|id| !inner.claimed.contains(&(type_name.to_string(), id.clone()))))
            .map(|l| Open { intent: l.intent.clone(), at: UNIX_EPOCH + Duration::from_millis(l.at_ms), id: l.id.clone() })
            .collect();
        open.sort_by_key(|o| o.at);
        open
    }

    /// Whether object `id` must not be adopted: it is in state, or this process created or
    /// adopted it already.
    pub fn taken(&self, type_name: &str, id: &str) -> bool {
        let k = (type_name.to_string(), id.to_string());
        let inner = self.lock();
        inner.seen.contains_key(&k) || inner.claimed.contains(&k)
    }

    /// Claims object `id` for an open intent of `type_name` with `key`: the one that names it,
    /// else the oldest whose answer never arrived. `None`: the object is in state or claimed
    /// already, or no such intent is left. The claim is written like a create's answer.
    pub fn adopt(&self, type_name: &str, key: &NaturalKey, id: &str) -> Option<Open> {
        let hash = key_hash(type_name, key);
        let now = SystemTime::now();
        let line = {
            let mut inner = self.lock();
            let k = (type_name.to_string(), id.to_string());
            if inner.seen.contains_key(&k) || inner.claimed.contains(&k) {
                return None;
            }
            let usable = |l: &&Line| l.type_name == type_name && l.key == hash && !expired(l.at_ms, now) && !inner.mine.contains(&l.intent);
            let line = inner
                .open
                .values()
                .filter(usable)
                .filter(|l| l.id.as_deref() == Some(id))
                .min_by_key(|l| l.at_ms)
                .or_else(|| inner.open.values().filter(usable).filter(|l| l.id.is_none()).min_by_key(|l| l.at_ms))
                .cloned()?;
            inner.claimed.insert(k);
            line
        };
        let open = Open { intent: line.intent.clone(), at: UNIX_EPOCH + Duration::from_millis(line.at_ms), id: Some(id.to_string()) };
        self.write(Line { event: Event::Created, id: Some(id.to_string()), ..line });
        Some(open)
    }

    /// The open intents of `type_name` with `key` that another process made, closed: a lookup
    /// found nothing they made that is unclaimed and in no state, so they made nothing to adopt
    /// (left open, they would adopt an object someone makes with the same key later).
    pub fn close_unanswered(&self, type_name: &str, key: &NaturalKey) {
        for open in self.open_intents(type_name, key) {
            self.failed(&open.intent);
        }
    }

    /// Records, durably, that a create of `type_name` with `key` is about to be sent: returns
    /// once the intent is on disk (flushed with the intents of concurrent creates, by a
    /// blocking thread). Returns the intent's id (also when it could not be written: the
    /// create goes ahead regardless).
    pub async fn intend(&self, type_name: &str, key: &NaturalKey) -> String {
        let intent = {
            let mut inner = self.lock();
            inner.next += 1;
            let intent = format!("{}-{}-{}", std::process::id(), ms(SystemTime::now()), inner.next);
            inner.mine.insert(intent.clone());
            intent
        };
        let line = Line {
            event: Event::Intent,
            intent: intent.clone(),
            type_name: type_name.to_string(),
            key: key_hash(type_name, key),
            at_ms: ms(SystemTime::now()),
            id: None,
        };
        if let Some(text) = self.apply(line) {
            self.flush_durably(text).await;
        }
        intent
    }

    /// Queues `text` and returns once it is on disk (or writing it failed, which is logged).
    async fn flush_durably(&self, text: String) {
        let ticket = {
            let mut f = lock_flush(&self.flush);
            f.pending.push_str(&text);
            f.queued += 1;
            f.queued
        };
        let mut flushed = self.flushed.subscribe();
        loop {
            if *flushed.borrow() >= ticket {
                return;
            }
            let batch = {
                let mut f = lock_flush(&self.flush);
                if f.busy || f.pending.is_empty() {
                    None
                } else {
                    f.busy = true;
                    Some((std::mem::take(&mut f.pending), f.queued))
                }
            };
            if let Some((bytes, upto)) = batch {
                // The thread finishes and reports on its own, even if this create is dropped.
                let (path, flush, done) = (self.path.clone(), self.flush.clone(), self.flushed.clone());
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = append(&path, bytes.as_bytes(), true) {
                        tracing::warn!(path = %path.display(), error = %e, "the create journal cannot be written: creates go ahead without it");
                    }
                    lock_flush(&flush).busy = false;
                    done.send_modify(|n| *n = (*n).max(upto));
                });
            }
            if flushed.changed().await.is_err() {
                return;
            }
        }
    }

    /// The object `id` exists for `intent` (its create returned, or it was adopted for it).
    pub fn created(&self, intent: &str, type_name: &str, id: &str) {
        let base = self.lock().open.get(intent).cloned();
        let Some(base) = base else { return };
        self.lock().claimed.insert((type_name.to_string(), id.to_string()));
        self.write(Line { event: Event::Created, id: Some(id.to_string()), ..base });
    }

    /// The create of `intent` certainly made nothing.
    pub fn failed(&self, intent: &str) {
        let base = self.lock().open.get(intent).cloned();
        if let Some(base) = base {
            self.write(Line { event: Event::Failed, ..base });
        }
    }

    /// Object `id` is in Terraform's state: intents holding it are closed. Writes only when one does.
    pub fn seen(&self, type_name: &str, id: &str) {
        let holds = self.lock().open.values().any(|l| l.type_name == type_name && l.id.as_deref() == Some(id));
        if holds {
            let line = Line {
                event: Event::Seen,
                intent: String::new(),
                type_name: type_name.to_string(),
                key: String::new(),
                at_ms: ms(SystemTime::now()),
                id: Some(id.to_string()),
            };
            self.write(line);
        }
    }

    /// Applies `line` in memory and appends it to the file (not synced: an outcome that is lost
    /// leaves its intent open, which the next run resolves by looking the object up).
    fn write(&self, line: Line) {
        let Some(text) = self.apply(line) else { return };
        if let Err(e) = append(&self.path, text.as_bytes(), false) {
            tracing::warn!(path = %self.path.display(), error = %e, "the create journal cannot be written: creates go ahead without it");
        }
    }

    /// Applies `line` in memory; returns it as the file holds it (one JSON line).
    fn apply(&self, line: Line) -> Option<String> {
        let text = serde_json::to_string(&line).ok()? + "\n";
        self.lock().fold(line);
        Some(text)
    }

    /// Rewrites the file with only what still matters, unless it changed since it was read
    /// (`len` bytes then).
    fn compact(&self, len: usize) {
        let lines = self.lock().lines();
        let mut text = String::new();
        for l in &lines {
            if let Ok(t) = serde_json::to_string(l) {
                text.push_str(&t);
                text.push('\n');
            }
        }
        let tmp = self.path.with_extension(format!("jsonl.{}.tmp", std::process::id()));
        let done = (|| -> std::io::Result<()> {
            let mut f = File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_data()?;
            if fs::metadata(&self.path)?.len() != len as u64 {
                return Err(std::io::Error::other("changed meanwhile"));
            }
            fs::rename(&tmp, &self.path)
        })();
        if let Err(e) = done {
            let _ = fs::remove_file(&tmp);
            tracing::debug!(path = %self.path.display(), error = %e, "the create journal was not compacted");
        }
    }
}

impl Inner {
    fn fold(&mut self, line: Line) {
        match line.event {
            Event::Intent | Event::Created => {
                self.open.insert(line.intent.clone(), line);
            }
            Event::Failed => {
                self.open.remove(&line.intent);
            }
            Event::Seen => {
                let Some(id) = line.id else { return };
                self.open.retain(|_, l| !(l.type_name == line.type_name && l.id.as_deref() == Some(id.as_str())));
                self.seen.insert((line.type_name, id), line.at_ms);
            }
        }
    }

    /// The lines that reproduce this journal.
    fn lines(&self) -> Vec<Line> {
        let mut out: Vec<Line> = self.open.values().cloned().collect();
        out.extend(self.seen.iter().map(|((type_name, id), at_ms)| Line {
            event: Event::Seen,
            intent: String::new(),
            type_name: type_name.clone(),
            key: String::new(),
            at_ms: *at_ms,
            id: Some(id.clone()),
        }));
        out.sort_by_key(|l| l.at_ms);
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> NaturalKey {
        NaturalKey { filters: vec![("filter[name]".into(), name.into())], matches: vec![("connection_name", json!(name))] }
    }

    const T: &str = "telnyx_billing_group";

    /// Concurrent creates share flushes: every intent is on disk when its `intend` returns.
    #[tokio::test]
    async fn concurrent_intents_are_each_on_disk_when_intend_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/create-journal.default.jsonl");
        let j = Journal::open(path.clone());
        let names: Vec<String> = (0..50).map(|i| format!("n{i}")).collect();
        let intents = futures_util::future::join_all(names.iter().map(|n| {
            let (j, path, k) = (&j, path.clone(), key(n));
            async move {
                let intent = j.intend(T, &k).await;
                // Already in the file, not merely queued.
                assert!(fs::read_to_string(&path).unwrap().contains(&intent), "{intent} not on disk yet");
                intent
            }
        }))
        .await;
        assert_eq!(intents.iter().collect::<HashSet<_>>().len(), 50);
        let next = Journal::open(path);
        assert!(names.iter().all(|n| next.open_intents(T, &key(n)).len() == 1));
    }

    #[tokio::test]
    async fn an_intent_survives_the_process_until_its_outcome_is_known() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/create-journal.default.jsonl");
        let j = Journal::open(path.clone());
        let a = j.intend(T, &key("a")).await;
        let b = j.intend(T, &key("b")).await;
        let c = j.intend(T, &key("c")).await;
        j.created(&b, T, "id-b");
        j.failed(&c);
        // This process made b: it never adopts it again.
        assert!(j.taken(T, "id-b"));
        assert!(j.open_intents(T, &key("b")).is_empty());
        // Nor what its own creates still running make (a sibling with the same key).
        assert!(j.open_intents(T, &key("a")).is_empty());
        assert_eq!(j.adopt(T, &key("a"), "id-sibling"), None);

        // The next process: a is pending, b is known, c is closed.
        let next = Journal::open(path.clone());
        assert_eq!(next.open_intents(T, &key("a")).len(), 1);
        assert_eq!(next.open_intents(T, &key("a"))[0].intent, a);
        assert_eq!(next.open_intents(T, &key("b"))[0].id.as_deref(), Some("id-b"));
        assert!(next.open_intents(T, &key("c")).is_empty());
        assert!(next.open_intents("telnyx_ip_connection", &key("a")).is_empty(), "the type is part of the key");
        let d = next.intend(T, &key("d")).await;
        Journal::open(path.clone()).close_unanswered(T, &key("d"));
        assert!(Journal::open(path.clone()).open_intents(T, &key("d")).is_empty(), "{d} closed");
        assert!(!next.taken(T, "id-b"));
        // b is read from state: closed, and never adopted by anyone.
        next.seen(T, "id-b");
        let third = Journal::open(path.clone());
        assert!(third.open_intents(T, &key("b")).is_empty());
        assert!(third.taken(T, "id-b"));
        // Compacted when read: the failed intent's lines are gone.
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&c), "{text}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn intents_expire() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("create-journal.default.jsonl");
        let old = ms(SystemTime::now() - EXPIRY - Duration::from_secs(60));
        let recent = ms(SystemTime::now() - EXPIRY + Duration::from_secs(600));
        let line = |intent: &str, at_ms: u64| {
            serde_json::to_string(&Line {
                event: Event::Intent,
                intent: intent.into(),
                type_name: T.into(),
                key: key_hash(T, &key("a")),
                at_ms,
                id: None,
            })
            .unwrap()
        };
        fs::write(&path, format!("{}\n{}\n", line("old", old), line("recent", recent))).unwrap();
        let j = Journal::open(path.clone());
        let open = j.open_intents(T, &key("a"));
        assert_eq!(open.iter().map(|o| o.intent.as_str()).collect::<Vec<_>>(), ["recent"]);
        assert!(!fs::read_to_string(&path).unwrap().contains("\"old\""), "expired intents are dropped from the file");
    }

    #[tokio::test]
    async fn a_missing_or_unreadable_journal_is_empty_and_never_fails() {
        let dir = tempfile::tempdir().unwrap();
        // Garbage lines are skipped, good ones still count.
        let path = dir.path().join("create-journal.default.jsonl");
        fs::write(&path, "not json\n\u{0}\u{1}\n").unwrap();
        let j = Journal::open(path.clone());
        assert!(j.open_intents(T, &key("a")).is_empty());
        let a = j.intend(T, &key("a")).await;
        assert_eq!(Journal::open(path).open_intents(T, &key("a"))[0].intent, a);
        // A directory where the file should be: reads as empty, writes are logged and skipped.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("create-journal.default.jsonl")).unwrap();
        let j = Journal::open(blocked.join("create-journal.default.jsonl"));
        let b = j.intend(T, &key("b")).await;
        j.created(&b, T, "x");
        assert!(j.taken(T, "x"), "the process still knows what it made");
    }

    #[tokio::test]
    async fn no_key_field_or_secret_reaches_the_journal() {
        use crate::resources::credential_connection::CredentialConnection;
        use crate::resources::rest::RestObject as _;
        let planned = tfplug::Value::Object(
            [
                ("connection_name", "acme-sip-trunk"),
                ("user_name", "acmeuser77"),
                ("password", "s3cret-Passw0rd"),
                ("api_key", "KEY0123456789"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), tfplug::Value::string(v)))
            .collect(),
        );
        let k = CredentialConnection::natural_key(&planned).expect("a natural key");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("create-journal.default.jsonl");
        let j = Journal::open(path.clone());
        let i = j.intend("telnyx_credential_connection", &k).await;
        j.created(&i, "telnyx_credential_connection", "1234");
        j.seen("telnyx_credential_connection", "1234");
        let text = fs::read_to_string(&path).unwrap();
        for secret in ["acme", "user", "s3cret", "Passw0rd", "KEY0123", "password"] {
            assert!(!text.to_lowercase().contains(&secret.to_lowercase()), "{secret} in {text}");
        }
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    #[test]
    fn location_follows_terraform() {
        let cwd = Path::new("/w");
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_string())
        };
        assert_eq!(location(cwd, env(&[])), Path::new("/w/.terraform/telnyx/create-journal.default.jsonl"));
        assert_eq!(
            location(cwd, env(&[("TF_DATA_DIR", "/d"), ("TF_WORKSPACE", "prod/eu")])),
            Path::new("/d/telnyx/create-journal.prod_eu.jsonl")
        );
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".terraform")).unwrap();
        fs::write(dir.path().join(".terraform/environment"), "staging").unwrap();
        assert_eq!(location(dir.path(), env(&[])), dir.path().join(".terraform/telnyx/create-journal.staging.jsonl"));
    }
}
