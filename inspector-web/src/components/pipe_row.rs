use ringmq_core::snapshot::PipeSnapshot;
use yew::prelude::*;

use super::hwm_gauge::HwmGauge;
use crate::format;
use crate::state::PipeRate;

#[derive(Properties, PartialEq)]
pub struct PipeRowProps {
    pub pipe: PipeSnapshot,
    #[prop_or_default]
    pub rate: Option<PipeRate>,
}

/// One peer of a socket: who it is, both queues against their HWMs, what
/// flows, what was dropped. A mute pipe's row is marked.
#[component]
pub fn PipeRow(props: &PipeRowProps) -> Html {
    let p = &props.pipe;
    let r = props.rate.unwrap_or_default();
    let who = if p.peer_identity.is_empty() {
        p.peer_addr.clone()
    } else {
        p.peer_identity.clone()
    };
    let sub = if p.peer_identity.is_empty() {
        String::new()
    } else {
        p.peer_addr.clone()
    };
    html! {
        <tr class={classes!("pipe", p.muted.then_some("muted"))}
            data-testid={format!("pipe-{}", p.id)} data-muted={p.muted.to_string()}>
            <td class="peer">
                <span class="badge peer-type">{ p.peer_type.clone() }</span>
                if p.muted { <span class="badge mute" title="HWM reached: the pipe takes no more">{ "MUTE" }</span> }
                <span class="who" title={format!("pipe {}", p.id)}>{ who }</span>
                if !sub.is_empty() { <span class="dim small addr">{ sub }</span> }
            </td>
            <td><HwmGauge dir="out" queued={p.out_queued} hwm={p.sndhwm} muted={p.muted} /></td>
            <td><HwmGauge dir="in" queued={p.in_queued} hwm={p.rcvhwm} /></td>
            <td class="num" title={format!("{} messages out, {} in", format::int(p.msgs_out), format::int(p.msgs_in))}>
                { format::si(r.msgs_out) }<span class="dim">{ " / " }</span>{ format::si(r.msgs_in) }
            </td>
            <td class="num" title={format!("{} out, {} in in all", format::bytes(p.bytes_out as f64), format::bytes(p.bytes_in as f64))}>
                { format::bytes(r.bytes_out) }<span class="dim">{ " / " }</span>{ format::bytes(r.bytes_in) }
            </td>
            <td class={classes!("num", (p.drops_hwm > 0).then_some("warn"))}>{ format::int(p.drops_hwm) }</td>
        </tr>
    }
}
