//! The invite card (issue 17): an invite's QR code with its link beneath, what it joins and
//! until when, and buttons to copy the link, share it (Web Share where the browser has it) and
//! print the card on A6 (`styles/invite-card.css`: `@page invite-card { size: A6 }`).
//!
//! Design decisions: the QR code is an SVG drawn by the worker (`GET /api/invites/:code/qr.svg`,
//! see `worker/src/handlers/invites.rs` for why it is not drawn here) and shown with a plain
//! `<img>`; this component is office-only (feature `office`), so the phone bundle carries none
//! of it. Clipboard and Web Share are reached through `js_sys::Reflect`, so no `web-sys`
//! feature is added for two calls.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

/// Adds the invite card's stylesheet once.
pub fn ensure_stylesheet() {
    crate::styles::add_once("invite-card-css", "invite-card.css");
}

/// The absolute join link of an invite code, on this origin.
pub fn join_link(code: &str) -> String {
    let origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    format!("{origin}/join/{code}")
}

/// A date in China's calendar (yyyy/m/d), from Unix milliseconds.
pub fn date_text(ms: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    date.to_locale_date_string("zh-CN", &JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

/// `navigator[name]` when it is a function, with `navigator` as `this`.
fn navigator_method(target: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
}

fn navigator() -> JsValue {
    gloo::utils::window().navigator().into()
}

async fn copy_text(text: &str) -> bool {
    let Some(clipboard) = js_sys::Reflect::get(&navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined())
    else {
        return false;
    };
    let Some(write) = navigator_method(&clipboard, "writeText") else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(promise) => match promise.dyn_into::<js_sys::Promise>() {
            Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

fn can_share() -> bool {
    navigator_method(&navigator(), "share").is_some()
}

async fn share(title: &str, link: &str) -> bool {
    let Some(share) = navigator_method(&navigator(), "share") else {
        return false;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"title".into(), &JsValue::from_str(title));
    let _ = js_sys::Reflect::set(&data, &"text".into(), &JsValue::from_str(title));
    let _ = js_sys::Reflect::set(&data, &"url".into(), &JsValue::from_str(link));
    match share.call1(&navigator(), &data) {
        Ok(promise) => match promise.dyn_into::<js_sys::Promise>() {
            Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

/// The card: `title` says what the code joins (e.g. "加入：和平爱心企业志愿队（企业）").
#[component]
pub fn InviteCard(code: String, title: String, expires_at: i64) -> impl IntoView {
    ensure_stylesheet();
    let link = join_link(&code);
    let qr_src = format!("/api/invites/{code}/qr.svg");
    let qr_failed = RwSignal::new(false);
    let note = RwSignal::new(None::<&'static str>);
    let copy = {
        let link = link.clone();
        move |_| {
            let link = link.clone();
            spawn_local(async move {
                note.set(Some(if copy_text(&link).await {
                    "链接已复制 Link copied"
                } else {
                    "无法复制，请长按链接复制 Could not copy: press and hold the link"
                }));
            });
        }
    };
    let share_click = {
        let (title, link) = (title.clone(), link.clone());
        move |_| {
            let (title, link) = (title.clone(), link.clone());
            spawn_local(async move {
                if share(&title, &link).await {
                    note.set(Some("已分享 Shared"));
                }
            });
        }
    };
    let alt = format!("邀请二维码，扫码打开 {link} QR code of the invite link");
    view! {
        <article class="invite-card" data-testid="invite-card" data-code=code.clone()>
            <p class="invite-card-brand">"探访 · 特殊困难老年人探访关爱"</p>
            <h3 class="invite-card-title" data-testid="invite-card-title">{title.clone()}</h3>
            <Show
                when=move || !qr_failed.get()
                fallback=|| view! {
                    <p class="error-line" role="alert" data-testid="invite-qr-error">
                        "二维码只对创建该邀请的团体管理员或协调员显示，请先登录。The QR code is shown to the group's admin or a coordinator: please log in."
                    </p>
                }
            >
                <img class="invite-qr" data-testid="invite-qr" src=qr_src.clone() alt=alt.clone()
                    width="240" height="240" on:error=move |_| qr_failed.set(true) />
            </Show>
            <p class="invite-card-scan">"微信或手机相机扫码，用短信验证码登录并加入 Scan, sign in with an SMS code and join"</p>
            <p class="invite-link mono" data-testid="invite-link">{link.clone()}</p>
            <p class="invite-card-code">"邀请码 Code " <strong class="mono" data-testid="invite-code">{code.clone()}</strong>
                {format!(" · {} 前有效，限用一次 Valid until {}, single use", date_text(expires_at), date_text(expires_at))}</p>
            <div class="invite-card-actions no-print">
                <button type="button" class="button" data-testid="invite-copy" on:click=copy>"复制链接 Copy link"</button>
                <Show when=can_share>
                    <button type="button" class="button" data-testid="invite-share" on:click=share_click.clone()>"分享 Share"</button>
                </Show>
                <button type="button" class="button" data-testid="invite-print"
                    on:click=move |_| { let _ = gloo::utils::window().print(); }>"打印卡片 Print (A6)"</button>
            </div>
            <p class="success no-print" role="status" data-testid="invite-note">{move || note.get()}</p>
        </article>
    }
}
