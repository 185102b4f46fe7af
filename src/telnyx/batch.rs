//! Batched reads: many single-object reads of one family served from list pages fetched once,
//! exactly as correct as one `GET` per object.
//!
//! A refresh asks for every object in state, a few at a time. Each read names its object, the
//! list endpoint that holds it and the filters that narrow that listing (a connection's
//! records); reads that share endpoint and filters form a *group*. Within a group:
//!
//! * the first [`PROBE_AT`]` - 1` reads are left to their own `GET` (a state of one or two
//!   objects never lists anything);
//! * the next read fetches the listing's first page (250 objects): it answers the reads whose
//!   objects it holds, and its `meta.total_pages` tells what the whole listing costs;
//! * the rest of the listing is fetched only once the reads left to their own `GET` (the
//!   misses) reach [`MISSES_PER_PAGE`] times the number of pages still to fetch, so listing
//!   never costs more than a small multiple of what one `GET` per object would: a state of 5
//!   objects in an account of 1,000 or 50,000 never lists the account, a state of 1,000 in an
//!   account of 1,000 reads them in 4 pages and a few `GET`s;
//! * an object absent from the listing is never reported gone from it: the caller confirms
//!   with its own `GET` (it may have been created after the page was fetched, or moved under
//!   other filters);
//! * an object written through this client (create, update, delete, action) during or after
//!   the listing's first request is never answered from it, nor is one being written;
//! * a failed page ends the batching of its group: what the listing holds still answers, every
//!   other read goes its own way. Pages go through the same retry policy as any call and stop
//!   when the caller stops;
//! * a listing answers for [`FRESH_FOR`] after its first request; later reads start afresh.
//!
//! Objects read on their own always (an import's read, data sources) never come through here.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use serde_json::Value as Json;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::client::{Client, Envelope};
use super::error::ApiError;
use super::retry::Mode;

/// The read of a group that fetches the listing's first page.
pub const PROBE_AT: u64 = 3;
/// How long a listing answers after its first request.
pub const FRESH_FOR: Duration = Duration::from_secs(60);
/// How many reads left to their own `GET` pay for one more page of a listing.
pub const MISSES_PER_PAGE: u64 = 2;
/// Pages of one listing fetched at once.
const PAGES_AT_ONCE: usize = 4;

/// One object to read through a listing.
#[derive(Clone, Debug)]
pub struct BatchRead<'a> {
    /// The list endpoint that holds the object, e.g. `/ips`.
    pub list_path: &'a str,
    /// Filters that narrow the listing and still hold the object (`filter[connection_id]`).
    pub filters: Vec<(String, String)>,
    /// The object's `id`, as list items carry it.
    pub id: &'a str,
    /// The object's own path (`/ips/123`): writes to it, or below it, are tracked under it.
    pub object: String,
}

type GroupKey = (String, Vec<(String, String)>);

/// The batched reads of one client (one provider process).
#[derive(Debug)]
pub struct Batcher {
    enabled: bool,
    marks: Mutex<Marks>,
    groups: Mutex<HashMap<GroupKey, Arc<Group>>>,
}

