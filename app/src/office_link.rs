//! The seam between the two bundles the crate builds (see `Cargo.toml` and `static/index.html`).
//!
//! The phone bundle (`tanfang_app`) leaves the coordinator console and the groups' pages out,
//! so that volunteers download and keep offline only what they use. When it is asked for an
//! office path — a link, a redirect after log-in, a typed URL — it loads the page again from
//! the server, and `index.html` then starts the office bundle (`tanfang_office`), which holds
//! every page. The office bundle never reloads for a path it does not know (it shows 404), so
//! an unknown `/coord/…` path cannot loop.

use leptos::prelude::*;

/// Paths served by the office bundle. Must agree with the test in `static/index.html`.
pub const OFFICE_PREFIXES: &[&str] = &["/coord", "/groups", "/join", "/account"];

/// Whether `path` (a URL path, no query) belongs to the office bundle.
pub fn is_office_path(path: &str) -> bool {
    OFFICE_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The office routes are not in the phone bundle: no route definitions at all.
#[cfg(not(feature = "office"))]
#[component(transparent)]
pub fn OfficeRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    // Erased, so that it type-checks both ways: `--cfg erase_components` makes the macro
    // declare `AnyNestedRoute` as the return type.
    leptos_router::any_nested_route::IntoAnyNestedRoute::into_any_nested_route(())
}

/// What the route table shows when no route matches. In the phone bundle an office path
/// reloads the page (so `index.html` loads the office bundle); anything else is a 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(not(feature = "office"))]
    {
        let location = leptos_router::hooks::use_location();
        let path = location.pathname.get_untracked();
        if is_office_path(&path) {
            let target = with_prefix('?', location.search.get_untracked())
                .map_or(path.clone(), |search| format!("{path}{search}"));
            let target = with_prefix('#', location.hash.get_untracked())
                .map_or(target.clone(), |hash| format!("{target}{hash}"));
            // After the router has finished this navigation (it may render before it pushes
            // the new URL): `replace` if it pushed it, so Back leads to the page the link was
            // on; otherwise `assign`.
            set_timeout(
                move || {
                    let Some(window) = web_sys::window() else {
                        return;
                    };
                    let browser = window.location();
                    let _ = if browser.pathname().ok().as_deref() == Some(path.as_str()) {
                        browser.replace(&target)
                    } else {
                        browser.assign(&target)
                    };
                },
                std::time::Duration::ZERO,
            );
            return view! { <p class="loading" data-testid="loading-office">"…"</p> }.into_any();
        }
    }
    view! { <p class="not-found" data-testid="not-found">"404"</p> }.into_any()
}

/// `value` with `prefix` in front (unless already there), or `None` when empty.
#[cfg(not(feature = "office"))]
fn with_prefix(prefix: char, value: String) -> Option<String> {
    match value.as_str() {
        "" => None,
        v if v.starts_with(prefix) => Some(value),
        v => Some(format!("{prefix}{v}")),
    }
}

#[cfg(test)]
mod tests {
    use super::is_office_path;

    #[test]
    fn office_paths_are_whole_segments() {
        for path in [
            "/coord",
            "/coord/elders/e1",
            "/groups",
            "/groups/register",
            "/join/ABC",
        ] {
            assert!(is_office_path(path), "{path}");
        }
        for path in [
            "/",
            "/coordinator",
            "/groupsx",
            "/elder/e1",
            "/hours",
            "/joined",
        ] {
            assert!(!is_office_path(path), "{path}");
        }
    }
}
