//! A row of big touch targets for one choice of the visit form (radio buttons styled as
//! buttons: one tap, reachable with the thumb, at least 48 px high).

use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn ChoiceGroup(
    /// Field name, also the `data-testid` prefix (`choice-<name>-<value>`).
    name: &'static str,
    /// Label i18n key.
    label: &'static str,
    /// `(value, label i18n key)` options.
    options: &'static [(&'static str, &'static str)],
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choice" data-testid=format!("field-{name}")>
            <legend>{move || i18n.t(label)}</legend>
            <div class="choice-options">
                {options
                    .iter()
                    .map(|(option, option_label)| {
                        let option = *option;
                        let option_label = *option_label;
                        view! {
                            <label
                                class="choice-option"
                                class:selected=move || value.with(|current| current == option)
                                data-testid=format!("choice-{name}-{option}")
                            >
                                <input
                                    type="radio"
                                    name=name
                                    value=option
                                    prop:checked=move || value.with(|current| current == option)
                                    on:change=move |_| value.set(option.to_string())
                                />
                                <span>{move || i18n.t(option_label)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}