/// What this client wrote, by object path.
#[derive(Debug, Default)]
struct Marks {
    /// Bumped when a write ends.
    seq: u64,
    writes: HashMap<String, Write>,
    /// Objects read on their own (imported).
    own: HashSet<String>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Write {
    in_flight: u32,
    /// `seq` when the last write ended.
    ended: u64,
}

#[derive(Debug)]
struct Group {
    born: Instant,
    state: Mutex<GroupState>,
    /// Bumped whenever the state changes; readers wait on it.
    changed: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct GroupState {
    reads: u64,
    /// Reads left to their own `GET`.
    misses: u64,
    phase: Phase,
    /// `Marks::seq` when the listing's first request was sent.
    since: u64,
    pages_done: u64,
    total_pages: u64,
    items: HashMap<String, Json>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    Gathering,
    Probing,
    /// The first page is in; the rest is fetched once misses pay for it.
    Probed,
    Fetching,
    /// Complete, or given up: what the listing holds answers, other reads go their own way.
    Done,
}

/// What a read decided while holding its group's lock.
enum Step {
    Answer(Option<Json>),
    Wait(watch::Receiver<u64>),
    Fetch(watch::Receiver<u64>, u64, u64),
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
    batcher: &'a Batcher,
    object: Option<String>,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Some(object) = self.object.take() {
            self.batcher.ended(object, 1);
        }
    }
}

impl Batcher {
    pub fn new(enabled: bool) -> Batcher {
        Batcher { enabled, marks: Mutex::default(), groups: Mutex::default() }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Marks the object `path` writes as being written, until the guard drops.
    pub fn writing(&self, path: &str) -> Writing<'_> {
        let object = object_of(path);
        if let Some(o) = &object {
            lock(&self.marks).writes.entry(o.clone()).or_default().in_flight += 1;
        }
        Writing { batcher: self, object }
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

    /// The object is read on its own from now on (an imported object).
    pub fn read_alone(&self, object: &str) {
        lock(&self.marks).own.insert(object.to_string());
    }

    /// Whether a listing whose first request was sent at `since` may answer for `object`.
    fn may_answer(&self, object: &str, since: u64) -> bool {
        let m = lock(&self.marks);
        !m.own.contains(object) && m.writes.get(object).is_none_or(|w| w.in_flight == 0 && w.ended <= since)
    }

    fn group(&self, key: GroupKey) -> Arc<Group> {
        let mut groups = lock(&self.groups);
        match groups.get(&key) {
            Some(g) if g.born.elapsed() < FRESH_FOR => g.clone(),
            _ => {
                let g = Arc::new(Group { born: Instant::now(), state: Mutex::default(), changed: watch::channel(0).0 });
                groups.insert(key, g.clone());
                g
            }
        }
    }
}

impl Client {
    /// From now on `object` (its path, `/ips/123`) is read on its own, never from a listing:
    /// for an imported object, whose first read must be its own.
    pub fn read_alone(&self, object: &str) {
        self.batch.read_alone(object);
    }

