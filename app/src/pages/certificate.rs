//! Printable certificate of volunteer hours for students (在校生志愿服务计学分). Uses the
//! print stylesheet (`styles/print.css`): navigation and sync bar are hidden on paper.

use crate::clock;
use crate::i18n::use_i18n;
use crate::pages::my_hours::{load_hours, HoursTable};
use crate::sync::use_sync;
use leptos::prelude::*;

#[component]
pub fn CertificatePage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = sync.session.get_untracked().unwrap_or_default();
    let user_id = session.user_id.clone();
    let rows = LocalResource::new(move || load_hours(user_id.clone()));
    let print = move |_| {
        let _ = gloo::utils::window().print();
    };
    view! {
        <article class="certificate" data-testid="certificate-page">
            <h2 class="certificate-title">{i18n.tr("cert.title")}</h2>
            <p>{i18n.tr("cert.body")}</p>
            <dl class="facts">
                <dt>{i18n.tr("cert.volunteer")}</dt>
                <dd data-testid="certificate-name">{session.name.clone()}</dd>
                <dt>{i18n.tr("cert.account")}</dt>
                <dd>{session.login.clone()}</dd>
            </dl>
            <Suspense fallback=|| ()>
                {move || rows.get().map(|result| result.map(|rows| view! { <HoursTable rows=rows /> }))}
            </Suspense>
            <div class="certificate-sign">
                <p>{i18n.tr("cert.stamp")}</p>
                <p>{move || format!("{}: {}", i18n.t("cert.issued"), clock::today())}</p>
            </div>
            <button type="button" class="big-button primary no-print" data-testid="certificate-print" on:click=print>
                {i18n.tr("cert.print")}
            </button>
        </article>
    }
}
