use std::rc::Rc;

use ringmq_core::snapshot::Snapshot;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub snapshot: Rc<Snapshot>,
}

const ROW: f64 = 22.0;
const W: f64 = 420.0;
const SOCK_X: f64 = 6.0;
const SOCK_W: f64 = 118.0;
const PIPE_X: f64 = 196.0;
const PIPE_W: f64 = 34.0;
const PEER_X: f64 = 270.0;
const PEER_W: f64 = 144.0;

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{t}…")
    }
}

/// Socket ↔ pipe ↔ peer. Each pipe is a small queue whose fill is the fuller
/// of its two directions against their HWMs; a mute pipe is red.
#[component]
pub fn Topology(props: &TopologyProps) -> Html {
    let mut row = 0.0;
    let mut nodes = Vec::new();
    for s in &props.snapshot.sockets {
        let rows = s.pipes.len().max(1) as f64;
        let top = row * ROW + 4.0;
        let h = rows * ROW - 6.0;
        let cy = top + h / 2.0;
        let sock = html! {
            <g class="topo-socket">
                <rect x={SOCK_X.to_string()} y={top.to_string()} width={SOCK_W.to_string()} height={h.to_string()} rx="3" />
                <text x={(SOCK_X + 7.0).to_string()} y={(cy + 4.0).to_string()}>
                    <tspan class="type">{ s.socket_type.clone() }</tspan>
                    <tspan class="dim">{ format!(" #{}", s.id) }</tspan>
                </text>
                <title>{ s.endpoints.iter().map(|e| format!("{} {}", e.kind, e.endpoint)).collect::<Vec<_>>().join("\n") }</title>
            </g>
        };
        nodes.push(sock);
        for (i, p) in s.pipes.iter().enumerate() {
            let py = (row + i as f64) * ROW + ROW / 2.0 + 1.0;
            let frac = |q: u64, hwm: u64| {
                if hwm == 0 {
                    0.0
                } else {
                    (q as f64 / hwm as f64).min(1.0)
                }
            };
            let fill = frac(p.out_queued, p.sndhwm).max(frac(p.in_queued, p.rcvhwm));
            let link = format!(
                "M{:.1},{:.1}C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                SOCK_X + SOCK_W,
                cy,
                SOCK_X + SOCK_W + 40.0,
                cy,
                PIPE_X - 40.0,
                py,
                PIPE_X,
                py
            );
            let peer = if p.peer_identity.is_empty() {
                p.peer_addr.clone()
            } else {
                p.peer_identity.clone()
            };
            nodes.push(html! {
                <g class={classes!("topo-pipe", p.muted.then_some("muted"))} data-testid={format!("topo-pipe-{}", p.id)}>
                    <path class="link" d={link} />
                    <line class="link" x1={(PIPE_X + PIPE_W).to_string()} x2={PEER_X.to_string()} y1={py.to_string()} y2={py.to_string()} />
                    <rect class="queue" x={PIPE_X.to_string()} y={(py - 6.0).to_string()} width={PIPE_W.to_string()} height="12" rx="2" />
                    <rect class="queue-fill" x={PIPE_X.to_string()} y={(py - 6.0).to_string()} width={(PIPE_W * fill).to_string()} height="12" rx="2" />
                    <rect class="peer" x={PEER_X.to_string()} y={(py - 8.0).to_string()} width={PEER_W.to_string()} height="16" rx="8" />
                    <text x={(PEER_X + 8.0).to_string()} y={(py + 4.0).to_string()}>
                        <tspan class="type">{ p.peer_type.clone() }</tspan>
                        <tspan class="dim">{ format!(" {}", clip(&peer, 17)) }</tspan>
                    </text>
                    <title>{ format!(
                        "pipe {}{}\nout {}/{} · in {}/{}\npeer {} {} {}",
                        p.id, if p.muted { " (MUTE)" } else { "" }, p.out_queued, p.sndhwm, p.in_queued, p.rcvhwm,
                        p.peer_type, p.peer_identity, p.peer_addr
                    ) }</title>
                </g>
            });
        }
        row += rows;
    }
    let h = (row * ROW + 6.0).max(30.0);
    html! {
        <svg class="topology" data-testid="topology" width="100%" viewBox={format!("0 0 {W} {h}")} height={h.to_string()}>
            { for nodes }
            if props.snapshot.sockets.is_empty() {
                <text x="10" y="20" class="dim">{ "no sockets" }</text>
            }
        </svg>
    }
}
