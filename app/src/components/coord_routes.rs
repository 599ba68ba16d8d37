//! The office bundle's routes (feature `office`): the console under `/coord` and the volunteer
//! groups' pages under `/groups` and `/join`, as one transparent route component so the app's
//! route table needs a single line (`<OfficeRoutes />`; the phone bundle has an empty one in
//! [`crate::office_link`]). The console's parent route keeps its frame ([`ConsoleShell`]:
//! session check, navigation, ErrorBoundary) across page changes.

use crate::app::DeviceSession;
use crate::components::coord_shell::ConsoleShell;
use crate::pages::account_devices::AccountDevicesPage;
use crate::pages::coord_care::CoordCarePage;
use crate::pages::coord_dashboard::CoordDashboardPage;
use crate::pages::coord_due::CoordDuePage;
use crate::pages::coord_elder::CoordElderPage;
use crate::pages::coord_forms::CoordFormsPage;
use crate::pages::coord_import::CoordImportPage;
use crate::pages::coord_invites::CoordInvitesPage;
use crate::pages::coord_months::CoordMonthsPage;
use crate::pages::coord_people::CoordPeoplePage;
use crate::pages::coord_policy::CoordPolicyPage;
use crate::pages::coord_regions::CoordRegionsPage;
use crate::pages::coord_registry::CoordRegistryPage;
use crate::pages::coord_risk::CoordRiskPage;
use crate::pages::coord_surges::CoordSurgesPage;
use crate::pages::group_dashboard::GroupDashboardPage;
use crate::pages::group_home::GroupHomePage;
use crate::pages::group_join::GroupJoinPage;
use crate::pages::group_register::GroupRegisterPage;
use crate::pages::group_review::GroupReviewPage;
use crate::pages::invite_card::InviteCardPage;
use leptos::prelude::*;
use leptos_router::any_nested_route::IntoAnyNestedRoute;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::path;

/// One route component, erased (`into_any_nested_route`) so that it type-checks both with and
/// without `--cfg erase_components` (set for wasm builds in `.cargo/config.toml`), under which
/// the macro declares `AnyNestedRoute` as the return type.
#[component(transparent)]
pub fn OfficeRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/coord") view=ConsoleFrame>
            <Route path=path!("") view=CoordDashboardPage />
            <Route path=path!("elders") view=CoordRegistryPage />
            <Route path=path!("elders/:id") view=CoordElderPage />
            <Route path=path!("due") view=CoordDuePage />
            <Route path=path!("risk") view=CoordRiskPage />
            <Route path=path!("people") view=CoordPeoplePage />
            <Route path=path!("regions") view=CoordRegionsPage />
            <Route path=path!("surges") view=CoordSurgesPage />
            <Route path=path!("care") view=CoordCarePage />
            <Route path=path!("import") view=CoordImportPage />
            <Route path=path!("forms") view=CoordFormsPage />
            <Route path=path!("months") view=CoordMonthsPage />
            <Route path=path!("policy") view=CoordPolicyPage />
            <Route path=path!("invites") view=CoordInvitesPage />
        </ParentRoute>
        <ParentRoute path=path!("/groups") view=DeviceSessionOutlet>
            <Route path=path!("") view=GroupHomePage />
            <Route path=path!("register") view=GroupRegisterPage />
            <Route path=path!("dashboard") view=GroupDashboardPage />
            <Route path=path!("review") view=GroupReviewPage />
        </ParentRoute>
        <Route path=path!("/account/devices") view=|| view! { <DeviceSession><AccountDevicesPage /></DeviceSession> } />
        <ParentRoute path=path!("/join") view=DeviceSessionOutlet>
            <Route path=path!("") view=GroupJoinPage />
            <Route path=path!(":code") view=GroupJoinPage />
            <Route path=path!(":code/card") view=InviteCardPage />
        </ParentRoute>
    }
    .into_inner()
    .into_any_nested_route()
}

/// The groups' and joining pages wait for the device's stored session, as the phone's do; the
/// console ([`ConsoleFrame`]) does not.
#[component]
fn DeviceSessionOutlet() -> impl IntoView {
    view! {
        <DeviceSession>
            <Outlet />
        </DeviceSession>
    }
}

#[component]
fn ConsoleFrame() -> impl IntoView {
    view! {
        <ConsoleShell>
            <Outlet />
        </ConsoleShell>
    }
}
