use yew::prelude::*;

use crate::state::ConnStatus;

#[derive(Properties, PartialEq)]
pub struct StatusBannerProps {
    pub status: ConnStatus,
    /// The WebSocket URL, shown as a tooltip.
    #[prop_or_default]
    pub endpoint: AttrValue,
}

/// Whether the stream is live, visibly: green when connected, red and
/// counting attempts while it reconnects.
#[component]
pub fn StatusBanner(props: &StatusBannerProps) -> Html {
    let (state, text) = match &props.status {
        ConnStatus::Connecting => ("connecting", "connecting…".to_string()),
        ConnStatus::Connected => ("connected", "connected".to_string()),
        ConnStatus::Disconnected {
            attempt,
            retry_in_ms,
        } => (
            "disconnected",
            format!(
                "disconnected — reconnecting… (attempt {attempt}, next in {:.1} s)",
                *retry_in_ms as f64 / 1000.0
            ),
        ),
        ConnStatus::Demo => ("demo", "demo — built-in sample data".to_string()),
    };
    html! {
        <div class={classes!("status", format!("status-{state}"))} data-testid="connection-status"
             data-state={state} title={props.endpoint.clone()} role="status">
            <span class="dot"></span>{ text }
        </div>
    }
}
