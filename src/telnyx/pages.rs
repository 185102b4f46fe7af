//! Walking the pages of a list endpoint, on top of the verbs ([`Api`]).
//!
//! The walker asks for page 1, 2, 3, … itself and never follows a number the answer gives. A
//! listing ends at the first page that is empty, or when `meta.total_pages` says so, or
//! (without `meta`) at the first page shorter than [`MAX_PAGE_SIZE`]. A server that does not
//! move on ends it with an error, never a loop: an answer whose `meta.page_number` is not the
//! page asked for, a page whose objects are those of the page before, or more than
//! [`MAX_PAGES`] pages. An error, not a shorter list: a listing settles whether an object
//! exists, and one cut short would say it does not.

use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::api::{Api, decode_error};
use super::error::ApiError;
use super::retry::Mode;
use reqwest::Method;

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u32 = 250;

/// How many pages of one listing are asked for at a time once the first has said how many
/// there are.
pub const CONCURRENT_PAGES: usize = 4;

/// The most pages one listing walks: 10,000 pages of 250, 2.5 million objects.
pub const MAX_PAGES: u64 = 10_000;

impl Api {
    /// Every object of a list endpoint matching `filters`, walking all pages at the largest
    /// page size.
    pub async fn list_all(&self, stop: &CancellationToken, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        self.pages(stop, path, filters, Mode::Normal).all().await
    }

    /// [`Api::list_all`] for the lookup that settles whether a create that failed
    /// uncertainly (timeout, dropped connection, 5xx) took effect. It is part of finishing
    /// that create, so it runs even when the caller has asked to stop — then each page gets
    /// one attempt, without retries — so an object the API made is still found and recorded.
    pub async fn list_all_to_reconcile(
        &self,
        stop: &CancellationToken,
        path: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<Json>, ApiError> {
        self.pages(stop, path, filters, Mode::Finishing).all().await
    }

    /// The pages of a listing matching `filters`, one at a time ([`Pages::next`]).
    pub fn pages<'a>(&'a self, stop: &'a CancellationToken, path: &'a str, filters: &'a [(String, String)], mode: Mode) -> Pages<'a> {
        Pages { api: self, stop, path, filters, mode, next: Some(1), previous: Vec::new(), max_pages: MAX_PAGES, total: None }
    }

    /// Page `n` of a listing matching `filters`, at the largest page size.
    pub(crate) async fn page(
        &self,
        stop: &CancellationToken,
        path: &str,
        filters: &[(String, String)],
        n: u64,
        mode: Mode,
    ) -> Result<Page, ApiError> {
        let mut q: Vec<(String, String)> = filters.to_vec();
        q.push(("page[number]".into(), n.to_string()));
        q.push(("page[size]".into(), MAX_PAGE_SIZE.to_string()));
        let body = self.call(stop, Method::GET, path, &q, None, mode).await?;
        list_page(body, n, path)
    }
}

/// A listing walked page by page.
#[derive(Debug)]
pub struct Pages<'a> {
    api: &'a Api,
    stop: &'a CancellationToken,
    path: &'a str,
    filters: &'a [(String, String)],
    mode: Mode,
    /// The page to ask for next; `None`: the listing has ended.
    next: Option<u64>,
    /// The ids (or, without one, the objects) of the page before.
    previous: Vec<Json>,
    max_pages: u64,
    /// `meta.total_pages` of the last page taken.
    total: Option<u64>,
}

