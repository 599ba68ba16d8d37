//! 加入团体 — sign up with an invite code (`/join/:code`, or typed): the code's group is shown,
//! students give school, class and student number; the account is created in the group and the
//! new member logs in on the volunteer app with their mobile number.

use crate::groups_api::{self, GroupsError, InvitePreview, Signup, Student};
use crate::pages::group_register::{GroupErrorLine, GroupField};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GroupJoinPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    let params = use_params_map();
    let code = RwSignal::new(params.with_untracked(|p| p.get("code").unwrap_or_default()));
    let preview = RwSignal::new(None::<InvitePreview>);
    let error = RwSignal::new(None::<GroupsError>);
    let done = RwSignal::new(false);
    let (name, phone, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (school, class, number) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
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
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(found) = preview.get_untracked() else {
            return;
        };
        let form = Signup {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            student: found.student_details_required.then(|| Student {
                school: school.get_untracked(),
                class: class.get_untracked(),
                student_number: number.get_untracked(),
            }),
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
    view! {
        <section class="group-page group-join" data-testid="group-join">
            <h2>"加入志愿团体" <small>" Join a group"</small></h2>
            <Show when=move || done.get()>
                <p class="success" data-testid="group-join-done">"注册成功！请用手机号和密码登录探访应用。 Signed up — please log in."</p>
                <a class="big-button primary" href="/login" data-testid="group-join-login">"去登录 Log in"</a>
            </Show>
            <Show when=move || !done.get() && preview.with(Option::is_none)>
                <form class="inline-form" on:submit=move |e: leptos::ev::SubmitEvent| { e.prevent_default(); look_up(); }>
                    <input type="text" placeholder="邀请码 Invite code" data-testid="group-join-code"
                        prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e)) />
                    <button type="submit" class="button" data-testid="group-join-lookup">"查找 Look up"</button>
                </form>
            </Show>
            <GroupErrorLine error=error />
            {move || (!done.get()).then(|| preview.get()).flatten().map(|found| {
                let student = found.student_details_required;
                view! {
                    <p data-testid="group-join-group">{format!("加入：{}（{}）", found.group.name, found.group.kind_zh)}</p>
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
                }
            })}
        </section>
    }
}
