//! 加入 — follow an invite (`/join/:code`, from a QR card, or a typed code): what it joins is
//! shown, then the phone signs in by SMS code and joins (issue 17: no password; the code is the
//! log-in page's, `POST /api/auth/sms/request`, with its limits). A group invite makes the
//! number's volunteer a member (a new account when it has none; students give school, class and
//! student number); a community's volunteer invite a volunteer of that community; a pairing
//! invitation pairs the number's group (its admin) with the community. A volunteer's session is
//! then kept on this phone (IndexedDB, as the log-in page does) and "开始探访" opens the app.
//! Group invites can still be used to sign up with a password (the second tab).

use crate::groups_api::{self, GroupsError, InvitePreview, JoinBySms, Signup, Student};
use crate::pages::group_register::{GroupErrorLine, GroupField};
use crate::pages::login::{adopt_session, session_from_answer};
use crate::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

/// What a join by SMS code did.
#[derive(Clone, PartialEq)]
enum Joined {
    /// A volunteer (new or existing) joined a group or a community; signed in on this phone.
    Volunteer(String),
    /// A group admin accepted a pairing invitation.
    Pairing(String),
}

#[component]
pub fn GroupJoinPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    crate::components::invite_card::ensure_stylesheet();
    let i18n = crate::i18n::use_i18n();
    let params = use_params_map();
    let code = RwSignal::new(params.with_untracked(|p| p.get("code").unwrap_or_default()));
    let preview = RwSignal::new(None::<InvitePreview>);
    let error = RwSignal::new(None::<GroupsError>);
    let done = RwSignal::new(false);
    let joined = RwSignal::new(None::<Joined>);
    // SMS code (default) or password sign-up (group invites only).
    let by_password = RwSignal::new(false);
    let (name, phone, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (mobile, sms_code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let countdown = RwSignal::new(0u32);
    let busy = RwSignal::new(false);
    let (school, class, number) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if countdown.get_untracked() > 0 {
                countdown.update(|n| *n -= 1);
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let look_up = move || {
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match groups_api::invite(typed.trim()).await {
                Ok(found) => {
                    error.set(None);
                    preview.set(Some(found));
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    look_up();
    let student_form = move |found: &InvitePreview| {
        found.student_details_required.then(|| Student {
            school: school.get_untracked(),
            class: class.get_untracked(),
            student_number: number.get_untracked(),
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(found) = preview.get_untracked() else {
            return;
        };
        let form = Signup {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            student: student_form(&found),
        };
        spawn_local(async move {
            match groups_api::signup(&found.code, &form).await {
                Ok(_) => {
                    // The volunteer app keeps its own session on the phone: log in there.
                    let _ = groups_api::post::<_, serde_json::Value>(
                        "/api/auth/logout",
                        &serde_json::json!({}),
                    )
                    .await;
                    done.set(true);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let send_code = move |_| {
        if countdown.get_untracked() > 0 || busy.get_untracked() {
            return;
        }
        let typed = mobile.get_untracked().trim().to_string();
        busy.set(true);
        spawn_local(async move {
            match groups_api::request_sms_code(&typed).await {
                Ok(answer) => {
                    error.set(None);
                    countdown.set(answer["resend_after_secs"].as_u64().unwrap_or(60) as u32);
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let join = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(found) = preview.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let typed = mobile.get_untracked().trim().to_string();
        let form = JoinBySms {
            mobile: typed.clone(),
            sms_code: sms_code.get_untracked().trim().to_string(),
            name: (!found.is_pairing()).then(|| name.get_untracked()),
            student: student_form(&found),
        };
        busy.set(true);
        spawn_local(async move {
            match groups_api::join_by_sms(&found.code, &form).await {
                Ok(answer) => {
                    error.set(None);
                    let what = found.title();
                    if found.is_pairing() {
                        joined.set(Some(Joined::Pairing(what)));
                    } else {
                        // Keep the session on this phone, as the log-in page does.
                        let session = session_from_answer(&answer, &typed);
                        match adopt_session(&Store::default(), session, i18n).await {
                            Ok(_) => joined.set(Some(Joined::Volunteer(what))),
                            Err(failure) => error.set(Some(GroupsError::Rejected {
                                code: "device".into(),
                                field: String::new(),
                                message: failure.to_string(),
                            })),
                        }
                    }
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let tab = move |password_tab: bool, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" data-testid=testid
                aria-selected=move || (by_password.get() == password_tab).to_string()
                on:click=move |_| { error.set(None); by_password.set(password_tab); }>{label}</button>
        }
    };
    view! {
        <section class="group-page group-join" data-testid="group-join">
            <h2>"加入 · 扫码邀请" <small>" Join by invite"</small></h2>
            <Show when=move || done.get()>
                <p class="success" data-testid="group-join-done">"注册成功！请用手机号和密码登录探访应用。 Signed up — please log in."</p>
                <a class="big-button primary" href="/login" data-testid="group-join-login">"去登录 Log in"</a>
            </Show>
            {move || joined.get().map(|what| match what {
                Joined::Volunteer(title) => view! {
                    <div class="card" data-testid="join-done" data-kind="volunteer">
                        <p class="success" role="status">{format!("已加入并登录！{title}")}<br />"Joined and signed in on this phone."</p>
                        // A full page load, so the phone's own (small) bundle starts with the session.
                        <a class="big-button primary" href="/" rel="external" data-testid="join-open-app">"开始探访 Open the app"</a>
                    </div>
                }.into_any(),
                Joined::Pairing(title) => view! {
                    <div class="card" data-testid="join-done" data-kind="pairing">
                        <p class="success" role="status">{format!("结对成功！{title}")}<br />"Paired: your group now serves this community."</p>
                        <a class="big-button primary" href="/groups" rel="external" data-testid="join-open-group">"团体主页 Group page"</a>
                    </div>
                }.into_any(),
            })}
            <Show when=move || !done.get() && joined.with(Option::is_none) && preview.with(Option::is_none)>
                <form class="inline-form" on:submit=move |e: leptos::ev::SubmitEvent| { e.prevent_default(); look_up(); }>
                    <label class="field">"邀请码 Invite code"
                        <input type="text" data-testid="group-join-code"
                            prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e)) />
                    </label>
                    <button type="submit" class="button" data-testid="group-join-lookup">"查找 Look up"</button>
                </form>
            </Show>
            <GroupErrorLine error=error />
            {move || (!done.get() && joined.with(Option::is_none)).then(|| preview.get()).flatten().map(|found| {
                let student = found.student_details_required;
                let pairing = found.is_pairing();
                let group_invite = found.kind == "group";
                view! {
                    <p class="join-title" data-testid="group-join-group" data-kind=found.kind.clone()>{found.title()}</p>
                    <Show when=move || pairing>
                        <p class="hint">"请团体管理员用注册团体时的手机号接收验证码。 The group's admin receives the code on the group's mobile number."</p>
                    </Show>
                    <Show when=move || group_invite>
                        <div role="tablist" class="tabs">
                            {tab(false, "短信验证码加入 Join by SMS code", "join-tab-sms")}
                            {tab(true, "设置密码注册 Sign up with a password", "join-tab-password")}
                        </div>
                    </Show>
                    <Show when=move || !by_password.get()>
                        <form class="stack" on:submit=join data-testid="join-sms-form">
                            <GroupField label="手机号 Mobile" field="mobile" value=mobile error=error input_type="tel" />
                            <button type="button" class="button" data-testid="join-sms-send" on:click=send_code
                                disabled=move || { countdown.get() > 0 || busy.get() }>
                                {move || match countdown.get() {
                                    0 => "获取验证码 Get code".to_string(),
                                    n => format!("{n} 秒后可重发 Resend in {n} s"),
                                }}
                            </button>
                            <GroupField label="短信验证码（6位）SMS code" field="sms_code" value=sms_code error=error input_type="text" />
                            <Show when=move || !pairing>
                                <GroupField label="姓名 Name" field="name" value=name error=error />
                            </Show>
                            <Show when=move || student>
                                <GroupField label="学校 School" field="student.school" value=school error=error />
                                <GroupField label="班级 Class" field="student.class" value=class error=error />
                                <GroupField label="学号 Student number" field="student.student_number" value=number error=error />
                            </Show>
                            <button type="submit" class="big-button primary" data-testid="join-sms-submit" disabled=move || busy.get()>
                                {if pairing { "验证并接受结对 Verify and pair" } else { "验证并加入 Verify and join" }}
                            </button>
                        </form>
                    </Show>
                    <Show when=move || by_password.get()>
                        <form class="stack" on:submit=submit>
                            <GroupField label="姓名 Name" field="name" value=name error=error />
                            <GroupField label="手机号（登录账号）Mobile" field="phone" value=phone error=error input_type="tel" />
                            <GroupField label="密码（至少8位）Password" field="password" value=password error=error input_type="password" />
                            <Show when=move || student>
                                <GroupField label="学校 School" field="student.school" value=school error=error />
                                <GroupField label="班级 Class" field="student.class" value=class error=error />
                                <GroupField label="学号 Student number" field="student.student_number" value=number error=error />
                            </Show>
                            <button type="submit" class="big-button primary" data-testid="group-join-submit">"注册并加入 Sign up"</button>
                        </form>
                    </Show>
                }
            })}
        </section>
    }
}