    /// The object at `path` (`None`: there is none, a 404), answered from a listing where
    /// `listed` says one may hold it ([`Client::read_batched`]), else by its own `GET`.
    pub async fn read(
        &self,
        stop: &CancellationToken,
        path: &str,
        env: Envelope,
        listed: Option<&BatchRead<'_>>,
    ) -> Result<Option<Json>, ApiError> {
        if let Some(read) = listed {
            if let Some(obj) = self.read_batched(stop, read).await {
                return Ok(Some(obj));
            }
        }
        match self.get(stop, path, env).await {
            Ok(obj) => Ok(Some(obj)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The object `read` names, from a listing, or `None`: read it on its own (`GET`), as
    /// when batching is off, the object was written or imported here, the listing failed, or
    /// the object is not in it (maybe gone: only its own read can tell).
    pub async fn read_batched(&self, stop: &CancellationToken, read: &BatchRead<'_>) -> Option<Json> {
        let b = &self.batch;
        if !b.enabled || lock(&b.marks).own.contains(&read.object) {
            return None;
        }
        let group = b.group((read.list_path.to_string(), read.filters.clone()));
        let mut counted = false;
        loop {
            let step = {
                let mut g = lock(&group.state);
                if !counted {
                    g.reads += 1;
                    counted = true;
                }
                self.step(&group, &mut g, read)
            };
            match step {
                Step::Answer(a) => return a,
                Step::Wait(mut rx) => {
                    if rx.changed().await.is_err() {
                        return None;
                    }
                }
                Step::Fetch(mut rx, from, to) => {
                    let (client, stop, group, read_path, filters) =
                        (self.clone(), stop.clone(), group.clone(), read.list_path.to_string(), read.filters.clone());
                    tokio::spawn(async move { client.fetch_pages(&stop, &group, &read_path, &filters, from, to).await });
                    if rx.changed().await.is_err() {
                        return None;
                    }
                }
            }
        }
    }

    fn step(&self, group: &Group, g: &mut GroupState, read: &BatchRead<'_>) -> Step {
        let b = &self.batch;
        if let Some(obj) = g.items.get(read.id) {
            if b.may_answer(&read.object, g.since) {
                return Step::Answer(Some(obj.clone()));
            }
            g.misses += 1;
            return Step::Answer(None);
        }
        let miss = |g: &mut GroupState| {
            g.misses += 1;
            Step::Answer(None)
        };
        match g.phase {
            Phase::Gathering if g.reads >= PROBE_AT => {
                g.phase = Phase::Probing;
                g.since = lock(&b.marks).seq;
                Step::Fetch(group.changed.subscribe(), 1, 1)
            }
            Phase::Gathering | Phase::Done => miss(g),
            Phase::Probing | Phase::Fetching => Step::Wait(group.changed.subscribe()),
            Phase::Probed => {
                let left = g.total_pages.saturating_sub(g.pages_done);
                if g.misses + 1 >= left.saturating_mul(MISSES_PER_PAGE) {
                    g.phase = Phase::Fetching;
                    Step::Fetch(group.changed.subscribe(), g.pages_done + 1, g.total_pages)
                } else {
                    miss(g)
                }
            }
        }
    }

    /// Fetches pages `from..=to` of a group's listing into it (page 1: the probe, which also
    /// learns the number of pages). Runs on its own task, so a reader that goes away does
    /// not leave the others waiting.
    async fn fetch_pages(&self, stop: &CancellationToken, group: &Group, path: &str, filters: &[(String, String)], from: u64, to: u64) {
        let mut pages =
            futures_util::stream::iter(from..=to).map(|n| self.page(stop, path, filters, n, Mode::Normal)).buffer_unordered(PAGES_AT_ONCE);
        let mut ok = true;
        while let Some(page) = pages.next().await {
            let mut g = lock(&group.state);
            match page {
                Ok(page) => {
                    g.pages_done += 1;
                    if from == 1 {
                        // Without `meta`, a full page says only that more may follow.
                        g.total_pages = page.total_pages.unwrap_or(if page.next.is_some() { u64::MAX } else { 1 });
                    }
                    for item in page.items {
                        if let Some(id) = item.get("id").and_then(Json::as_str) {
                            g.items.insert(id.to_string(), item);
                        }
                    }
                }
                Err(e) => {
                    tracing::info!(path, error = %e, "listing for batched reads failed; reading objects one by one");
                    ok = false;
                }
            }
            drop(g);
            group.changed.send_modify(|v| *v += 1);
        }
        let mut g = lock(&group.state);
        g.phase = if ok && from == 1 && g.total_pages > 1 { Phase::Probed } else { Phase::Done };
        tracing::debug!(path, pages = g.pages_done, total_pages = g.total_pages, objects = g.items.len(), phase = ?g.phase, "batched reads: listing fetched");
        drop(g);
        group.changed.send_modify(|v| *v += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_tracked_by_object() {
        assert_eq!(object_of("/phone_numbers/1/voice").as_deref(), Some("/phone_numbers/1"));
        assert_eq!(object_of("/ips/9").as_deref(), Some("/ips/9"));
        assert_eq!(object_of("/ips"), None);
        let b = Batcher::new(true);
        assert!(b.may_answer("/ips/9", 0));
        let w = b.writing("/ips/9");
        assert!(!b.may_answer("/ips/9", u64::MAX), "a write under way is never answered from a listing");
        drop(w);
        assert!(!b.may_answer("/ips/9", 0), "a listing older than the write does not answer");
        assert!(b.may_answer("/ips/9", 1), "a listing begun after it does");
        assert!(b.may_answer("/ips/8", 0));
        b.read_alone("/ips/8");
        assert!(!b.may_answer("/ips/8", u64::MAX));
    }
}
