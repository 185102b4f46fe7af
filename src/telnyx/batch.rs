//! The top layer: batched reads. Many single-object reads of one family served from list pages fetched once,
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

use super::api::{Api, Envelope};
use super::error::ApiError;
use super::pages::MAX_PAGES;
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
    /// The list items' field that names the object: `id`, or another field unique in the
    /// listing (a number's `phone_number`, to find a number by its E.164 form).
    pub key: &'a str,
    /// The object's value of `key` (its `id`), as list items carry it.
    pub id: &'a str,
    /// The object's own path (`/ips/123`): writes to it, or below it, are tracked under it.
    pub object: String,
}

/// A listing (path and filters) and the field its items are told apart by.
type GroupKey = (String, Vec<(String, String)>, String);

/// The batched reads of one client (one provider process).
#[derive(Debug)]
pub struct Batcher {
    enabled: bool,
    /// Objects read on their own (imported).
    own: Mutex<HashSet<String>>,
    groups: Mutex<HashMap<GroupKey, Arc<Group>>>,
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
    /// [`super::api::Writes::seq`] when the listing's first request was sent.
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

impl Batcher {
    pub fn new(enabled: bool) -> Batcher {
        Batcher { enabled, own: Mutex::default(), groups: Mutex::default() }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The object is read on its own from now on (an imported object).
    pub fn read_alone(&self, object: &str) {
        lock(&self.own).insert(object.to_string());
    }

    /// Whether a listing whose first request was sent at `since` may answer for `object`.
    fn may_answer(&self, api: &Api, object: &str, since: u64) -> bool {
        !lock(&self.own).contains(object) && api.writes().untouched_since(object, since)
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

impl Batcher {
    /// The object at `path` (`None`: there is none, a 404), answered from a listing where
    /// `listed` says one may hold it ([`Batcher::read_batched`]), else by its own `GET`.
    pub async fn read(
        &self,
        api: &Api,
        stop: &CancellationToken,
        path: &str,
        env: Envelope,
        listed: Option<&BatchRead<'_>>,
    ) -> Result<Option<Json>, ApiError> {
        if let Some(read) = listed {
            if let Some(obj) = self.read_batched(api, stop, read).await {
                return Ok(Some(obj));
            }
        }
        match api.get(stop, path, env).await {
            Ok(obj) => Ok(Some(obj)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The object `read` names, from a listing, or `None`: read it on its own (`GET`), as
    /// when batching is off, the object was written or imported here, the listing failed, or
    /// the object is not in it (maybe gone: only its own read can tell).
    pub async fn read_batched(&self, api: &Api, stop: &CancellationToken, read: &BatchRead<'_>) -> Option<Json> {
        if !self.enabled || lock(&self.own).contains(&read.object) {
            return None;
        }
        let group = self.group((read.list_path.to_string(), read.filters.clone(), read.key.to_string()));
        let mut counted = false;
        loop {
            let step = {
                let mut g = lock(&group.state);
                if !counted {
                    g.reads += 1;
                    counted = true;
                }
                self.step(api, &group, &mut g, read)
            };
            match step {
                Step::Answer(a) => return a,
                Step::Wait(mut rx) => {
                    if rx.changed().await.is_err() {
                        return None;
                    }
                }
                Step::Fetch(mut rx, from, to) => {
                    let (api, stop, group, read_path, filters, key) =
                        (api.clone(), stop.clone(), group.clone(), read.list_path.to_string(), read.filters.clone(), read.key.to_string());
                    tokio::spawn(async move { fetch_pages(&api, &stop, &group, (&read_path, &filters, &key), from, to).await });
                    if rx.changed().await.is_err() {
                        return None;
                    }
                }
            }
        }
    }

    fn step(&self, api: &Api, group: &Group, g: &mut GroupState, read: &BatchRead<'_>) -> Step {
        if let Some(obj) = g.items.get(read.id) {
            if self.may_answer(api, &read.object, g.since) {
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
                g.since = api.writes().seq();
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
}

/// Fetches pages `from..=to` of a group's listing into it (page 1: the probe, which also
/// learns the number of pages). Runs on its own task, so a reader that goes away does
/// not leave the others waiting.
async fn fetch_pages(api: &Api, stop: &CancellationToken, group: &Group, listing: (&str, &[(String, String)], &str), from: u64, to: u64) {
    let (path, filters, key) = listing;
    let mut pages =
        futures_util::stream::iter(from..=to).map(|n| api.page(stop, path, filters, n, Mode::Normal)).buffer_unordered(PAGES_AT_ONCE);
    let mut ok = true;
    while let Some(page) = pages.next().await {
        let mut g = lock(&group.state);
        match page {
            Ok(page) => {
                g.pages_done += 1;
                if from == 1 {
                    // Without `meta`, a full page says only that more may follow.
                    g.total_pages = page.total_pages.unwrap_or(if page.next.is_some() { u64::MAX } else { 1 }).min(MAX_PAGES);
                }
                for item in page.items {
                    if let Some(id) = item.get(key).and_then(Json::as_str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_objects_are_read_alone() {
        let b = Batcher::new(true);
        let api = Api::new(
            super::super::transport::Transport::new(super::super::transport::Options {
                api_key: super::super::transport::Secret::new("k"),
                user_agent: "test".into(),
                request_timeout: Duration::from_secs(1),
            })
            .unwrap(),
            super::super::retry::Policy { max_retries: 0, operation_timeout: Duration::from_secs(1) },
            "http://127.0.0.1:9/v2",
        );
        assert!(b.may_answer(&api, "/ips/8", 0));
        b.read_alone("/ips/8");
        assert!(!b.may_answer(&api, "/ips/8", u64::MAX));
        let w = api.writes().writing("/ips/9");
        assert!(!b.may_answer(&api, "/ips/9", u64::MAX), "a write under way is never answered from a listing");
        drop(w);
    }
}
