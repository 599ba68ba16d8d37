//! 中文 / English switch (the choice is remembered on the device).

use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;

#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="lang-switch" role="group" aria-label="Language">
            <button
                type="button"
                class:active=move || i18n.lang.get() == Lang::Zh
                data-testid="lang-zh"
                on:click=move |_| i18n.set(Lang::Zh)
            >
                "中文"
            </button>
            <button
                type="button"
                class:active=move || i18n.lang.get() == Lang::En
                data-testid="lang-en"
                on:click=move |_| i18n.set(Lang::En)
            >
                "English"
            </button>
        </div>
    }
}
