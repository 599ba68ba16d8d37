//! The region tree the coordinator governs: districts › streets/towns › communities/villages,
//! each with its 12-digit code (统计用区划代码).

use crate::components::coord_shell::ConsoleTitle;
use crate::components::coord_text::ct;
use crate::console_api::{self, ConsoleError, RegionNode};
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn CoordRegionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let regions = LocalResource::new(console_api::regions);
    view! {
        <section class="console-page regions" data-testid="coord-regions">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "regions.title")) testid="regions-title" />
            <Suspense fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let roots = regions.await?;
                    Ok::<_, ConsoleError>(view! { <ul class="region-tree" data-testid="region-tree">{roots.into_iter().map(|node| view! { <RegionItem node=node /> }).collect_view()}</ul> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RegionItem(node: RegionNode) -> impl IntoView {
    let children = node.children.clone();
    let has_children = !children.is_empty();
    let level_class = format!("level-{}", node.level);
    view! {
        <li class=level_class data-testid="region-node" data-code=node.code.clone() data-level=node.level.clone()>
            <span class="region-name">{node.name.clone()}</span>
            " "
            <code class="region-code">{node.code.clone()}</code>
            {has_children.then(|| view! {
                <ul>{children.into_iter().map(|child| view! { <RegionItem node=child /> }.into_any()).collect_view()}</ul>
            })}
        </li>
    }
}
