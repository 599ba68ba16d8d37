//! 政策版本 (policy versions), administrator only: the deployment's policy timeline (each
//! version with the date it takes effect), the version in force today and the closed months,
//! and a form to adopt another built-in profile or a stricter local profile (JSON, checked by
//! the server with `PolicyProfile::check_not_weaker_than`) from an effective date. The server
//! refuses a date in or before a closed month, naming `effective_from`.

use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::console_api::{self, ConsoleError, PolicyChange, PolicyState};
use crate::i18n::{use_i18n, I18n, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn tr(i18n: I18n, zh: &'static str, en: &'static str) -> &'static str {
    if i18n.lang.get() == Lang::Zh {
        zh
    } else {
        en
    }
}

#[component]
pub fn CoordPolicyPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let state = LocalResource::new(move || {
        reload.track();
        async move {
            let me = console_api::me().await?;
            if me.role != "admin" {
                return Err(ConsoleError::Forbidden);
            }
            console_api::policy().await
        }
    });
    view! {
        <section class="console-page policy" data-testid="coord-policy">
            <ConsoleTitle title=Signal::derive(move || tr(i18n, "政策版本", "Policy versions")) testid="policy-title" />
            <Transition fallback=move || view! { <p class="loading">{move || tr(i18n, "加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    let state = state.await?;
                    Ok::<_, ConsoleError>(view! { <PolicyPanel state=state reload=reload /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PolicyPanel(state: PolicyState, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let policy = RwSignal::new(
        state
            .builtins
            .first()
            .map(|b| b.id.clone())
            .unwrap_or_default(),
    );
    let local = RwSignal::new(String::new());
    let effective = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let saved = RwSignal::new(None::<String>);
    let submit = move |_| {
        let local_text = local.get_untracked();
        let profile = if local_text.trim().is_empty() {
            None
        } else {
            match serde_json::from_str(&local_text) {
                Ok(value) => Some(value),
                Err(e) => {
                    error.set(Some(ConsoleError::Field {
                        code: "invalid_field".into(),
                        field: "profile".into(),
                        message: format!("不是有效的 JSON (not valid JSON): {e}"),
                    }));
                    return;
                }
            }
        };
        let change = PolicyChange {
            policy: profile.is_none().then(|| policy.get_untracked()),
            profile,
            effective_from: effective.get_untracked(),
            reason: reason.get_untracked(),
        };
        error.set(None);
        saved.set(None);
        spawn_local(async move {
            match console_api::change_policy(&change).await {
                Ok(answer) => {
                    saved.set(answer["adopted"].as_str().map(str::to_string));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let closed = state.closed_months.join("、");
    view! {
        <p data-testid="policy-current">
            {move || tr(i18n, "今日执行：", "In force today: ")}
            <strong>{state.current.label.clone()}</strong>" "{state.current.name_zh.clone()}
        </p>
        <p class="hint" data-testid="policy-closed">
            {move || tr(i18n, "已关账月份：", "Closed months: ")}{closed.clone()}
        </p>
        <table class="data-table" data-testid="policy-versions">
            <thead><tr>
                <th>{move || tr(i18n, "生效日期", "Effective from")}</th>
                <th>{move || tr(i18n, "版本", "Version")}</th>
                <th>{move || tr(i18n, "名称", "Name")}</th>
            </tr></thead>
            <tbody>
                {state.versions.iter().map(|v| view! {
                    <tr data-testid="policy-version" data-label=v.label.clone()>
                        <td>{v.effective_from.clone()}</td>
                        <td>{v.label.clone()}{if v.local { " (本地 local)" } else { "" }}</td>
                        <td>{v.name_zh.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <section class="policy-form no-print" data-testid="policy-form">
            <h3>{move || tr(i18n, "调整政策（自生效日期起）", "Change the policy (from an effective date)")}</h3>
            <div class="grid">
                <label class="field">
                    <span>{move || tr(i18n, "内置政策", "Built-in profile")}</span>
                    <select data-testid="policy-select" on:change=move |e| policy.set(event_target_value(&e))>
                        {state.builtins.iter().map(|b| view! { <option value=b.id.clone()>{b.name_zh.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || tr(i18n, "生效日期", "Effective from")}</span>
                    <input type="date" data-testid="policy-effective" prop:value=move || effective.get()
                        on:input=move |e| effective.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || tr(i18n, "原因", "Reason")}</span>
                    <input type="text" data-testid="policy-reason" prop:value=move || reason.get()
                        on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
            </div>
            <label class="field">
                <span>{move || tr(i18n, "或：更严的本地配置（JSON，须不弱于其基础配置）", "Or: a stricter local profile (JSON, never weaker than its base)")}</span>
                <textarea rows="6" data-testid="policy-local" prop:value=move || local.get()
                    on:input=move |e| local.set(event_target_value(&e))></textarea>
            </label>
            <ConsoleErrorLine error=error testid="policy-error" />
            <Show when=move || saved.with(Option::is_some)>
                <p class="ok-line" data-testid="policy-saved">{move || tr(i18n, "已保存：", "Saved: ")}{move || saved.get().unwrap_or_default()}</p>
            </Show>
            <button type="button" class="primary-button" data-testid="policy-submit" on:click=submit>
                {move || tr(i18n, "保存新版本", "Save the new version")}
            </button>
        </section>
    }
}
