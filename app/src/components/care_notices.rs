//! In-app notices of the care loop (issue 9) on the volunteer's Today screen: device alerts
//! for the elders they are responsible for (and, for coordinators, emergencies), from the last
//! three days. Online only: offline, or when the server cannot be reached, nothing is shown and
//! nothing is stored on the phone.

use crate::care_api::{self, Notice};
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::components::A;

/// Notices older than this are not shown.
const RECENT_MS: i64 = 3 * 24 * 3600 * 1000;
const MAX_SHOWN: usize = 5;

fn recent(notices: Vec<Notice>, now_ms: i64) -> Vec<Notice> {
    notices
        .into_iter()
        .filter(|n| now_ms - n.created_at <= RECENT_MS)
        .take(MAX_SHOWN)
        .collect()
}

#[component]
pub fn CareNotices() -> impl IntoView {
    let sync = use_sync();
    let notices = LocalResource::new(move || {
        sync.revision.track();
        async move {
            let now_ms = crate::clock::now_utc().timestamp_millis();
            care_api::notifications()
                .await
                .map(|list| recent(list, now_ms))
                .unwrap_or_default()
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                notices.get().filter(|list| !list.is_empty()).map(|list| view! {
                    <section class="care-notices" role="status" data-testid="care-notices">
                        <h3>"🔔 提醒"</h3>
                        <ul>
                            {list.into_iter().map(|notice| view! {
                                <li data-testid="care-notice" data-elder=notice.elder_id.clone()>
                                    <A href=format!("/elder/{}", notice.elder_id)>
                                        <strong>{notice.subject.clone()}</strong>
                                    </A>
                                    <span>{format!(" {}", notice.body)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            }}
        </Suspense>
    }
}
