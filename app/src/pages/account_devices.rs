//! `/account/devices`: my signed-in devices (office bundle, so the phone's first load stays
//! small; settings links here and the phone bundle hands the path over, see `office_link`).

use crate::components::devices::DeviceList;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn AccountDevicesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page account-devices" data-testid="devices-page">
            <h2>{i18n.tr("devices.title")}</h2>
            <DeviceList />
            <a href="/settings" class="big-button" rel="external" data-testid="devices-back">{i18n.tr("nav.back")}</a>
        </main>
    }
}
