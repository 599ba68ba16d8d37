//! 邀请二维码 (`/coord/invites`) — a community coordinator invites a volunteer into the
//! community, or a volunteer group to pair (结对) with it: a single-use code, valid 1–30 days,
//! shown as a printable QR card (`components::invite_card`), and the community's recent
//! invites with their state. The worker decides who may (`handlers::invites`).

use crate::components::coord_shell::with_console_user;
use crate::components::invite_card::{date_text, InviteCard};
use crate::console_api::Me;
use crate::groups_api::{self, GroupsError, InviteListed};
use crate::pages::group_register::GroupErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "pairing" => "结对邀请 Pairing",
        "volunteer" => "志愿者邀请 Volunteer",
        _ => "团体邀请 Group",
    }
}

#[component]
pub fn CoordInvitesPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    with_console_user(|me| view! { <Invites me=me /> })
}

/// The invites of the user's own community.
#[component]
fn Invites(me: Me) -> impl IntoView {
    let community = RwSignal::new(
        me.region
            .as_ref()
            .map(|r| r.code.clone())
            .unwrap_or_default(),
    );
    let community_name = me
        .region
        .as_ref()
        .and_then(|r| r.name.clone())
        .unwrap_or_default();
    let kind = RwSignal::new("volunteer".to_string());
    let days = RwSignal::new("7".to_string());
    let error = RwSignal::new(None::<GroupsError>);
    let created = RwSignal::new(None::<InviteListed>);
    let list = RwSignal::new(Vec::<InviteListed>::new());
    let reload = move || {
        let code = community.get_untracked().trim().to_string();
        if code.is_empty() {
            return;
        }
        spawn_local(async move {
            match groups_api::community_invites(&code).await {
                Ok(found) => list.set(found),
                Err(GroupsError::Rejected { .. } | GroupsError::NotFound) => list.set(Vec::new()),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    reload();
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let code = community.get_untracked().trim().to_string();
        let which = kind.get_untracked();
        let days = days.get_untracked().trim().parse::<u32>().unwrap_or(0);
        spawn_local(async move {
            match groups_api::create_community_invite(&code, &which, days).await {
                Ok(invite) => {
                    error.set(None);
                    created.set(Some(invite));
                    reload();
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <section class="group-page coord-invites" data-testid="coord-invites">
            <h2>"邀请二维码" <small>" Invite QR codes"</small></h2>
            <p class="hint">"邀请志愿者加入本社区，或邀请志愿团体与本社区结对。对方扫码后用短信验证码登录即可加入，无需密码。"
                <br />"Invite a volunteer into your community, or a volunteer group to pair with it: they scan, sign in with an SMS code and join."</p>
            <form class="stack" on:submit=create>
                <label class="field">"邀请类型 Kind"
                    <select data-testid="coord-invite-kind" prop:value=move || kind.get() on:change=move |e| kind.set(event_target_value(&e))>
                        <option value="volunteer">"志愿者加入社区 Volunteer"</option>
                        <option value="pairing">"团体结对 Group pairing"</option>
                    </select>
                </label>
                <label class="field">{format!("社区代码 Community code {community_name}")}
                    <input type="text" inputmode="numeric" data-testid="coord-invite-community" prop:value=move || community.get()
                        on:input=move |e| community.set(event_target_value(&e)) on:change=move |_| reload() />
                </label>
                <label class="field">"有效天数（1–30）Days valid"
                    <input type="number" min="1" max="30" data-testid="coord-invite-days" prop:value=move || days.get()
                        on:input=move |e| days.set(event_target_value(&e)) />
                </label>
                <button type="submit" class="big-button primary" data-testid="coord-invite-create">"生成邀请二维码 Create"</button>
            </form>
            <GroupErrorLine error=error />
            {move || created.get().map(|invite| {
                let community_text = community.get_untracked();
                let title = match invite.kind.as_str() {
                    "pairing" => format!("与社区 {community_text} 结对 Pair with the community"),
                    _ => format!("加入社区 {community_text} 志愿者 Volunteer in the community"),
                };
                view! {
                    <InviteCard code=invite.code.clone() title=title expires_at=invite.expires_at />
                    <p><a data-testid="coord-invite-card-link" href=format!("/join/{}/card", invite.code)>"单独打开卡片（打印）Open the card alone"</a></p>
                }
            })}
            <h3>"近期邀请 Recent invites"</h3>
            <table class="table" data-testid="coord-invite-list">
                <thead><tr><th>"邀请码 Code"</th><th>"类型 Kind"</th><th>"有效至 Until"</th><th>"状态 State"</th></tr></thead>
                <tbody>
                    {move || list.get().into_iter().map(|invite| view! {
                        <tr data-testid="coord-invite-row" data-status=invite.status.clone()>
                            <td class="mono"><a href=format!("/join/{}/card", invite.code)>{invite.code.clone()}</a></td>
                            <td>{kind_zh(&invite.kind)}</td>
                            <td>{date_text(invite.expires_at)}</td>
                            <td>{invite.status_zh()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
