use std::collections::BTreeMap;

use ringmq_core::snapshot::IoThreadSnapshot;
use yew::prelude::*;

use super::sparkline::Sparkline;
use crate::format;
use crate::state::ThreadRates;

#[derive(Properties, PartialEq)]
pub struct EngineStatsProps {
    pub threads: Vec<IoThreadSnapshot>,
    #[prop_or_default]
    pub rates: BTreeMap<u32, ThreadRates>,
}

/// The engine per I/O thread: its backend (io_uring or epoll), its spin
/// budget (how long it polls before sleeping) and how often a spin found
/// work, how well
/// submissions batch (SQEs per io_uring_enter; on epoll, operations per
/// epoll_wait), how much each wake-up reaps, buffer-ring exhaustion.
#[component]
pub fn EngineStats(props: &EngineStatsProps) -> Html {
    let opt = |v: Option<f64>| v.map_or("–".to_string(), format::sig3);
    html! {
        <div class="engine-stats" data-testid="engine-stats">
            if props.threads.is_empty() {
                <div class="dim empty">{ "no I/O threads" }</div>
            } else {
                <table>
                    <thead>
                        <tr>
                            <th title="an I/O thread, or in inline mode (RINGMQ_ENGINE=inline) the engine of one socket, driven by the threads that call it">{ "thread" }</th>
                            <th title="the kernel interface the thread drives: io_uring, or epoll where io_uring is blocked">{ "backend" }</th>
                            <th title="how long the thread polls for work before it sleeps (RINGMQ_SPIN_US); off: it sleeps at once">{ "spin" }</th>
                            <th class="num" title="io_uring_enter calls per second">{ "submits/s" }</th>
                            <th class="num" title="SQEs per io_uring_enter: now (last interval) and overall">{ "SQEs/submit" }</th>
                            <th class="num" title="CQEs per loop turn: now / overall">{ "CQEs/wake" }</th>
                            <th class="num" title="the most CQEs handled in one wake-up">{ "max" }</th>
                            <th class="num" title="multishot receives that ran out of provided buffers">{ "ENOBUFS" }</th>
                            <th class="num">{ "conns" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for props.threads.iter().map(|t| {
                            let r = props.rates.get(&t.index).cloned().unwrap_or_default();
                            html! {
                                <tr data-testid={format!("io-thread-{}", t.index)}>
                                    <td data-testid={format!("io-name-{}", t.index)}>{ thread_label(t) }</td>
                                    <td data-testid={format!("io-backend-{}", t.index)}>{ t.backend.name() }</td>
                                    <td data-testid={format!("io-spin-{}", t.index)} title={spin_title(t)}>{ spin_label(t) }</td>
                                    <td class="num spark-cell">
                                        <Sparkline values={r.submits.clone()} width={40.0} height={14.0} class="c-io" title="submits per second" />
                                        { format::si(r.submits.back().copied().unwrap_or(0.0)) }
                                    </td>
                                    <td class="num" title={format!("{} SQEs in {} submits", format::int(t.sqes_submitted), format::int(t.submit_calls))}>
                                        <b>{ opt(r.sqes_per_submit) }</b><span class="dim">{ format!(" / {}", format::ratio(t.sqes_submitted, t.submit_calls)) }</span>
                                    </td>
                                    <td class="num" title={format!("{} CQEs in {} loop turns; at most {} in one wake-up", format::int(t.cqes_reaped), format::int(t.loop_turns), t.max_cqes_per_wake)}>
                                        <b>{ opt(r.cqes_per_turn) }</b><span class="dim">{ format!(" / {}", format::ratio(t.cqes_reaped, t.loop_turns)) }</span>
                                    </td>
                                    <td class="num">{ format::int(t.max_cqes_per_wake) }</td>
                                    <td class={classes!("num", (t.enobufs > 0).then_some("warn"))} title={format!("{} provided buffers in the ring", format::int(t.buffers_total))}>
                                        { format::int(t.enobufs) }<span class="dim">{ format!(" /{}", format::int(t.buffers_total)) }</span>
                                    </td>
                                    <td class="num">{ format::int(t.connections) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

/// `off`, or the budget: `50 µs`, `auto ≤20 µs` for the adaptive one.
fn spin_label(t: &IoThreadSnapshot) -> String {
    if t.spin_us == 0 {
        "off".to_string()
    } else if t.spin_adaptive {
        format!("auto ≤{} µs", format::int(t.spin_us))
    } else {
        format!("{} µs", format::int(t.spin_us))
    }
}

/// How the spins went: the share that found work before the budget ran out.
fn spin_title(t: &IoThreadSnapshot) -> String {
    if t.spin_us == 0 {
        return "no spin budget: the thread sleeps in the kernel as soon as it has nothing to do"
            .to_string();
    }
    let policy = if t.spin_adaptive {
        " (adaptive: it stops spinning while its spins find nothing)"
    } else {
        ""
    };
    format!(
        "{} spins found work, {} ran out and slept{policy}",
        format::int(t.spin_hits),
        format::int(t.spin_misses)
    )
}

/// `io-0` for an I/O thread; `socket 3 inline` for an inline socket's own
/// engine.
pub fn thread_label(t: &IoThreadSnapshot) -> String {
    match t.socket {
        Some(id) => format!("socket {id} inline"),
        None => format!("io-{}", t.index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_engine_is_named_by_its_socket() {
        let mut t = IoThreadSnapshot {
            index: 2,
            ..Default::default()
        };
        assert_eq!(thread_label(&t), "io-2");
        t.socket = Some(7);
        assert_eq!(thread_label(&t), "socket 7 inline");
    }
}
