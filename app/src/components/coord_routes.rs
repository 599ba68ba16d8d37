//! The console's routes under `/coord`, as one transparent route component so the app's route
//! table needs a single line (`<ConsoleRoutes />`). The parent route keeps the console frame
//! ([`ConsoleShell`]: session check, navigation, ErrorBoundary) across page changes.

use crate::components::coord_shell::ConsoleShell;
use crate::pages::coord_care::CoordCarePage;
use crate::pages::coord_dashboard::CoordDashboardPage;
use crate::pages::coord_due::CoordDuePage;
use crate::pages::coord_elder::CoordElderPage;
use crate::pages::coord_forms::CoordFormsPage;
use crate::pages::coord_import::CoordImportPage;
use crate::pages::coord_people::CoordPeoplePage;
use crate::pages::coord_regions::CoordRegionsPage;
use crate::pages::coord_registry::CoordRegistryPage;
use crate::pages::coord_surges::CoordSurgesPage;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{path, MatchNestedRoutes};

#[component(transparent)]
pub fn ConsoleRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/coord") view=ConsoleFrame>
            <Route path=path!("") view=CoordDashboardPage />
            <Route path=path!("elders") view=CoordRegistryPage />
            <Route path=path!("elders/:id") view=CoordElderPage />
            <Route path=path!("due") view=CoordDuePage />
            <Route path=path!("people") view=CoordPeoplePage />
            <Route path=path!("regions") view=CoordRegionsPage />
            <Route path=path!("surges") view=CoordSurgesPage />
            <Route path=path!("care") view=CoordCarePage />
            <Route path=path!("import") view=CoordImportPage />
            <Route path=path!("forms") view=CoordFormsPage />
        </ParentRoute>
    }
    .into_inner()
}

#[component]
fn ConsoleFrame() -> impl IntoView {
    view! {
        <ConsoleShell>
            <Outlet />
        </ConsoleShell>
    }
}
