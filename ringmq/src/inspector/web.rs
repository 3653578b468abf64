//! The inspector's routes, its sampling loop and the embedded dashboard.

use crate::stats::Registry;
use axum::body::Body;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ringmq_core::snapshot::Snapshot;
use std::borrow::Cow;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How often the latency rings and event queues are emptied into the
/// registry: often enough that a ring (4096 samples) rarely overflows.
const COLLECT_EVERY: Duration = Duration::from_millis(50);
/// Snapshots streamed per collection tick: every 4th, 5 a second.
const SNAPSHOT_EVERY_TICKS: u32 = 4;

/// The dashboard, copied into `OUT_DIR` by build.rs (empty if it was not
/// built).
#[derive(rust_embed::Embed)]
#[folder = "$OUT_DIR/inspector-dist"]
struct Dashboard;

/// The perf history as it was at build time (empty if there was none).
const PERF_HISTORY: &str = include_str!(concat!(env!("OUT_DIR"), "/perf-history.jsonl"));

/// True if the dashboard app was built (`scripts/build-inspector`) when
/// ringmq was compiled; otherwise `/` serves a page that says so (and
/// shows the raw snapshots).
pub fn dashboard_built() -> bool {
    Dashboard::get("index.html").is_some()
}

/// One streamed snapshot, serialised once for every client.
struct Frame {
    snapshot: Snapshot,
    text: Utf8Bytes,
    /// The number of the first event it carries (see `Registry::snapshot`).
    events_start: u64,
}

struct AppState {
    registry: Arc<Registry>,
    frames: broadcast::Sender<Arc<Frame>>,
}

/// Serves until `stop` turns true (or its sender goes).
pub(super) async fn run(
    listener: std::net::TcpListener,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ringmq: inspector: {e}");
            return;
        }
    };
    let (frames, _) = broadcast::channel(4);
    let state = Arc::new(AppState { registry, frames });
    let app = router(state.clone());
    tokio::select! {
        r = axum::serve(listener, app).into_future() => {
            if let Err(e) = r {
                eprintln!("ringmq: inspector stopped: {e}");
            }
        }
        () = sample(state) => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/snapshot", get(api_snapshot))
        .route("/api/perf-history", get(perf_history))
        .route("/ws", get(ws_upgrade))
        .fallback(get(static_file))
        .with_state(state)
}

