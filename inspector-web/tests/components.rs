//! Component tests in a real browser (headless Chromium, through
//! wasm-bindgen-test-runner and chromedriver; see scripts/test-inspector):
//! render with the sample snapshot and look at the DOM the way the
//! end-to-end test and an engineer would.
#![cfg(target_family = "wasm")]

use std::rc::Rc;

use ringmq_core::snapshot::LatencySnapshot;
use ringmq_inspector_web::components::latency_plot::{LatencyPlot, LatencyPlotProps};
use ringmq_inspector_web::components::socket_card::{SocketCard, SocketCardProps};
use ringmq_inspector_web::components::status_banner::{StatusBanner, StatusBannerProps};
use ringmq_inspector_web::connection::Connection;
use ringmq_inspector_web::demo::sample_snapshot;
use ringmq_inspector_web::pages::live::LivePage;
use ringmq_inspector_web::pages::perf_history::PerfHistoryPage;
use ringmq_inspector_web::state::{Action, AppContext, ConnStatus, Page, State};
use ringmq_inspector_web::{format, App};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `C` in a fresh element of the page and lets Yew finish rendering.
async fn render<C: BaseComponent>(props: C::Properties) -> Element {
    let root = gloo::utils::document().create_element("div").unwrap();
    gloo::utils::body().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| {
            panic!(
                "no element with data-testid={testid} in {}",
                root.inner_html()
            )
        })
}

