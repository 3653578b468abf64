use yew::prelude::*;

use crate::format;
use crate::plot::{linear_ticks, log_domain, log_ticks, path, Scale};

/// One line of a chart: a value per commit, `None` where not measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    pub label: String,
    /// CSS colour class, one per implementation.
    pub class: String,
    /// Stroke dash pattern ("" for solid), one per percentile.
    pub dash: &'static str,
    pub points: Vec<Option<f64>>,
}

/// What the y axis measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// msg/s, linear from zero (log when the series are far apart).
    Rate,
    /// µs, logarithmic.
    Micros,
}

#[derive(Properties, PartialEq)]
pub struct PerfChartProps {
    pub title: AttrValue,
    /// Short commit ids, oldest first.
    pub commits: Vec<String>,
    pub series: Vec<ChartSeries>,
    pub unit: Unit,
}

const W: f64 = 520.0;
const H: f64 = 170.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 34.0;

/// A figure by commit, one line per series; hover a point for its value.
#[component]
pub fn PerfChart(props: &PerfChartProps) -> Html {
    let values: Vec<f64> = props
        .series
        .iter()
        .flat_map(|s| s.points.iter().flatten().copied())
        .collect();
    if values.is_empty() || props.commits.is_empty() {
        return html! {};
    }
    let n = props.commits.len();
    let xs = Scale::linear((0.0, (n.max(2) - 1) as f64), (LEFT + 6.0, W - RIGHT - 6.0));
    let hi = values.iter().cloned().fold(0.0, f64::max);
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let (ys, ticks, fmt): (Scale, Vec<f64>, fn(f64) -> String) = match props.unit {
        // Linear from zero unless a baseline (raw TCP, say) is more than
        // 20× the rest: then log, so the others are not flattened to zero.
        Unit::Rate if lo > 0.0 && hi / lo <= 20.0 => {
            let ticks = linear_ticks(0.0, hi * 1.08, 4);
            let top = ticks.last().copied().unwrap_or(hi).max(hi);
            (
                Scale::linear((0.0, top), (H - BOTTOM, TOP)),
                ticks,
                format::si,
            )
        }
        Unit::Rate => {
            let (a, b) = log_domain(lo, hi);
            (
                Scale::log((a, b), (H - BOTTOM, TOP)),
                log_ticks(a, b),
                format::si,
            )
        }
        Unit::Micros => {
            let (a, b) = log_domain(lo, hi);
            (
                Scale::log((a, b), (H - BOTTOM, TOP)),
                log_ticks(a, b),
                format::micros,
            )
        }
    };
    let every = n.div_ceil(12).max(1);
    html! {
        <svg class="perf-chart" width="100%" viewBox={format!("0 0 {W} {H}")}>
            <text class="chart-title" x={LEFT.to_string()} y="12">{ props.title.clone() }</text>
            { for ticks.iter().map(|v| {
                let y = ys.map(*v);
                html! {
                    <g>
                        <line class="grid" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                        <text class="tick" x={(LEFT - 4.0).to_string()} y={(y + 3.0).to_string()} text-anchor="end">{ fmt(*v) }</text>
                    </g>
                }
            }) }
            { for props.commits.iter().enumerate().filter(|(i, _)| i % every == 0 || *i == n - 1).map(|(i, c)| {
                let x = xs.map(i as f64);
                html! {
                    <text class="tick commit" x={x.to_string()} y={(H - BOTTOM + 12.0).to_string()}
                          transform={format!("rotate(-30 {x:.1} {:.1})", H - BOTTOM + 12.0)} text-anchor="end">{ c.clone() }</text>
                }
            }) }
            { for props.series.iter().map(|s| {
                let d = path(s.points.iter().enumerate().map(|(i, v)| v.map(|v| (xs.map(i as f64), ys.map(v)))));
                html! {
                    <g class={classes!("series", s.class.clone())}>
                        <path class="line" d={d} stroke-dasharray={s.dash} />
                        { for s.points.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).map(|(i, v)| html! {
                            <circle cx={xs.map(i as f64).to_string()} cy={ys.map(v).to_string()} r="2.2">
                                <title>{ format!("{} @ {}: {}", s.label, props.commits[i], fmt(v)) }</title>
                            </circle>
                        }) }
                    </g>
                }
            }) }
        </svg>
    }
}
