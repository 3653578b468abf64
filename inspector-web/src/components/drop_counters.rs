use ringmq_core::snapshot::SocketCounters;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct DropCountersProps {
    pub socket_id: u64,
    pub stats: SocketCounters,
}

/// Drops by cause; a cause that has dropped anything stands out.
#[component]
pub fn DropCounters(props: &DropCountersProps) -> Html {
    let s = &props.stats;
    let id = props.socket_id;
    let item = |label: &'static str, key: &'static str, v: u64, why: &'static str| {
        html! {
            <span class={classes!("drop", (v > 0).then_some("nonzero"))} title={why}>
                <span class="dim">{ label }</span>
                <b data-testid={format!("drops-{key}-{id}")}>{ format::int(v) }</b>
            </span>
        }
    };
    html! {
        <div class="drops">
            { item("HWM", "hwm", s.drops_hwm, "messages or copies dropped at a mute pipe") }
            { item("unroutable", "unroutable", s.drops_unroutable, "ROUTER messages to no connected peer") }
            { item("no subscriber", "no-subscriber", s.drops_no_subscriber, "messages no subscription matched") }
            { item("discarded", "discarded", s.drops_discarded, "replies to gone peers, unexpected or malformed messages") }
        </div>
    }
}