impl Pages<'_> {
    /// Walks at most `n` pages (tests; [`MAX_PAGES`] otherwise).
    #[cfg(test)]
    pub(crate) fn at_most(mut self, n: u64) -> Self {
        self.max_pages = n;
        self
    }

    /// The objects of the next page; `None` once the listing has ended.
    pub async fn next(&mut self) -> Result<Option<Vec<Json>>, ApiError> {
        let Some(n) = self.next else { return Ok(None) };
        if n > self.max_pages {
            return self.failed(&format!("more than {} pages", self.max_pages));
        }
        let page = self.api.page(self.stop, self.path, self.filters, n, self.mode).await?;
        self.accept(n, page)
    }

    /// Takes page `n` as the walk's next page: checks that the server moved on, and notes
    /// what comes after it.
    fn accept(&mut self, n: u64, page: Page) -> Result<Option<Vec<Json>>, ApiError> {
        if let Some(number) = page.number.filter(|m| *m != n) {
            return self.failed(&format!("asked for page {n}, the answer is page {number}"));
        }
        let keys: Vec<Json> = page.items.iter().map(|o| o.get("id").unwrap_or(o).clone()).collect();
        if n > 1 && !keys.is_empty() && keys == self.previous {
            return self.failed(&format!("page {n} repeats page {}", n - 1));
        }
        self.previous = keys;
        self.next = page.next;
        self.total = page.total_pages;
        Ok(Some(page.items))
    }

    /// Ends the walk: the server does not move on as it should.
    fn failed(&mut self, what: &str) -> Result<Option<Vec<Json>>, ApiError> {
        self.next = None;
        Err(decode_error("GET", self.path, &format!("pagination: {what}")))
    }

    /// Every object of the remaining pages. Once a page has said how many there are
    /// (`meta.total_pages`), the rest are asked for [`CONCURRENT_PAGES`] at a time and checked
    /// in order as one by one; pages past that count (objects added meanwhile) are walked after.
    pub async fn all(mut self) -> Result<Vec<Json>, ApiError> {
        use futures_util::StreamExt as _;
        let mut out = Vec::new();
        while let Some(items) = self.next().await? {
            out.extend(items);
            let (Some(n), Some(total)) = (self.next, self.total) else { continue };
            if total <= n || total > self.max_pages {
                continue;
            }
            let (api, stop, path, filters, mode) = (self.api, self.stop, self.path, self.filters, self.mode);
            let pages: Vec<Result<Page, ApiError>> = futures_util::stream::iter(n..=total)
                .map(|k| api.page(stop, path, filters, k, mode))
                .buffered(CONCURRENT_PAGES)
                .collect()
                .await;
            for (k, page) in (n..).zip(pages) {
                match self.accept(k, page?)? {
                    Some(items) => out.extend(items),
                    None => break,
                }
                if self.next != Some(k + 1) {
                    break;
                }
            }
            // Stopped early (an empty page, fewer pages than said): nothing after it counts.
            if self.next.is_some_and(|next| next <= total) {
                self.next = None;
            }
        }
        Ok(out)
    }
}

/// One page of a list answer.
#[derive(Debug)]
pub(crate) struct Page {
    pub items: Vec<Json>,
    /// `meta.total_pages`, if the answer says.
    pub total_pages: Option<u64>,
    /// `meta.page_number`, if the answer says.
    pub number: Option<u64>,
    /// The number of the page to ask for next (`None`: this was the last).
    pub next: Option<u64>,
}

/// One page of a list answer, asked for as page `page`.
pub(crate) fn list_page(mut body: Json, page: u64, path: &str) -> Result<Page, ApiError> {
    let items = match body.get_mut("data").map(Json::take) {
        Some(Json::Array(items)) => items,
        _ => return Err(decode_error("GET", path, "a list response without a `data` array")),
    };
    let meta = body.get("meta");
    let total_pages = meta.and_then(|m| m.get("total_pages")).and_then(Json::as_u64);
    let number = meta.and_then(|m| m.get("page_number")).and_then(Json::as_u64);
    let next = match total_pages {
        _ if items.is_empty() => None,
        Some(t) if page < t => page.checked_add(1),
        // Without meta, keep going while pages come back full.
        None if items.len() as u32 >= MAX_PAGE_SIZE => page.checked_add(1),
        _ => None,
    };
    Ok(Page { items, total_pages, number, next })
}
