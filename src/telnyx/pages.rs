//! Walking the pages of a list endpoint.

use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::client::{Client, decode_error};
use super::error::ApiError;
use super::retry::Mode;
use reqwest::Method;

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u32 = 250;

impl Client {
    /// Every object of a list endpoint matching `filters`, walking all pages at the largest
    /// page size.
    pub async fn list_all(&self, stop: &CancellationToken, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        self.list_all_in(stop, path, filters, Mode::Normal).await
    }

    /// [`Client::list_all`] for the lookup that settles whether a create that failed
    /// uncertainly (timeout, dropped connection, 5xx) took effect. It is part of finishing
    /// that create, so it runs even when the caller has asked to stop — then each page gets
    /// one attempt, without retries — so an object the API made is still found and recorded.
    pub async fn list_all_to_reconcile(
        &self,
        stop: &CancellationToken,
        path: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<Json>, ApiError> {
        self.list_all_in(stop, path, filters, Mode::Finishing).await
    }

    async fn list_all_in(
        &self,
        stop: &CancellationToken,
        path: &str,
        filters: &[(String, String)],
        mode: Mode,
    ) -> Result<Vec<Json>, ApiError> {
        let mut out = Vec::new();
        let mut page: u64 = 1;
        loop {
            let p = self.page(stop, path, filters, page, mode).await?;
            out.extend(p.items);
            match p.next {
                Some(next) => page = next,
                None => return Ok(out),
            }
        }
    }

    /// Page `n` of a listing matching `filters`, at the largest page size.
    pub(super) async fn page(
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

/// One page of a list answer.
#[derive(Debug)]
pub(crate) struct Page {
    pub items: Vec<Json>,
    /// `meta.total_pages`, if the answer says.
    pub total_pages: Option<u64>,
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
    let page_number = meta.and_then(|m| m.get("page_number")).and_then(Json::as_u64).unwrap_or(page);
    let next = match total_pages {
        Some(t) if page_number < t && !items.is_empty() => Some(page_number + 1),
        // Without meta, keep going while pages come back full.
        None if items.len() as u32 >= MAX_PAGE_SIZE => Some(page + 1),
        _ => None,
    };
    if next.is_some_and(|n| n > 100_000) {
        return Err(decode_error("GET", path, "pagination did not end"));
    }
    Ok(Page { items, total_pages, next })
}
