//! 团体审核与结对 — the coordinator's actions for groups: approve or decline registrations
//! (with a reason), accept or decline pairing requests, and assign elders of a paired community
//! to a group's members. Online only (cookie session); lists come from `/api/groups`.

use crate::groups_api::{self, DashboardMember, ElderChoice, GroupView, GroupsError};
use crate::pages::group_home::GroupLoginForm;
use crate::pages::group_register::GroupErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn GroupReviewPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        groups_api::groups(None)
    });
    view! {
        <section class="group-page group-review" data-testid="group-review">
            <h2>"团体审核与结对" <small>" Groups: review, pairing, assignment"</small></h2>
            <Transition fallback=|| view! { <p class="loading">"加载中… Loading"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(GroupsError::Unauthenticated) => view! { <GroupLoginForm done=reload /> }.into_any(),
                        Err(other) => view! { <p class="error-line" data-testid="group-error">{other.to_string()}</p> }.into_any(),
                        Ok(list) => list
                            .groups
                            .into_iter()
                            .map(|group| view! { <GroupCard group=group reload=reload /> })
                            .collect_view()
                            .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GroupCard(group: GroupView, reload: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<GroupsError>);
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(group.id.clone());
    let pending = group.status == "pending";
    let run = move |action: &'static str| {
        let reason_text = reason.get_untracked();
        spawn_local(async move {
            let result = match action {
                "approve" => groups_api::approve(&id.get_value()).await,
                _ => groups_api::decline(&id.get_value(), &reason_text).await,
            };
            match result {
                Ok(()) => reload.update(|n| *n += 1),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let pairings = group
        .pairings
        .iter()
        .map(|p| {
            let pairing_id = StoredValue::new(p.id.clone());
            let requested = p.status == "requested" && p.requested_by == "group";
            let active = p.status == "active";
            let community = p.community.code.clone();
            let act = move |action: &'static str| {
                let reason_text = reason.get_untracked();
                spawn_local(async move {
                    match groups_api::pairing_action(&pairing_id.get_value(), action, &reason_text).await {
                        Ok(()) => reload.update(|n| *n += 1),
                        Err(failure) => error.set(Some(failure)),
                    }
                });
            };
            view! {
                <li data-testid="review-pairing" data-status=p.status.clone() data-community=p.community.code.clone()>
                    {format!("{}（{}）· {} · {} 起", p.community.name.clone().unwrap_or_default(), p.community.code,
                        p.status_zh.clone().unwrap_or(p.status.clone()), p.start_date)}
                    <Show when=move || requested>
                        <button type="button" class="button" data-testid="review-pairing-accept" on:click=move |_| act("accept")>"同意结对 Accept"</button>
                        <button type="button" class="link-button" data-testid="review-pairing-decline" on:click=move |_| act("decline")>"拒绝 Decline"</button>
                    </Show>
                    <Show when=move || active>
                        <AssignPanel group_id=id.get_value() community=community.clone() reload=reload />
                        <button type="button" class="link-button" data-testid="review-pairing-end" on:click=move |_| act("end")>"结束结对 End"</button>
                    </Show>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="card" data-testid="review-group" data-id=group.id.clone() data-status=group.status.clone()>
            <h3>{group.name.clone()} " " <small>{group.kind_zh.clone()}</small></h3>
            <p class="mono">{group.credit_code.clone().unwrap_or_default()}</p>
            <p>{format!("联系人 {} {} · 区域 {}", group.contact_name.clone().unwrap_or_default(), group.contact_phone.clone().unwrap_or_default(),
                group.region.as_ref().and_then(|r| r.name.clone()).unwrap_or_default())}</p>
            <p>"状态：" <strong data-testid="review-status">{group.status_zh.clone()}</strong>
                {group.decline_reason.clone().map(|r| format!(" · 原因：{r}"))}</p>
            <input type="text" placeholder="原因（拒绝时必填）Reason" data-testid="review-reason"
                prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
            <Show when=move || pending>
                <button type="button" class="button primary" data-testid="review-approve" on:click=move |_| run("approve")>"通过 Approve"</button>
                <button type="button" class="link-button" data-testid="review-decline" on:click=move |_| run("decline")>"不通过 Decline"</button>
            </Show>
            <ul class="plain-list">{pairings}</ul>
            <GroupErrorLine error=error />
        </div>
    }
}

/// Choose elders of the paired community (the coordinator's own registry list) and a member.
#[component]
fn AssignPanel(group_id: String, community: String, reload: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<GroupsError>);
    let members = RwSignal::new(Vec::<DashboardMember>::new());
    let elders = RwSignal::new(Vec::<ElderChoice>::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let member = RwSignal::new(String::new());
    let role = RwSignal::new("responsible".to_string());
    let done = RwSignal::new(None::<usize>);
    let group_id = StoredValue::new(group_id);
    let community = StoredValue::new(community);
    let load = move |_| {
        open.set(true);
        spawn_local(async move {
            let result = async {
                let dashboard = groups_api::dashboard(&group_id.get_value()).await?;
                let list = groups_api::community_elders(&community.get_value()).await?;
                Ok::<_, GroupsError>((dashboard.members, list))
            }
            .await;
            match result {
                Ok((m, e)) => {
                    if let Some(first) = m.first() {
                        member.set(first.id.clone());
                    }
                    members.set(m);
                    elders.set(e);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let assign = move |_| {
        let ids = chosen.get_untracked();
        let (who, as_role) = (member.get_untracked(), role.get_untracked());
        spawn_local(async move {
            match groups_api::assign(&group_id.get_value(), &ids, &who, &as_role).await {
                Ok(_) => {
                    done.set(Some(ids.len()));
                    chosen.set(Vec::new());
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
        let _ = reload;
    };
    view! {
        <button type="button" class="button" data-testid="review-assign-open" on:click=load>"分配老人给成员 Assign"</button>
        <Show when=move || open.get()>
            <div class="assign-panel" data-testid="review-assign">
                <select data-testid="review-assign-member" prop:value=move || member.get() on:change=move |e| member.set(event_target_value(&e))>
                    {move || members.get().into_iter().map(|m| view! { <option value=m.id.clone()>{m.name.clone()}</option> }).collect_view()}
                </select>
                <select data-testid="review-assign-role" prop:value=move || role.get() on:change=move |e| role.set(event_target_value(&e))>
                    <option value="responsible">"责任探访人 responsible"</option>
                    <option value="backup">"备用探访人 backup"</option>
                </select>
                <ul class="plain-list elder-choices">
                    {move || elders.get().into_iter().map(|elder| {
                        let id = elder.id.clone();
                        let id_for_check = id.clone();
                        view! {
                            <li>
                                <label>
                                    <input type="checkbox" data-testid="review-assign-elder" data-id=id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&id_for_check))
                                        on:change=move |e| {
                                            let on = event_target_checked(&e);
                                            let id = id.clone();
                                            chosen.update(|c| { c.retain(|x| x != &id); if on { c.push(id); } });
                                        } />
                                    {format!(" {} {}", elder.name, elder.tier.clone().unwrap_or_default())}
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" class="button primary" data-testid="review-assign-submit" on:click=assign>"确认分配 Assign"</button>
                {move || done.get().map(|n| view! { <p class="success" data-testid="review-assign-done">{format!("已分配 {n} 位老人")}</p> })}
                <GroupErrorLine error=error />
            </div>
        </Show>
    }
}
