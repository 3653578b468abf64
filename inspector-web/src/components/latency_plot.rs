use ringmq_core::snapshot::LatencySnapshot;
use yew::prelude::*;

use crate::format;
use crate::plot::{log_domain, log_ticks, path, percentile_x, Scale};

#[derive(Properties, PartialEq)]
pub struct LatencyPlotProps {
    pub socket_id: u64,
    #[prop_or_default]
    pub send: Option<LatencySnapshot>,
    #[prop_or_default]
    pub recv: Option<LatencySnapshot>,
}

const W: f64 = 330.0;
const H: f64 = 160.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 20.0;

/// The x ticks of HdrHistogram's percentile plot.
const X_TICKS: [f64; 6] = [0.0, 90.0, 99.0, 99.9, 99.99, 99.999];

/// The value at percentile `p`: the first point at or above it.
pub fn value_at(l: &LatencySnapshot, p: f64) -> Option<f64> {
    l.percentiles
        .iter()
        .find(|(q, _)| *q >= p - 1e-9)
        .map(|(_, v)| *v)
}

/// HdrHistogram's percentile plot: x is log10(1/(1-p)) so the tail gets
/// room (90 %, 99 %, 99.9 % … evenly spaced), y is µs on a log scale.
#[component]
pub fn LatencyPlot(props: &LatencyPlotProps) -> Html {
    let curves: Vec<(&'static str, &LatencySnapshot)> =
        [("send", &props.send), ("recv", &props.recv)]
            .into_iter()
            .filter_map(|(k, l)| {
                l.as_ref()
                    .filter(|l| !l.percentiles.is_empty())
                    .map(|l| (k, l))
            })
            .collect();
    let testid = format!("latency-plot-{}", props.socket_id);
    if curves.is_empty() {
        return html! {
            <svg class="latency empty" data-testid={testid} width={W.to_string()} height="40" viewBox={format!("0 0 {W} 40")}>
                <text x={(W / 2.0).to_string()} y="24" text-anchor="middle" class="dim">{ "no latency samples" }</text>
            </svg>
        };
    }
    let finite = |p: f64| p < 100.0;
    let max_x = curves
        .iter()
        .flat_map(|(_, l)| {
            l.percentiles
                .iter()
                .filter(|(p, _)| finite(*p))
                .map(|(p, _)| percentile_x(*p))
        })
        .fold(4.0, f64::max)
        .ceil()
        .min(6.0);
    let (lo, hi) = curves
        .iter()
        .flat_map(|(_, l)| l.percentiles.iter().map(|(_, v)| *v))
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (if v > 0.0 { lo.min(v) } else { lo }, hi.max(v))
        });
    let (y0, y1) = log_domain(if lo.is_finite() { lo } else { 1.0 }, hi);
    let xs = Scale::linear((0.0, max_x), (LEFT, W - RIGHT));
    let ys = Scale::log((y0, y1), (H - BOTTOM, TOP));

    let grid_x = X_TICKS.iter().filter(|p| percentile_x(**p) <= max_x + 1e-9).map(|p| {
        let x = xs.map(percentile_x(*p));
        let label = if *p == 0.0 { "0%".to_string() } else { format::percentile(*p) };
        html! {
            <g>
                <line class="grid" x1={x.to_string()} x2={x.to_string()} y1={TOP.to_string()} y2={(H - BOTTOM).to_string()} />
                <text class="tick" x={x.to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{ label }</text>
            </g>
        }
    });
    let grid_y = log_ticks(y0, y1).into_iter().map(|v| {
        let y = ys.map(v);
        html! {
            <g>
                <line class="grid" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(y + 3.0).to_string()} text-anchor="end">{ format::micros(v) }</text>
            </g>
        }
    });
    let lines = curves.iter().map(|(kind, l)| {
        let d = path(l.percentiles.iter().filter(|(p, v)| finite(*p) && *v > 0.0).map(|(p, v)| Some((xs.map(percentile_x(*p)), ys.map(*v)))));
        let max_y = ys.map(l.max_us.max(y0));
        html! {
            <g class={format!("curve c-{kind}")}>
                <path class="line" d={d}><title>{ format!("{kind} latency by percentile") }</title></path>
                <line class="max" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={max_y.to_string()} y2={max_y.to_string()}>
                    <title>{ format!("{kind} max {}", format::micros(l.max_us)) }</title>
                </line>
            </g>
        }
    });
    let summary = curves.iter().map(|(kind, l)| {
        let v = |p| value_at(l, p).map_or("–".to_string(), format::micros);
        html! {
            <div class={format!("lat-row c-{kind}")}>
                <span class="key" title={format!("{} samples, mean {}", format::int(l.count), format::micros(l.mean_us))}>{ *kind }</span>
                <span>{ format!("p50 {}", v(50.0)) }</span>
                <span>{ format!("p99 {}", v(99.0)) }</span>
                <span>{ format!("p99.9 {}", v(99.9)) }</span>
                <span>{ format!("max {}", format::micros(l.max_us)) }</span>
            </div>
        }
    });
    html! {
        <div class="latency-block">
            <svg class="latency" data-testid={testid} width={W.to_string()} height={H.to_string()} viewBox={format!("0 0 {W} {H}")}>
                { for grid_x }
                { for grid_y }
                { for lines }
            </svg>
            <div class="lat-summary">{ for summary }</div>
        </div>
    }
}
