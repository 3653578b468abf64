use yew::prelude::*;

use crate::components::perf_chart::{ChartSeries, PerfChart, Unit};
use crate::perf::{self, Commit, PerfRecord, Scenario};
use crate::state::{Action, AppContext, ConnStatus, PerfHistory};

/// Starts loading the history: the server's, or the sample in demo mode.
pub fn load(ctx: &AppContext) {
    if ctx.status == ConnStatus::Demo {
        ctx.dispatch(Action::PerfLoaded(crate::demo::sample_history()));
        return;
    }
    ctx.dispatch(Action::PerfLoading);
    let dispatcher = ctx.dispatcher();
    wasm_bindgen_futures::spawn_local(async move {
        dispatcher.dispatch(match perf::fetch_history("api/perf-history").await {
            Ok(r) => Action::PerfLoaded(r),
            Err(e) => Action::PerfFailed(e),
        });
    });
}

/// Reads one figure of a record.
type Figure = fn(&PerfRecord) -> Option<f64>;

/// (label, dash pattern, figure) per latency percentile drawn.
const PERCENTILES: [(&str, &str, Figure); 3] = [
    ("p50", "", |r| r.p50_us),
    ("p99", "5 3", |r| r.p99_us),
    ("p99.9", "1.5 2.5", |r| r.p999_us),
];

/// The change of the last measured commit against the median of the (up
/// to) five measured before it: one noisy run does not flag, a regression
/// that landed a commit or two ago still does.
fn latest_change(points: &[Option<f64>]) -> Option<f64> {
    let measured: Vec<f64> = points.iter().flatten().copied().collect();
    let (now, before) = measured.split_last()?;
    let mut base: Vec<f64> = before.iter().rev().take(5).copied().collect();
    if base.is_empty() {
        return None;
    }
    base.sort_by(f64::total_cmp);
    Some(now / base[base.len() / 2] - 1.0)
}

fn change_badge(label: &str, change: Option<f64>, higher_is_better: bool) -> Html {
    let Some(c) = change else { return html! {} };
    let worse = if higher_is_better {
        c < -0.05
    } else {
        c > 0.10
    };
    let better = if higher_is_better {
        c > 0.05
    } else {
        c < -0.10
    };
    html! {
        <span class={classes!("change", worse.then_some("worse"), better.then_some("better"))}
              title="ringmq: last commit against the median of the five before">
            { if (c * 100.0).round() == 0.0 { format!("{label} ±0%") } else { format!("{label} {:+.0}%", c * 100.0) } }
        </span>
    }
}

fn scenario_card(
    records: &[PerfRecord],
    commits: &[Commit],
    impls: &[String],
    sc: &Scenario,
) -> Html {
    let labels: Vec<String> = commits.iter().map(|c| c.short().to_string()).collect();
    let class = |i: usize| format!("i{}", i.min(5));
    let thr: Vec<ChartSeries> = impls
        .iter()
        .enumerate()
        .map(|(i, imp)| ChartSeries {
            label: imp.clone(),
            class: class(i),
            dash: "",
            points: perf::series(records, commits, imp, sc, |r| r.msgs_per_sec),
        })
        .filter(|s| s.points.iter().any(Option::is_some))
        .collect();
    let lat: Vec<ChartSeries> = impls
        .iter()
        .enumerate()
        .flat_map(|(i, imp)| {
            PERCENTILES.iter().map(move |(p, dash, f)| ChartSeries {
                label: format!("{imp} {p}"),
                class: class(i),
                dash,
                points: perf::series(records, commits, imp, sc, f),
            })
        })
        .filter(|s| s.points.iter().any(Option::is_some))
        .collect();
    let wide = !lat.is_empty();
    let mine = |f: Figure| perf::series(records, commits, "ringmq", sc, f);
    html! {
        <section class={classes!("card", "scenario", wide.then_some("wide"))}>
            <header class="card-head">
                <b>{ sc.label() }</b>
                <span class="spacer"></span>
                { change_badge("msg/s", latest_change(&mine(|r| r.msgs_per_sec)), true) }
                { change_badge("p50", latest_change(&mine(|r| r.p50_us)), false) }
                { change_badge("p99", latest_change(&mine(|r| r.p99_us)), false) }
                { change_badge("p99.9", latest_change(&mine(|r| r.p999_us)), false) }
            </header>
            <div class="charts">
                <PerfChart title="throughput (msg/s)" commits={labels.clone()} series={thr} unit={Unit::Rate} />
                if wide {
                    <PerfChart title="latency (µs, log): p50 ─ p99 ╌ p99.9 ┈" commits={labels} series={lat} unit={Unit::Micros} />
                }
            </div>
        </section>
    }
}

/// Throughput and latency percentiles of each scenario, by commit, one line
/// per implementation: where a regression came in, side by side with libzmq.
#[component]
pub fn PerfHistoryPage() -> Html {
    let ctx = use_context::<AppContext>().expect("PerfHistoryPage needs the AppContext");
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            if ctx.perf == PerfHistory::NotLoaded {
                load(&ctx);
            }
        });
    }
    let reload = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| load(&ctx))
    };
    let body = match &ctx.perf {
        PerfHistory::NotLoaded | PerfHistory::Loading => {
            html! { <div class="card waiting">{ "loading the perf history…" }</div> }
        }
        PerfHistory::Failed(e) => html! {
            <div class="card error">{ format!("could not load /api/perf-history: {e}") }</div>
        },
        PerfHistory::Loaded(records) if records.is_empty() => html! {
            <div class="card waiting">{ "the perf history is empty: run scripts/perf to record one" }</div>
        },
        PerfHistory::Loaded(records) => {
            let commits = perf::commits(records);
            let impls = perf::impls(records);
            let scenarios = perf::scenarios(records);
            let span = match (commits.first(), commits.last()) {
                (Some(a), Some(b)) => format!(
                    "{} → {}",
                    a.date.get(..10).unwrap_or(""),
                    b.date.get(..10).unwrap_or("")
                ),
                _ => String::new(),
            };
            html! {
                <>
                    <div class="summary">
                        <span><b>{ commits.len() }</b>{ " commits" }</span>
                        <span><b>{ scenarios.len() }</b>{ " scenarios" }</span>
                        <span class="dim">{ span }</span>
                        <span class="legend">
                            { for impls.iter().enumerate().map(|(i, imp)| html! {
                                <span class={format!("key i{}", i.min(5))}><i></i>{ imp.clone() }</span>
                            }) }
                        </span>
                    </div>
                    <div class="scenarios">
                        { for scenarios.iter().map(|sc| scenario_card(records, &commits, &impls, sc)) }
                    </div>
                </>
            }
        }
    };
    html! {
        <main class="perf" data-testid="perf-history">
            <div class="toolbar">
                <h1>{ "Perf history" }</h1>
                <span class="dim">{ "by commit · ringmq against the comparison peers, measured side by side" }</span>
                <span class="spacer"></span>
                <button onclick={reload}>{ "reload" }</button>
            </div>
            { body }
        </main>
    }
}
