//! The root component: owns the state, the stream feeding it, and routing.

use std::any::Any;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::connection::{self, Connection};
use crate::demo;
use crate::pages::live::LivePage;
use crate::pages::perf_history::PerfHistoryPage;
use crate::state::{Action, AppContext, Page, State};

/// What the page's query string asks for: `?demo=1` for sample data,
/// `?ws=ws://host:port/ws` for another server than the page's origin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub demo: bool,
    pub ws: Option<String>,
}

impl Options {
    pub fn from_location() -> Options {
        let search = gloo::utils::window()
            .location()
            .search()
            .unwrap_or_default();
        let Ok(q) = web_sys::UrlSearchParams::new_with_str(&search) else {
            return Options::default();
        };
        Options {
            demo: q.get("demo").is_some_and(|v| v != "0" && v != "false"),
            ws: q.get("ws").filter(|u| !u.is_empty()),
        }
    }
}

/// Feeds sample snapshots: a minute of history at once, so the sparklines
/// are full from the start, then one every 500 ms.
fn demo_feed(dispatch: Callback<Action>) -> Interval {
    const SEED: u64 = 90;
    dispatch.emit(Action::Demo);
    for seq in 0..SEED {
        dispatch.emit(Action::Snapshot(Box::new(demo::sample_snapshot(seq))));
    }
    let mut seq = SEED;
    Interval::new(demo::INTERVAL_MS as u32, move || {
        dispatch.emit(Action::Snapshot(Box::new(demo::sample_snapshot(seq))));
        seq += 1;
    })
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let dispatch = Callback::from(move |a| dispatcher.dispatch(a));
            let options = Options::from_location();
            let feed: Box<dyn Any> = if options.demo {
                Box::new(demo_feed(dispatch))
            } else {
                Box::new(Connection::open(
                    options.ws.unwrap_or_else(connection::default_url),
                    dispatch,
                ))
            };
            move || drop(feed)
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let hash = || gloo::utils::window().location().hash().unwrap_or_default();
            dispatcher.dispatch(Action::Navigate(Page::from_hash(&hash())));
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                dispatcher.dispatch(Action::Navigate(Page::from_hash(&hash())));
            });
            move || drop(listener)
        });
    }
    let latest = state.snapshot.as_ref().map(|s| (s.seq, s.time_ms));
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <crate::components::header::Header page={state.page} status={state.status.clone()}
                endpoint={state.endpoint.clone()} latest={latest} missed={state.missed} />
            { match state.page {
                Page::Live => html! { <LivePage /> },
                Page::Perf => html! { <PerfHistoryPage /> },
            } }
        </ContextProvider<AppContext>>
    }
}
