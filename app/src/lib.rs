//! Tanfang 探访 volunteer app: Leptos (client-side rendering) compiled to wasm.
//!
//! # Design decisions
//!
//! - **Offline after log-in.** The service worker (`static/sw.js`) keeps the app shell; all
//!   data the volunteer needs lives in IndexedDB ([`store`]); visits are saved locally first
//!   and pushed by the [`sync`] engine. The server is needed only to log in.
//! - **One data-access module.** Pages never talk to IndexedDB or `fetch` directly; they call
//!   [`store::Store`] and read the [`sync::SyncState`] signals.
//! - **No business rules in views.** Due lists, tiers, pinyin matching and visit validation
//!   come from `tanfang_domain`, the crate the server and CLI also use.
//! - **Pages are one file each** under [`pages`], registered in one route table in [`app`];
//!   coordinator pages (`pages/coord_*.rs`) plug into the same table and layout.
//! - **Small download.** No heavy dependencies; `cargo xtask build-app` runs `wasm-opt -Oz`.
//!   The crate builds two bundles: the phone app (`tanfang_app`, precached by the service
//!   worker) and, with the `office` feature, the office bundle (`tanfang_office`: the phone
//!   app plus `pages/coord_*` and `pages/group_*`). `static/index.html` picks the bundle by
//!   path; in the phone bundle an office path reloads the page ([`office_link`]).

pub mod app;
pub mod care_api;
pub mod clock;
pub mod components;
pub mod console_api;
#[cfg(feature = "office")]
pub mod early;
pub mod error;
#[cfg(feature = "office")]
pub mod groups_api;
pub mod i18n;
pub mod model;
pub mod office_link;
pub mod pages;
pub mod store;
pub mod styles;
pub mod sync;
pub mod today;

/// Mounts the app on the page (removes the "loading" placeholder first).
pub fn mount() {
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
