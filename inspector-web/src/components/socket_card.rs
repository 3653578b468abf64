use ringmq_core::snapshot::SocketSnapshot;
use yew::prelude::*;

use super::drop_counters::DropCounters;
use super::endpoint_list::EndpointList;
use super::latency_plot::LatencyPlot;
use super::pipe_row::PipeRow;
use super::sparkline::Sparkline;
use crate::format;
use crate::state::{PipeRate, Series, SocketRates};

#[derive(Properties, PartialEq)]
pub struct SocketCardProps {
    pub socket: SocketSnapshot,
    #[prop_or_default]
    pub rates: SocketRates,
    /// This socket's pipes' latest rates, by pipe id.
    #[prop_or_default]
    pub pipe_rates: Vec<(String, PipeRate)>,
}

fn last(s: &Series) -> f64 {
    s.back().copied().unwrap_or(0.0)
}

/// Everything about one socket: endpoints, counters and their rates, drops
/// by cause, latency percentiles, and a row per peer.
#[component]
pub fn SocketCard(props: &SocketCardProps) -> Html {
    let s = &props.socket;
    let r = &props.rates;
    let id = s.id;
    let metric = |label: &'static str,
                  key: &'static str,
                  total: u64,
                  series: &Series,
                  class: &'static str| {
        html! {
            <div class="metric">
                <span class="label">{ label }</span>
                <b class="total" data-testid={format!("{key}-{id}")} title="total">{ format::int(total) }</b>
                <span class={classes!("rate", class)}>{ format::rate(last(series)) }</span>
                <Sparkline values={series.clone()} class={class} title={format!("{label} per second, last minute")} />
            </div>
        }
    };
    let bytes = |label: &'static str, series: &Series, class: &'static str| {
        html! {
            <div class="metric">
                <span class="label">{ label }</span>
                <span class="total dim">{ "" }</span>
                <span class={classes!("rate", class)}>{ format!("{}/s", format::bytes(last(series))) }</span>
                <Sparkline values={series.clone()} class={class} title={format!("{label} per second, last minute")} />
            </div>
        }
    };
    let any_drops = s.stats.drops_hwm
        + s.stats.drops_unroutable
        + s.stats.drops_no_subscriber
        + s.stats.drops_discarded;
    let muted = s.pipes.iter().filter(|p| p.muted).count();
    html! {
        <section class={classes!("card", "socket", (muted > 0).then_some("has-mute"))} data-testid={format!("socket-{id}")} id={format!("socket-{id}")}>
            <header class="card-head">
                <span class="badge sock-type">{ s.socket_type.clone() }</span>
                <span class="sock-id">{ format!("#{id}") }</span>
                <EndpointList endpoints={s.endpoints.clone()} />
                <span class="spacer"></span>
                <span class="peers" title={format!("attached {} · refused {} · detached {}", s.stats.attached, s.stats.refused, s.stats.detached)}>
                    { format!("{} peer{}", s.pipes.len(), if s.pipes.len() == 1 { "" } else { "s" }) }
                    if muted > 0 { <span class="badge mute">{ format!("{muted} MUTE") }</span> }
                </span>
            </header>
            <div class="card-body">
                <div class="metrics">
                    { metric("sent", "msgs-sent", s.stats.msgs_sent, &r.sent, "c-out") }
                    { metric("received", "msgs-received", s.stats.msgs_received, &r.received, "c-in") }
                    { bytes("bytes out", &r.bytes_out, "c-out") }
                    { bytes("bytes in", &r.bytes_in, "c-in") }
                    { metric("dropped", "drops-total", any_drops, &r.drops, "c-drop") }
                    <DropCounters socket_id={id} stats={s.stats} />
                </div>
                <LatencyPlot socket_id={id} send={s.send_latency.clone()} recv={s.recv_latency.clone()} />
            </div>
            if !s.pipes.is_empty() {
                <div class="table-wrap">
                <table class="pipes">
                    <colgroup>
                        <col /><col class="gauge-col" /><col class="gauge-col" /><col class="msgs-col" /><col class="bytes-col" /><col class="drops-col" />
                    </colgroup>
                    <thead>
                        <tr>
                            <th>{ "peer" }</th><th>{ "out / SNDHWM" }</th><th>{ "in / RCVHWM" }</th>
                            <th class="num">{ "msg/s out / in" }</th><th class="num">{ "bytes/s out / in" }</th><th class="num">{ "HWM drops" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for s.pipes.iter().map(|p| {
                            let rate = props.pipe_rates.iter().find(|(pid, _)| pid == &p.id).map(|(_, r)| *r);
                            html! { <PipeRow key={p.id.clone()} pipe={p.clone()} rate={rate} /> }
                        }) }
                    </tbody>
                </table>
                </div>
            }
        </section>
    }
}
