//! 团体注册 — a company, school or social organisation registers itself (public page). The
//! contact's mobile number becomes the group admin's login; the group waits for a
//! coordinator's review.

use crate::groups_api::{self, GroupsError, Registration};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// One labelled input bound to `value`, with the server's message when it names `field`.
#[component]
pub fn GroupField(
    label: &'static str,
    field: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<GroupsError>>,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type=input_type
                name=field
                data-testid=format!("group-{field}")
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            <Show when=move || error.with(|e| e.as_ref().and_then(|e| e.for_field(field)).is_some())>
                <span class="field-error" data-testid=format!("group-{field}-error")>
                    {move || error.with(|e| e.as_ref().and_then(|e| e.for_field(field)).unwrap_or_default())}
                </span>
            </Show>
        </label>
    }
}

/// Shows an error that names no form field (or any error, when `all`).
#[component]
pub fn GroupErrorLine(error: RwSignal<Option<GroupsError>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="error-line" role="alert" data-testid="group-error">
                {move || error.with(|e| e.as_ref().map(|e| e.to_string()).unwrap_or_default())}
            </p>
        </Show>
    }
}

#[component]
pub fn GroupRegisterPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("enterprise".to_string());
    let credit_code = RwSignal::new(String::new());
    let contact_name = RwSignal::new(String::new());
    let contact_phone = RwSignal::new(String::new());
    let region_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<GroupsError>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let form = Registration {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            credit_code: credit_code.get_untracked(),
            contact_name: contact_name.get_untracked(),
            contact_phone: contact_phone.get_untracked(),
            region_code: region_code.get_untracked(),
            password: password.get_untracked(),
        };
        // The domain checks the credit code before sending, with the same messages as the server.
        if let Err(problem) = tanfang_domain::group::CreditCode::parse(&form.credit_code) {
            error.set(Some(GroupsError::Rejected {
                code: "invalid_field".into(),
                field: "credit_code".into(),
                message: problem.to_string(),
            }));
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = groups_api::register(&form).await;
            busy.set(false);
            match result {
                Ok(_) => navigate("/groups", Default::default()),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <section class="group-page group-register" data-testid="group-register">
            <h2>"团体注册" <small>" Register a volunteer group"</small></h2>
            <p class="hint">"企业、学校或社会组织注册后，由所在地协调员审核；审核通过后可与社区结对、邀请成员。"</p>
            <form class="stack" on:submit=submit>
                <GroupField label="团体名称 Name" field="name" value=name error=error />
                <label class="field">
                    <span>"团体类型 Kind"</span>
                    <select data-testid="group-kind" on:change=move |event| kind.set(event_target_value(&event)) prop:value=move || kind.get()>
                        <option value="enterprise">"企业 Enterprise"</option>
                        <option value="school">"学校 School"</option>
                        <option value="social_organisation">"社会组织 Social organisation"</option>
                        <option value="other">"其他 Other"</option>
                    </select>
                </label>
                <GroupField label="统一社会信用代码 Credit code" field="credit_code" value=credit_code error=error />
                <GroupField label="服务区域代码（社区/街道）Region code" field="region_code" value=region_code error=error />
                <GroupField label="联系人 Contact" field="contact_name" value=contact_name error=error />
                <GroupField label="联系人手机（登录账号）Mobile (login)" field="contact_phone" value=contact_phone error=error input_type="tel" />
                <GroupField label="密码（至少8位）Password" field="password" value=password error=error input_type="password" />
                <GroupErrorLine error=error />
                <button type="submit" class="big-button primary" data-testid="group-register-submit" disabled=move || busy.get()>
                    {move || if busy.get() { "提交中… Submitting" } else { "提交注册 Register" }}
                </button>
            </form>
            <p><a href="/groups" data-testid="group-login-link">"已注册？登录团体管理 Log in"</a></p>
        </section>
    }
}