/// Empties the sockets' latency rings and event queues every 50 ms, and
/// streams a snapshot every 200 ms while someone listens.
async fn sample(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(COLLECT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n = 0u32;
    let mut cursor = 0u64;
    loop {
        tick.tick().await;
        n = n.wrapping_add(1);
        if n % SNAPSHOT_EVERY_TICKS != 0 || state.frames.receiver_count() == 0 {
            state.registry.collect();
            continue;
        }
        let seq = state.registry.next_seq();
        let (snapshot, end) = state.registry.snapshot(Some(seq), Some(cursor));
        cursor = end;
        let events_start = end - snapshot.events.len() as u64;
        let text = envelope(&snapshot);
        // No receiver left is fine: the next tick checks again.
        let _ = state.frames.send(Arc::new(Frame {
            snapshot,
            text,
            events_start,
        }));
    }
}

/// `{"type":"snapshot","data":…}`, what the dashboard reads.
fn envelope(s: &Snapshot) -> Utf8Bytes {
    let data = serde_json::to_string(s).expect("a snapshot always serialises");
    format!(r#"{{"type":"snapshot","data":{data}}}"#).into()
}

fn json(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn api_snapshot(State(state): State<Arc<AppState>>) -> Response {
    let (snapshot, _) = state.registry.snapshot(None, None);
    json(serde_json::to_string(&snapshot).expect("a snapshot always serialises"))
}

async fn ws_upgrade(ws: WebSocketUpgrade, State(state): State<Arc<AppState>>) -> Response {
    ws.on_upgrade(move |socket| ws_client(socket, state))
}

/// One dashboard: a snapshot with the latest events at once, then the
/// stream. A client too slow for the stream skips snapshots (their `seq`
/// shows the gap).
async fn ws_client(mut socket: WebSocket, state: Arc<AppState>) {
    let mut frames = state.frames.subscribe();
    let (first, mut cursor) = state.registry.snapshot(None, None);
    if socket.send(Message::Text(envelope(&first))).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            frame = frames.recv() => {
                let frame = match frame {
                    Ok(f) => f,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                let end = frame.events_start + frame.snapshot.events.len() as u64;
                let text = if frame.events_start >= cursor {
                    frame.text.clone()
                } else {
                    // The first frame after joining may repeat events the
                    // first snapshot had: leave those out.
                    let mut s = frame.snapshot.clone();
                    let repeat = usize::try_from(cursor - frame.events_start).unwrap_or(usize::MAX);
                    s.events.drain(..repeat.min(s.events.len()));
                    envelope(&s)
                };
                cursor = cursor.max(end);
                if socket.send(Message::Text(text)).await.is_err() {
                    break;
                }
            }
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The perf suite's history (one JSON object per line) as a JSON array;
/// lines that are not JSON are skipped.
async fn perf_history() -> Response {
    let text = match std::env::var_os("RINGMQ_PERF_HISTORY") {
        Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
        None => PERF_HISTORY.to_string(),
    };
    json(history_array(&text))
}

fn history_array(jsonl: &str) -> String {
    let records: Vec<serde_json::Value> = jsonl
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    serde_json::Value::Array(records).to_string()
}

async fn static_file(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some(f) = Dashboard::get(path) {
        let mime = HeaderValue::from_str(f.metadata.mimetype())
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        return (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            Body::from(f.data),
        )
            .into_response();
    }
    if path == "favicon.ico" {
        return StatusCode::NO_CONTENT.into_response();
    }
    if path.contains('.') && path != "index.html" {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    // A page of the app (no file extension): the app routes it.
    app_page(Dashboard::get("index.html").map(|f| f.data))
}

/// The app's `index.html`, or the page saying it was not built.
fn app_page(index: Option<Cow<'static, [u8]>>) -> Response {
    let body = index.map_or(Body::from(NOT_BUILT_PAGE), Body::from);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// Served at `/` when the dashboard was not built: says how to build it,
/// and shows the live data meanwhile.
const NOT_BUILT_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ringmq inspector: dashboard not built</title>
<link rel="icon" href="data:,">
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
code, pre { font: 13px ui-monospace, monospace; background: #f4f4f4; }
code { padding: 0 .3em; }
pre { padding: 1em; overflow: auto; max-height: 70vh; }
</style>
</head>
<body>
<h1>ringmq inspector</h1>
<p><strong>The dashboard is not built</strong> into this program. Run
<code>scripts/build-inspector</code> (it writes <code>inspector-web/dist/</code>),
then rebuild the program.</p>
<p>The data is live meanwhile: <a href="/api/snapshot">/api/snapshot</a> (JSON),
the WebSocket <code>/ws</code>, <a href="/api/perf-history">/api/perf-history</a>,
<a href="/healthz">/healthz</a>. The latest snapshot:</p>
<pre id="snapshot">loading…</pre>
<script>
async function refresh() {
  try {
    const r = await fetch('/api/snapshot');
    document.getElementById('snapshot').textContent = JSON.stringify(await r.json(), null, 2);
  } catch (e) {
    document.getElementById('snapshot').textContent = 'not reachable: ' + e;
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_lines_become_an_array() {
        assert_eq!(history_array(""), "[]");
        assert_eq!(
            history_array("{\"a\":1}\n\n not json\n{\"b\":[2]}\n"),
            r#"[{"a":1},{"b":[2]}]"#
        );
    }

    fn body_of(r: Response) -> (StatusCode, String) {
        let status = r.status();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = rt
            .block_on(axum::body::to_bytes(r.into_body(), 1 << 20))
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[test]
    fn without_the_app_the_page_says_what_to_run() {
        let (status, page) = body_of(app_page(None));
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("dashboard is not built"));
        assert!(page.contains("scripts/build-inspector"));
        assert!(page.contains(r#"href="data:,""#), "a data: favicon");
        let index = Cow::Borrowed(&b"<!doctype html><title>app</title>"[..]);
        assert_eq!(
            body_of(app_page(Some(index))).1,
            "<!doctype html><title>app</title>"
        );
    }
}
