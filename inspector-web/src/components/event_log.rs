use std::collections::VecDeque;
use std::rc::Rc;

use ringmq_core::snapshot::EventRecord;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Oldest first.
    pub events: Rc<VecDeque<EventRecord>>,
    /// (socket id, socket type) to name sockets.
    #[prop_or_default]
    pub sockets: Vec<(u64, String)>,
}

/// Shown at most; older events stay in the state.
const SHOWN: usize = 200;

fn severity(kind: &str) -> &'static str {
    match kind {
        "handshake_failed" | "accept_failed" | "bind_failed" => "bad",
        "disconnected" | "connect_retried" | "closed" | "connect_delayed" => "meh",
        _ => "good",
    }
}

/// Connection events, newest first.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let name = |id: u64| {
        props
            .sockets
            .iter()
            .find(|(s, _)| *s == id)
            .map_or(format!("#{id}"), |(_, t)| format!("#{id} {t}"))
    };
    html! {
        <div class="event-log" data-testid="event-log">
            if props.events.is_empty() {
                <div class="dim empty">{ "no events yet" }</div>
            } else {
                <table>
                    <colgroup><col class="t" /><col class="sock" /><col class="kind" /><col /></colgroup>
                    <tbody>
                        { for props.events.iter().rev().take(SHOWN).map(|e| html! {
                            <tr class={format!("ev ev-{}", severity(&e.kind))}>
                                <td class="t">{ format::clock(e.time_ms) }</td>
                                <td class="sock">{ name(e.socket_id) }</td>
                                <td class="kind">{ e.kind.replace('_', " ") }</td>
                                <td class="ep" title={e.detail.clone()}>
                                    { e.endpoint.clone() }
                                    if !e.detail.is_empty() { <span class="dim">{ format!(" — {}", e.detail) }</span> }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
