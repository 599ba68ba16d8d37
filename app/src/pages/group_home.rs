//! 团体管理 — the group admin's page: registration status, pairings (request one with a
//! community code, end one), invite members with a code/link, and the member list with removal.
//! Also the log-in for group admins (cookie session, no data on the device).

use crate::components::invite_card::{date_text, InviteCard};
use crate::groups_api::{self, GroupList, GroupsError, InviteCreated, InviteListed};
use crate::pages::group_register::{GroupErrorLine, GroupField};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Log-in form for the online group pages; calls `done` after a successful log-in.
#[component]
pub fn GroupLoginForm(done: RwSignal<u32>) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<GroupsError>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (l, p) = (login.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match groups_api::login(l.trim(), &p).await {
                Ok(_) => done.update(|n| *n += 1),
                Err(GroupsError::Unauthenticated) => error.set(Some(GroupsError::Rejected {
                    code: "bad_credentials".into(),
                    field: String::new(),
                    message: "账号或密码错误 Wrong login or password".into(),
                })),
                Err(other) => error.set(Some(other)),
            }
        });
    };
    view! {
        <form class="stack group-login" data-testid="group-login-form" on:submit=submit>
            <GroupField label="账号（手机号）Login" field="login" value=login error=error />
            <GroupField label="密码 Password" field="password" value=password error=error input_type="password" />
            <GroupErrorLine error=error />
            <button type="submit" class="big-button primary" data-testid="group-login-submit">"登录 Log in"</button>
        </form>
    }
}

