//! 邀请卡片 — an invite's printable card (`/join/:code/card`): the QR code with the link
//! beneath, what it joins, until when; copy, share, print on A6. The preview is public; the QR
//! code is drawn by the worker for those who may manage the invite (its group's admin, a
//! coordinator in scope), so the card asks others to log in.

use crate::components::invite_card::InviteCard;
use crate::groups_api::{self, GroupsError, InvitePreview};
use crate::pages::group_register::GroupErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InviteCardPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    a6_while_shown();
    let params = use_params_map();
    let code = params.with_untracked(|p| p.get("code").unwrap_or_default());
    let preview = RwSignal::new(None::<InvitePreview>);
    let error = RwSignal::new(None::<GroupsError>);
    spawn_local(async move {
        match groups_api::invite(code.trim()).await {
            Ok(found) => preview.set(Some(found)),
            Err(failure) => error.set(Some(failure)),
        }
    });
    view! {
        <section class="group-page invite-card-page" data-testid="invite-card-page">
            <h2 class="no-print">"邀请卡片" <small>" Invite card"</small></h2>
            <GroupErrorLine error=error />
            {move || preview.get().map(|found| {
                let title = found.title();
                view! { <InviteCard code=found.code.clone() title=title expires_at=found.expires_at /> }
            })}
            <p class="no-print"><a href="/groups">"返回团体 Back to the group"</a>" · "<a href="/coord/invites">"社区邀请 Community invites"</a></p>
        </section>
    }
}

/// The id of the `<style>` that sets the printed page to A6 while the card page is shown.
const PAGE_SIZE_STYLE: &str = "invite-card-page-size";

/// While this page is shown, paper is A6 (105 × 148 mm): a `<style>` added after `print.css`
/// (whose `@page` is A4 for every other page) and removed when the page goes. The size is in
/// millimetres because Chromium does not know the keyword `A6` (it drops the declaration and
/// prints on its default paper; e2e/invite-qr.spec.ts checks the PDF's page box).
fn a6_while_shown() {
    let document = gloo::utils::document();
    if document.get_element_by_id(PAGE_SIZE_STYLE).is_none() {
        if let (Ok(style), Some(head)) = (document.create_element("style"), document.head()) {
            style.set_id(PAGE_SIZE_STYLE);
            style.set_text_content(Some("@page { size: 105mm 148mm; margin: 6mm; }"));
            let _ = head.append_child(&style);
        }
    }
    on_cleanup(|| {
        if let Some(style) = gloo::utils::document().get_element_by_id(PAGE_SIZE_STYLE) {
            style.remove();
        }
    });
}
