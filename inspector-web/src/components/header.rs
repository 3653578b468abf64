use yew::prelude::*;

use super::status_banner::StatusBanner;
use crate::format;
use crate::state::{ConnStatus, Page};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub page: Page,
    pub status: ConnStatus,
    #[prop_or_default]
    pub endpoint: AttrValue,
    /// (seq, time_ms) of the latest snapshot.
    #[prop_or_default]
    pub latest: Option<(u64, u64)>,
    #[prop_or_default]
    pub missed: u64,
}

/// The top bar: name, the two pages, the stream's state.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let tab = |page: Page, href: &'static str, label: &'static str| {
        html! {
            <a href={href} class={classes!("tab", (props.page == page).then_some("active"))}>{ label }</a>
        }
    };
    html! {
        <header class="topbar">
            <span class="brand">{ "ringmq" }<span class="dim">{ " inspector" }</span></span>
            <nav>
                { tab(Page::Live, "#/", "Live") }
                { tab(Page::Perf, "#/perf", "Perf history") }
            </nav>
            <span class="spacer"></span>
            if let Some((seq, t)) = props.latest {
                <span class="meta" title="snapshot sequence number and time since the inspector started">
                    { format!("seq {}  ·  t {}", format::int(seq), format::clock(t)) }
                    if props.missed > 0 {
                        <span class="warn">{ format!("  ·  {} missed", format::int(props.missed)) }</span>
                    }
                </span>
            }
            <StatusBanner status={props.status.clone()} endpoint={props.endpoint.clone()} />
        </header>
    }
}
