//! The WebSocket to the inspector server, reconnecting with backoff.
//!
//! The server sends one text message per snapshot,
//! `{"type":"snapshot","data":<Snapshot>}`. When the socket closes (the
//! program being watched restarted, say) the next attempt waits 250 ms,
//! doubling up to 8 s with ±20 % jitter, and the state says so meanwhile.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use ringmq_core::snapshot::Snapshot;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};
use yew::Callback;

use crate::state::Action;

/// A message from the server: `type` says what `data` holds. Only snapshots
/// exist today; other types are ignored, so the server can add kinds
/// without breaking older apps. (A plain struct rather than an adjacently
/// tagged enum: serde buffers those, which doubles the deserialiser's code.)
#[derive(Deserialize)]
struct ServerMessage {
    #[serde(rename = "type")]
    kind: String,
    data: Option<Box<Snapshot>>,
}

/// Parses one WebSocket text message; `None` for anything but a snapshot.
pub fn parse_message(text: &str) -> Option<Box<Snapshot>> {
    let msg: ServerMessage = serde_json::from_str(text).ok()?;
    if msg.kind == "snapshot" {
        msg.data
    } else {
        None
    }
}

/// The delay before reconnect attempt `attempt` (0-based), before jitter.
pub fn backoff_ms(attempt: u32) -> u32 {
    250u32.saturating_mul(1 << attempt.min(5)).min(8_000)
}

/// `ws://host/ws` for the page's own origin (`wss:` under https).
pub fn default_url() -> String {
    let loc = gloo::utils::window().location();
    let scheme = if loc.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    format!(
        "{scheme}://{}/ws",
        loc.host().unwrap_or_else(|_| "127.0.0.1:9870".into())
    )
}

/// A live connection; dropping it closes the socket and stops reconnecting.
pub struct Connection {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    dispatch: Callback<Action>,
    ws: Option<WebSocket>,
    /// Kept alive as long as `ws`; replaced, never dropped from inside.
    listeners: Vec<EventListener>,
    /// Failed attempts since the last successful open.
    attempt: u32,
}

impl Connection {
    pub fn open(url: String, dispatch: Callback<Action>) -> Connection {
        let inner = Rc::new(RefCell::new(Inner {
            url,
            dispatch,
            ws: None,
            listeners: Vec::new(),
            attempt: 0,
        }));
        connect(&inner);
        Connection { inner }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.listeners.clear();
        if let Some(ws) = inner.ws.take() {
            let _ = ws.close();
        }
    }
}

fn connect(this: &Rc<RefCell<Inner>>) {
    let (url, dispatch) = {
        let inner = this.borrow();
        (inner.url.clone(), inner.dispatch.clone())
    };
    dispatch.emit(Action::Connecting(url.clone()));
    let ws = match WebSocket::new(&url) {
        Ok(ws) => ws,
        Err(_) => return retry_later(this),
    };
    let weak = Rc::downgrade(this);
    let on_open = {
        let (weak, dispatch) = (weak.clone(), dispatch.clone());
        EventListener::new(&ws, "open", move |_| {
            if let Some(this) = weak.upgrade() {
                this.borrow_mut().attempt = 0;
                dispatch.emit(Action::Connected);
            }
        })
    };
    let on_message = EventListener::new(&ws, "message", move |e| {
        let text = e
            .dyn_ref::<MessageEvent>()
            .and_then(|m| m.data().as_string());
        if let Some(snap) = text.as_deref().and_then(parse_message) {
            dispatch.emit(Action::Snapshot(snap));
        }
    });
    // "error" is always followed by "close": one place to schedule the retry.
    let on_close = EventListener::new(&ws, "close", move |_| {
        if let Some(this) = weak.upgrade() {
            retry_later(&this);
        }
    });
    let mut inner = this.borrow_mut();
    inner.listeners = vec![on_open, on_message, on_close];
    if let Some(old) = inner.ws.replace(ws) {
        let _ = old.close();
    }
}

fn retry_later(this: &Rc<RefCell<Inner>>) {
    let (attempt, dispatch) = {
        let mut inner = this.borrow_mut();
        inner.attempt = inner.attempt.saturating_add(1);
        (inner.attempt, inner.dispatch.clone())
    };
    let jitter = 0.8 + 0.4 * js_sys::Math::random();
    let delay = (backoff_ms(attempt - 1) as f64 * jitter) as u32;
    dispatch.emit(Action::Disconnected {
        attempt,
        retry_in_ms: delay,
    });
    let weak: Weak<RefCell<Inner>> = Rc::downgrade(this);
    // Forgotten rather than stored: a dropped Connection is seen through
    // the weak reference, and the timer never outlives its own callback.
    Timeout::new(delay, move || {
        if let Some(this) = weak.upgrade() {
            connect(&this);
        }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringmq_core::snapshot::SocketSnapshot;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn parses_snapshot_messages_only() {
        let msg = r#"{"type":"snapshot","data":{"seq":7,"time_ms":1500,"sockets":[],"io_threads":[],"events":[]}}"#;
        assert_eq!(parse_message(msg).map(|s| s.seq), Some(7));
        assert!(parse_message(r#"{"type":"hello","data":{}}"#).is_none());
        assert!(parse_message("not json").is_none());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_what_the_server_serialises() {
        let snap = crate::demo::sample_snapshot(3);
        let msg = format!(
            r#"{{"type":"snapshot","data":{}}}"#,
            serde_json::to_string(&snap).unwrap()
        );
        let got = parse_message(&msg).expect("a snapshot");
        // Integers and strings come back exactly; floats to within the last
        // digit (serde_json's default float parsing is not round-trip exact).
        assert_eq!(
            (got.seq, got.time_ms, &got.io_threads, &got.events),
            (snap.seq, snap.time_ms, &snap.io_threads, &snap.events)
        );
        for (a, b) in got.sockets.iter().zip(&snap.sockets) {
            assert_eq!(
                (a.id, &a.socket_type, &a.endpoints, &a.stats, &a.pipes),
                (b.id, &b.socket_type, &b.endpoints, &b.stats, &b.pipes)
            );
            let lat = |s: &SocketSnapshot| {
                s.send_latency
                    .iter()
                    .chain(&s.recv_latency)
                    .flat_map(|l| l.percentiles.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(lat(a).len(), lat(b).len());
            assert!(lat(a)
                .iter()
                .zip(lat(b))
                .all(|(x, y)| (x.0 - y.0).abs() < 1e-9 && (x.1 - y.1).abs() < 1e-9));
        }
        assert_eq!(got.sockets.len(), snap.sockets.len());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn backoff_doubles_then_caps() {
        assert_eq!(backoff_ms(0), 250);
        assert_eq!(backoff_ms(1), 500);
        assert_eq!(backoff_ms(4), 4000);
        assert_eq!(backoff_ms(30), 8000);
    }
}
