//! Small reusable pieces of the volunteer screens.

pub mod care_notices;
#[cfg(feature = "office")]
pub mod chart_svg;
pub mod choice;
#[cfg(feature = "office")]
pub mod coord_routes;
#[cfg(feature = "office")]
pub mod coord_shell;
pub mod coord_text;
#[cfg(feature = "office")]
pub mod devices;
#[cfg(feature = "office")]
pub mod invite_card;
pub mod lang_switch;
pub mod nav;
#[cfg(feature = "office")]
pub mod print_rows;
pub mod sync_bar;

pub use choice::ChoiceGroup;
pub use lang_switch::LangSwitch;
pub use nav::BottomNav;
pub use sync_bar::SyncBar;

use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Fallback of every page's ErrorBoundary: the errors in plain words.
pub fn error_view(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="error-box" role="alert" data-testid="page-error">
            <strong>{i18n.tr("error.title")}</strong>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Shows an `AppError` held in a signal (forms, log-in).
#[component]
pub fn ErrorLine(error: RwSignal<Option<AppError>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="error-line" role="alert" data-testid="form-error">
                {move || error.get().map(|error| error.to_string())}
            </p>
        </Show>
    }
}