#[component]
pub fn GroupHomePage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        groups_api::groups(None)
    });
    view! {
        <section class="group-page group-home" data-testid="group-home">
            <h2>"团体管理" <small>" My group"</small></h2>
            <Transition fallback=|| view! { <p class="loading">"加载中… Loading"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(GroupsError::Unauthenticated) => view! {
                            <p>"请登录团体管理员账号 Please log in"</p>
                            <GroupLoginForm done=reload />
                            <p><a href="/groups/register" data-testid="group-register-link">"还没有注册？团体注册 Register a group"</a></p>
                        }.into_any(),
                        Err(other) => view! { <p class="error-line" data-testid="group-error">{other.to_string()}</p> }.into_any(),
                        Ok(list) => view! { <GroupOverview list=list reload=reload /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GroupOverview(list: GroupList, reload: RwSignal<u32>) -> impl IntoView {
    let Some(group) = list.groups.first().cloned() else {
        return view! { <p data-testid="group-none">"您不是团体管理员 You do not administer a group"</p> }.into_any();
    };
    let approved = group.status == "approved";
    let group_id = StoredValue::new(group.id.clone());
    let error = RwSignal::new(None::<GroupsError>);
    let community = RwSignal::new(String::new());
    let invite = RwSignal::new(None::<InviteCreated>);
    let request_pairing = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let code = community.get_untracked().trim().to_string();
        spawn_local(async move {
            match groups_api::request_pairings(&group_id.get_value(), &[code]).await {
                Ok(()) => {
                    community.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let invites = RwSignal::new(Vec::<InviteListed>::new());
    let load_invites = move || {
        spawn_local(async move {
            if let Ok(found) = groups_api::group_invites(&group_id.get_value()).await {
                invites.set(found);
            }
        });
    };
    if approved {
        load_invites();
    }
    let group_name = StoredValue::new(format!("加入：{}（{}）", group.name, group.kind_zh));
    let make_invite = move |_| {
        spawn_local(async move {
            match groups_api::create_invite(&group_id.get_value(), 7).await {
                Ok(created) => {
                    invite.set(Some(created));
                    load_invites();
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let pairings = group
        .pairings
        .iter()
        .map(|p| {
            let id = p.id.clone();
            let active = p.status == "active";
            view! {
                <li data-testid="group-pairing" data-status=p.status.clone() data-community=p.community.code.clone()>
                    {format!("{}（{}）", p.community.name.clone().unwrap_or_default(), p.community.code)}
                    " · " <strong>{p.status_zh.clone().unwrap_or(p.status.clone())}</strong>
                    {format!(" · {} 起", p.start_date)}
                    {p.end_date.clone().map(|d| format!(" 至 {d}"))}
                    {p.decline_reason.clone().map(|r| format!(" · 原因：{r}"))}
                    <Show when=move || active>
                        <button type="button" class="link-button" data-testid="group-pairing-end"
                            on:click={
                                let id = id.clone();
                                move |_| {
                                    let id = id.clone();
                                    spawn_local(async move {
                                        match groups_api::pairing_action(&id, "end", "").await {
                                            Ok(()) => reload.update(|n| *n += 1),
                                            Err(failure) => error.set(Some(failure)),
                                        }
                                    });
                                }
                            }>"结束结对 End"</button>
                    </Show>
                </li>
            }
        })
        .collect_view();
    let members = list
        .members
        .iter()
        .map(|m| {
            let id = m.id.clone();
            let name = m.name.clone();
            view! {
                <tr data-testid="group-member" data-id=m.id.clone()>
                    <td>{m.name.clone()}</td>
                    <td>{m.school.clone().unwrap_or_default()}</td>
                    <td>{m.class_name.clone().unwrap_or_default()}</td>
                    <td class="mono">{m.student_number.clone().unwrap_or_default()}</td>
                    <td class="mono">{m.phone.clone().unwrap_or_default()}</td>
                    <td>
                        <button type="button" class="link-button danger" data-testid="group-member-remove"
                            on:click=move |_| {
                                let confirmed = gloo::utils::window()
                                    .confirm_with_message(&format!("确定将 {name} 移出团体？其结对老人将从其手机上移除。"))
                                    .unwrap_or(false);
                                if !confirmed {
                                    return;
                                }
                                let id = id.clone();
                                spawn_local(async move {
                                    match groups_api::remove_member(&group_id.get_value(), &id).await {
                                        Ok(_) => reload.update(|n| *n += 1),
                                        Err(failure) => error.set(Some(failure)),
                                    }
                                });
                            }>"移出 Remove"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="stack">
            <div class="card" data-testid="group-status-card">
                <h3 data-testid="group-name">{group.name.clone()}</h3>
                <p>{format!("{} · {}", group.kind_zh, group.credit_code.clone().unwrap_or_default())}</p>
                <p>"审核状态 Status：" <strong data-testid="group-status" data-status=group.status.clone()>{group.status_zh.clone()}</strong>
                    {group.decline_reason.clone().map(|r| format!(" · 原因：{r}"))}</p>
                <p>{format!("成员 {} 人 · 结对老人 {} 位 · 本月探访 {} 次", group.member_count, group.elders_paired, group.visits_this_month)}</p>
                <Show when=move || approved>
                    <p><a href="/groups/dashboard" data-testid="group-dashboard-link">"服务统计与时长 Dashboard & hours"</a></p>
                </Show>
            </div>
            <GroupErrorLine error=error />
            {if !approved {
                view! { <p class="hint" data-testid="group-wait">"待协调员审核通过后，可结对社区、邀请成员。"</p> }.into_any()
            } else {
                view! {
                <div class="card">
                    <h3>"结对社区 Pairings"</h3>
                    <ul class="plain-list">{pairings}</ul>
                    <form class="inline-form" on:submit=request_pairing>
                        <input type="text" placeholder="社区代码 community code (12位)" data-testid="group-pairing-community"
                            prop:value=move || community.get() on:input=move |e| community.set(event_target_value(&e)) />
                        <button type="submit" class="button" data-testid="group-pairing-request">"申请结对 Request"</button>
                    </form>
                </div>
                <div class="card">
                    <h3>"邀请成员 Invite members"</h3>
                    <button type="button" class="button" data-testid="group-invite-create" on:click=make_invite>"生成邀请码（7天有效，限用一次）"</button>
                    {move || invite.get().map(|created| {
                        let origin = gloo::utils::window().location().origin().unwrap_or_default();
                        view! {
                            <p>"邀请码 Code：" <strong class="mono invite-code" data-testid="group-invite-code">{created.code.clone()}</strong></p>
                            <p>"链接 Link：" <a data-testid="group-invite-link" href=created.link.clone()>{format!("{origin}{}", created.link)}</a></p>
                            <InviteCard code=created.code.clone() title=group_name.get_value() expires_at=created.expires_at />
                            <p><a data-testid="group-invite-card-link" href=format!("/join/{}/card", created.code)>"单独打开卡片（打印 A6）Open the card alone"</a></p>
                        }
                    })}
                    <h4>"近期邀请 Recent invites"</h4>
                    <ul class="plain-list" data-testid="group-invite-list">
                        {move || invites.get().into_iter().map(|i| view! {
                            <li data-testid="group-invite-row" data-status=i.status.clone()>
                                <a class="mono" href=format!("/join/{}/card", i.code)>{i.code.clone()}</a>
                                {format!(" · {} · 有效至 {}", i.status_zh(), date_text(i.expires_at))}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
                }.into_any()
            }}
            <div class="card">
                <h3>"成员 Members"</h3>
                <table class="table" data-testid="group-members">
                    <thead><tr><th>"姓名"</th><th>"学校"</th><th>"班级"</th><th>"学号"</th><th>"手机"</th><th></th></tr></thead>
                    <tbody>{members}</tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
