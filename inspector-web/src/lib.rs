//! ringmq's live inspector: a Yew app that draws the snapshots the
//! inspector server streams over `/ws`, and the perf history it serves at
//! `/api/perf-history`.
//!
//! State lives in one reducer ([`state`]), shared by context; components
//! (one per file under [`components`]) take props and only draw; the two
//! pages under [`pages`] connect the two. Built by `scripts/build-inspector`,
//! tested in headless Chromium by `scripts/test-inspector`. Open the built
//! page with `?demo=1` to see it with sample data and no server.

pub mod app;
pub mod components;
pub mod connection;
pub mod demo;
pub mod format;
pub mod pages;
pub mod perf;
pub mod plot;
pub mod state;

pub use app::App;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
