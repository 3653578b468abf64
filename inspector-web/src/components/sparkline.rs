use yew::prelude::*;

use crate::plot::{path, Scale};
use crate::state::Series;

#[derive(Properties, PartialEq)]
pub struct SparklineProps {
    pub values: Series,
    #[prop_or(132.0)]
    pub width: f64,
    #[prop_or(26.0)]
    pub height: f64,
    /// Colour class: "c-out", "c-in", "c-drop", …
    #[prop_or_default]
    pub class: AttrValue,
    /// Tooltip.
    #[prop_or_default]
    pub title: AttrValue,
}

/// A rate over the last minute, scaled to its own maximum.
#[component]
pub fn Sparkline(props: &SparklineProps) -> Html {
    let (w, h) = (props.width, props.height);
    let max = props.values.iter().cloned().fold(0.0, f64::max);
    let x = Scale::linear((0.0, (crate::state::SERIES_LEN - 1) as f64), (0.0, w));
    let y = Scale::linear((0.0, if max > 0.0 { max } else { 1.0 }), (h - 1.5, 1.5));
    // Right-aligned: the newest point is always at the right edge.
    let offset = crate::state::SERIES_LEN - props.values.len();
    let pts: Vec<(f64, f64)> = props
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| (x.map((i + offset) as f64), y.map(*v)))
        .collect();
    let line = path(pts.iter().map(|p| Some(*p)));
    let area = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) if pts.len() > 1 => format!("{line}L{:.1},{h}L{:.1},{h}Z", b.0, a.0),
        _ => String::new(),
    };
    html! {
        <svg class={classes!("spark", props.class.to_string())} width={w.to_string()} height={h.to_string()}
             viewBox={format!("0 0 {w} {h}")} preserveAspectRatio="none">
            <title>{ props.title.clone() }</title>
            <path class="area" d={area} />
            <path class="line" d={line} />
        </svg>
    }
}
