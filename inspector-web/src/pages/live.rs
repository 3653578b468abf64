use ringmq_core::snapshot::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

use crate::components::engine_stats::EngineStats;
use crate::components::event_log::EventLog;
use crate::components::socket_card::SocketCard;
use crate::components::topology::Topology;
use crate::format;
use crate::state::{AppContext, ConnStatus};

/// Sockets on the left, the process-wide views on the right.
#[component]
pub fn LivePage() -> Html {
    let state = use_context::<AppContext>().expect("LivePage needs the AppContext");
    let snap = state
        .snapshot
        .clone()
        .unwrap_or_else(|| Rc::new(Snapshot::default()));
    let stale = matches!(state.status, ConnStatus::Disconnected { .. });
    let last = |s: &crate::state::Series| s.back().copied().unwrap_or(0.0);
    let (out, inp, drops) = state
        .socket_rates
        .values()
        .fold((0.0, 0.0, 0.0), |(a, b, c), r| {
            (a + last(&r.sent), b + last(&r.received), c + last(&r.drops))
        });
    let peers: usize = snap.sockets.iter().map(|s| s.pipes.len()).sum();
    let muted: usize = snap
        .sockets
        .iter()
        .flat_map(|s| &s.pipes)
        .filter(|p| p.muted)
        .count();
    let sockets: Vec<(u64, String)> = snap
        .sockets
        .iter()
        .map(|s| (s.id, s.socket_type.clone()))
        .collect();
    html! {
        <main class={classes!("live", stale.then_some("stale"))}>
            <div class="col-main">
                <div class="summary">
                    <span><b>{ snap.sockets.len() }</b>{ " sockets" }</span>
                    <span><b>{ peers }</b>{ " peers" }</span>
                    <span class="c-out"><b>{ format::rate(out) }</b>{ " sent" }</span>
                    <span class="c-in"><b>{ format::rate(inp) }</b>{ " received" }</span>
                    <span class={classes!((drops > 0.0).then_some("warn"))}><b>{ format::rate(drops) }</b>{ " dropped" }</span>
                    if muted > 0 { <span class="warn"><b>{ muted }</b>{ " mute pipes" }</span> }
                </div>
                if state.snapshot.is_none() {
                    <div class="card waiting">{ "waiting for the first snapshot…" }</div>
                }
                <div class="sockets" data-testid="socket-list">
                    { for snap.sockets.iter().map(|s| {
                        let rates = state.socket_rates.get(&s.id).cloned().unwrap_or_default();
                        let pipe_rates = state
                            .pipe_rates
                            .range((s.id, String::new())..)
                            .take_while(|((sid, _), _)| *sid == s.id)
                            .map(|((_, pid), r)| (pid.clone(), *r))
                            .collect::<Vec<_>>();
                        html! { <SocketCard key={s.id} socket={s.clone()} rates={rates} pipe_rates={pipe_rates} /> }
                    }) }
                </div>
            </div>
            <aside class="col-side">
                <section class="card">
                    <h2>{ "Topology" }<span class="dim">{ " socket ↔ pipe ↔ peer" }</span></h2>
                    <Topology snapshot={snap.clone()} />
                </section>
                <section class="card">
                    <h2>{ "Engine" }<span class="dim">{ " per I/O thread · now / overall" }</span></h2>
                    <EngineStats threads={snap.io_threads.clone()} rates={state.thread_rates.clone()} />
                </section>
                <section class="card grow">
                    <h2>{ "Events" }<span class="dim">{ format!(" {} kept", state.events.len()) }</span></h2>
                    <EventLog events={state.events.clone()} sockets={sockets} />
                </section>
            </aside>
        </main>
    }
}
