//! Early answers: requests the HTML starts before the office bundle has loaded.
//!
//! `app/static/index.html` knows which page the console opens on, and starts that page's first
//! requests (`GET /api/me` on every console page, the first page of the due board on
//! `/coord/due`) while the 2 MB office bundle is still downloading and compiling: the answers
//! are usually in when the page is built, instead of being asked for only then. Each started
//! request is kept in `window.TANFANG_EARLY[url]` as `{at, answer}` where `answer` resolves to
//! `{status, text}` (or rejects when the network failed).
//!
//! # Design decisions
//!
//! - **Taken once, by exact URL.** [`take`] removes the entry it reads, so an answer is used by
//!   the first request for that URL only; a later request (a reload, another visit to the page)
//!   goes to the server. The URLs the pages ask for and those in `index.html` must match to the
//!   byte: a unit test of `console_api` reads `index.html` for them, and the e2e spec
//!   `console-early-answers.spec.ts` fails if a page asks the server again.
//! - **Fresh and successful, or not at all.** An answer started more than [`FRESH_MS`] ago, or
//!   one that failed (no network, 401 before the log-in, any non-2xx), is dropped and the caller
//!   fetches as usual — an early request never makes a page show an error, or data of a
//!   session it does not have: log-out drops the answers not taken yet ([`clear`]).
//! - **Nothing stored.** The answer lives in the page's memory until taken, as any fetch's
//!   does; it is never written to a cache (the console keeps no personal data on the device).

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// An early answer older than this is not used.
pub const FRESH_MS: f64 = 30_000.0;

/// The status and text of the early answer for `url`, if the HTML started one that is fresh
/// and succeeded (2xx); removed so that it is used once. A failed answer (401 before the log-in,
/// a server error) is dropped: the caller asks again, with the session it has now.
pub async fn take(url: &str) -> Option<(u16, String)> {
    let window = web_sys::window()?;
    let table = js_sys::Reflect::get(&window, &JsValue::from_str("TANFANG_EARLY")).ok()?;
    if !table.is_object() {
        return None;
    }
    let key = JsValue::from_str(url);
    let entry = js_sys::Reflect::get(&table, &key).ok()?;
    if !entry.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(table.unchecked_ref::<js_sys::Object>(), &key);
    let at = js_sys::Reflect::get(&entry, &JsValue::from_str("at"))
        .ok()?
        .as_f64()?;
    if js_sys::Date::now() - at > FRESH_MS {
        return None;
    }
    let answer: js_sys::Promise = js_sys::Reflect::get(&entry, &JsValue::from_str("answer"))
        .ok()?
        .dyn_into()
        .ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(answer).await.ok()?;
    let status = js_sys::Reflect::get(&answer, &JsValue::from_str("status"))
        .ok()?
        .as_f64()? as u16;
    if !(200..300).contains(&status) {
        return None;
    }
    let text = js_sys::Reflect::get(&answer, &JsValue::from_str("text"))
        .ok()?
        .as_string()?;
    Some((status, text))
}

/// Drops every early answer not taken yet (on log-out: they were asked with that session).
pub fn clear() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &JsValue::from_str("TANFANG_EARLY"),
            &js_sys::Object::new(),
        );
    }
}