fn text(root: &Element, testid: &str) -> String {
    find(root, testid).text_content().unwrap_or_default()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// The state after a few sample snapshots, as the reducer makes it.
fn sample_state(snapshots: u64, status: Action, page: Page) -> Rc<State> {
    let mut s = Rc::new(State::default()).reduce(status);
    for seq in 0..snapshots {
        s = s.reduce(Action::Snapshot(Box::new(sample_snapshot(seq))));
    }
    s.reduce(Action::Navigate(page))
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    state: Rc<State>,
}

/// A page under the app's context, starting from a given state.
#[component]
fn Harness(props: &HarnessProps) -> Html {
    let initial = props.state.clone();
    let ctx = use_reducer(move || (*initial).clone());
    html! {
        <ContextProvider<AppContext> context={ctx.clone()}>
            { match ctx.page { Page::Live => html! { <LivePage /> }, Page::Perf => html! { <PerfHistoryPage /> } } }
        </ContextProvider<AppContext>>
    }
}

#[wasm_bindgen_test]
async fn a_muted_pipe_is_marked() {
    let socket = sample_snapshot(10).sockets[0].clone();
    assert_eq!(socket.socket_type, "PUB");
    let root = render::<SocketCard>(SocketCardProps {
        socket: socket.clone(),
        rates: Default::default(),
        pipe_rates: vec![],
    })
    .await;
    let slow = find(&root, "pipe-1.c");
    assert_eq!(slow.get_attribute("data-muted").as_deref(), Some("true"));
    assert!(slow.class_list().contains("muted"));
    assert!(slow.text_content().unwrap().contains("MUTE"));
    let fast = find(&root, "pipe-1.a");
    assert_eq!(fast.get_attribute("data-muted").as_deref(), Some("false"));
    assert!(!fast.class_list().contains("muted"));
    // The mute pipe's out gauge is drawn full.
    assert!(slow.query_selector(".gauge-full").unwrap().is_some());
    assert_eq!(
        text(&root, "drops-hwm-1"),
        format::int(socket.stats.drops_hwm)
    );
    assert!(socket.stats.drops_hwm > 0);
    assert_eq!(
        text(&root, "msgs-sent-1"),
        format::int(socket.stats.msgs_sent)
    );
    assert_eq!(
        find(&root, "socket-1")
            .query_selector_all("tbody tr")
            .unwrap()
            .length(),
        3
    );
}

#[wasm_bindgen_test]
async fn a_latency_plot_draws_a_path() {
    let lat = sample_snapshot(5).sockets[1].send_latency.clone().unwrap();
    let root = render::<LatencyPlot>(LatencyPlotProps {
        socket_id: 2,
        send: Some(lat.clone()),
        recv: None,
    })
    .await;
    let svg = find(&root, "latency-plot-2");
    assert_eq!(svg.tag_name().to_lowercase(), "svg");
    let path = svg
        .query_selector("path")
        .unwrap()
        .expect("a <path> in the plot");
    let d = path.get_attribute("d").unwrap();
    // One segment per finite percentile point.
    assert_eq!(
        d.matches('L').count(),
        lat.percentiles.iter().filter(|(p, _)| *p < 100.0).count() - 1
    );
    // The percentile axis is HdrHistogram's.
    let ticks: Vec<String> = (0..svg.query_selector_all("text.tick").unwrap().length())
        .filter_map(|i| svg.query_selector_all("text.tick").unwrap().item(i))
        .filter_map(|n| n.text_content())
        .collect();
    for label in ["90%", "99%", "99.9%", "99.99%"] {
        assert!(
            ticks.iter().any(|t| t == label),
            "no {label} tick in {ticks:?}"
        );
    }
    // The tail is higher up (smaller y) than the median.
    let ys: Vec<f64> = d
        .split(['M', 'L'])
        .filter(|s| !s.is_empty())
        .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(ys.last().unwrap() < ys.first().unwrap());
}

#[wasm_bindgen_test]
async fn no_latency_samples_draw_no_path() {
    let empty = LatencySnapshot::default();
    let root = render::<LatencyPlot>(LatencyPlotProps {
        socket_id: 7,
        send: Some(empty),
        recv: None,
    })
    .await;
    let svg = find(&root, "latency-plot-7");
    assert!(svg.query_selector("path, polyline").unwrap().is_none());
    assert!(svg.text_content().unwrap().contains("no latency samples"));
}

#[wasm_bindgen_test]
async fn the_status_banner_shows_disconnected() {
    let root = render::<StatusBanner>(StatusBannerProps {
        status: ConnStatus::Disconnected {
            attempt: 3,
            retry_in_ms: 2000,
        },
        endpoint: "ws://127.0.0.1:9870/ws".into(),
    })
    .await;
    let banner = find(&root, "connection-status");
    assert_eq!(
        banner.get_attribute("data-state").as_deref(),
        Some("disconnected")
    );
    let t = banner.text_content().unwrap();
    assert!(t.contains("disconnected — reconnecting…"), "{t}");
    assert!(t.contains("attempt 3"), "{t}");
    assert!(banner.class_list().contains("status-disconnected"));

    let root = render::<StatusBanner>(StatusBannerProps {
        status: ConnStatus::Connected,
        endpoint: "".into(),
    })
    .await;
    assert_eq!(text(&root, "connection-status"), "connected");
}

#[wasm_bindgen_test]
async fn the_reducer_computes_rates_and_the_card_shows_them() {
    // Two snapshots 500 ms apart: counters moved by their rate × 0.5 s.
    let (a, b) = (sample_snapshot(20), sample_snapshot(21));
    let state = Rc::new(State::default())
        .reduce(Action::Snapshot(Box::new(a.clone())))
        .reduce(Action::Snapshot(Box::new(b.clone())));
    let expect = (b.sockets[0].stats.msgs_sent - a.sockets[0].stats.msgs_sent) as f64 * 2.0;
    assert_eq!(state.socket_rates[&1].sent, [expect]);
    assert!(expect > 10_000.0);

    let root = render::<SocketCard>(SocketCardProps {
        socket: b.sockets[0].clone(),
        rates: state.socket_rates[&1].clone(),
        pipe_rates: vec![],
    })
    .await;
    let card = find(&root, "socket-1");
    assert!(card.text_content().unwrap().contains(&format::rate(expect)));
    // A sparkline with one point has no line yet; the next snapshot draws one.
    let state = state.reduce(Action::Snapshot(Box::new(sample_snapshot(22))));
    assert_eq!(state.socket_rates[&1].sent.len(), 2);
}

#[wasm_bindgen_test]
async fn the_live_page_draws_every_part() {
    let state = sample_state(30, Action::Connected, Page::Live);
    let root = render::<Harness>(HarnessProps { state }).await;
    for id in 1..=4 {
        find(&root, &format!("socket-{id}"));
        find(&root, &format!("msgs-sent-{id}"));
        find(&root, &format!("drops-hwm-{id}"));
        find(&root, &format!("latency-plot-{id}"));
    }
    // Sockets with samples draw their curve, the others say they have none.
    assert!(find(&root, "latency-plot-2")
        .query_selector("path")
        .unwrap()
        .is_some());
    assert!(find(&root, "latency-plot-4")
        .query_selector("path")
        .unwrap()
        .is_none());
    assert_eq!(
        find(&root, "pipe-1.c")
            .get_attribute("data-muted")
            .as_deref(),
        Some("true")
    );
    assert!(find(&root, "topo-pipe-1.c").class_list().contains("muted"));
    assert!(
        find(&root, "topology")
            .query_selector_all("g.topo-pipe")
            .unwrap()
            .length()
            == 7
    );
    let log = find(&root, "event-log");
    assert!(log.query_selector_all("tr").unwrap().length() >= 5);
    assert!(log.text_content().unwrap().contains("handshake failed"));
    let engine = find(&root, "engine-stats");
    // Thread 0 batches 3.7 SQEs per submit in the sample.
    assert!(find(&engine, "io-thread-0")
        .text_content()
        .unwrap()
        .contains("3.7"));
    find(&engine, "io-thread-1");
    // Each thread names the kernel interface it drives.
    assert_eq!(
        find(&engine, "io-backend-0").text_content().unwrap(),
        "io_uring"
    );
    // And its spin budget: the adaptive default on thread 0, a fixed
    // 50 µs on thread 1.
    assert_eq!(
        find(&engine, "io-spin-0").text_content().unwrap(),
        "auto ≤20 µs"
    );
    assert_eq!(find(&engine, "io-spin-1").text_content().unwrap(), "50 µs");
    // Rates: 29 intervals of history drawn as sparklines.
    let spark = find(&root, "socket-1")
        .query_selector("svg.spark path.line")
        .unwrap()
        .unwrap();
    assert_eq!(spark.get_attribute("d").unwrap().matches('L').count(), 28);
}

#[wasm_bindgen_test]
async fn the_perf_page_plots_the_history() {
    let state = sample_state(0, Action::Demo, Page::Perf);
    let root = render::<Harness>(HarnessProps { state }).await;
    yew::scheduler::flush().await;
    let page = find(&root, "perf-history");
    let charts = page.query_selector_all("svg.perf-chart").unwrap().length();
    // Four scenarios: throughput for each, latency for the two that measure it.
    assert_eq!(charts, 6, "{}", page.inner_html());
    assert!(page
        .query_selector("svg.perf-chart path.line")
        .unwrap()
        .is_some());
    // The sample's regression is flagged.
    assert!(page.query_selector(".change.worse").unwrap().is_some());
    assert!(page.text_content().unwrap().contains("tcp REQ/REP 64 B"));
}

#[wasm_bindgen_test]
async fn a_refused_connection_retries_with_backoff() {
    let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
    let record = {
        let seen = seen.clone();
        Callback::from(move |a: Action| seen.borrow_mut().push(a))
    };
    // Nothing listens on port 9 of the loopback.
    let conn = Connection::open("ws://127.0.0.1:9/ws".into(), record);
    for _ in 0..60 {
        if seen
            .borrow()
            .iter()
            .filter(|a| matches!(a, Action::Disconnected { .. }))
            .count()
            >= 2
        {
            break;
        }
        sleep(100).await;
    }
    drop(conn);
    let seen = seen.borrow();
    assert!(
        matches!(seen[0], Action::Connecting(ref u) if u == "ws://127.0.0.1:9/ws"),
        "{seen:?}"
    );
    let retries: Vec<(u32, u32)> = seen
        .iter()
        .filter_map(|a| match a {
            Action::Disconnected {
                attempt,
                retry_in_ms,
            } => Some((*attempt, *retry_in_ms)),
            _ => None,
        })
        .collect();
    assert!(retries.len() >= 2, "{seen:?}");
    assert_eq!((retries[0].0, retries[1].0), (1, 2));
    // 250 ms then 500 ms, ±20 %.
    assert!(
        (200..=300).contains(&retries[0].1) && (400..=600).contains(&retries[1].1),
        "{retries:?}"
    );
}

#[wasm_bindgen_test]
async fn the_app_says_when_it_cannot_connect() {
    // The test page's server has no /ws: the app tries, fails and says so.
    let root = gloo::utils::document().create_element("div").unwrap();
    gloo::utils::body().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let banner = || find(&root, "connection-status");
    assert!(matches!(
        banner().get_attribute("data-state").as_deref(),
        Some("connecting" | "disconnected")
    ));
    for _ in 0..50 {
        if banner().get_attribute("data-state").as_deref() == Some("disconnected") {
            break;
        }
        sleep(100).await;
    }
    assert!(banner()
        .text_content()
        .unwrap()
        .starts_with("disconnected — reconnecting…"));
    // The live page is there, empty, waiting.
    find(&root, "event-log");
    find(&root, "engine-stats");
    app.destroy();
}
