use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct HwmGaugeProps {
    /// Messages queued.
    pub queued: u64,
    /// The high-water mark (0: none).
    pub hwm: u64,
    /// The pipe is mute: highlighted whatever the fill.
    #[prop_or_default]
    pub muted: bool,
    /// "out" or "in", for the tooltip.
    pub dir: AttrValue,
}

/// queued / HWM as a bar: green, amber past 70 %, red when full or mute.
#[component]
pub fn HwmGauge(props: &HwmGaugeProps) -> Html {
    let frac = if props.hwm == 0 {
        0.0
    } else {
        (props.queued as f64 / props.hwm as f64).min(1.0)
    };
    let level = if props.muted || (props.hwm > 0 && props.queued >= props.hwm) {
        "full"
    } else if frac >= 0.7 {
        "high"
    } else {
        "ok"
    };
    let hwm = if props.hwm == 0 {
        "∞".to_string()
    } else {
        format::int(props.hwm)
    };
    let short_hwm = if props.hwm == 0 {
        "∞".to_string()
    } else {
        format::compact(props.hwm)
    };
    let title = format!(
        "{} queue: {} of HWM {}{}",
        props.dir,
        format::int(props.queued),
        hwm,
        if props.muted { " — pipe is mute" } else { "" }
    );
    html! {
        <div class={classes!("gauge", format!("gauge-{level}"))} title={title}>
            <div class="bar"><div class="fill" style={format!("width:{:.1}%", frac * 100.0)}></div></div>
            <span class="num">{ format::compact(props.queued) }<span class="dim">{ format!("/{short_hwm}") }</span></span>
        </div>
    }
}
