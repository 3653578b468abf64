//! SVG line charts of the history by commit, written by hand: one figure per
//! scenario and measure, one line per implementation.

use crate::history::Run;
use crate::record::{
    fmt_si, impl_label, impl_rank, Mode, Record, Scenario, PERCENTILES, RINGMQ_TOOL,
};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YScale {
    Linear,
    Log,
    /// Log when the values span more than 20×, else linear from 0.
    Auto,
}

#[derive(Clone, Debug)]
pub struct Series {
    /// The implementation (`ringmq`, `libzmq`, …).
    pub name: String,
    /// One value per x label; `None` where the run has no figure.
    pub points: Vec<Option<f64>>,
}

#[derive(Clone, Debug)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub title: String,
    pub subtitle: String,
    pub y_label: String,
    pub x_labels: Vec<String>,
    pub panels: Vec<Panel>,
    pub scale: YScale,
}

const PANEL_W: f64 = 540.0;
const PLOT_LEFT: f64 = 78.0; // inside a panel: room for the y tick labels
const PLOT_W: f64 = 430.0;
const TOP: f64 = 64.0; // figure title and subtitle
const PANEL_TITLE_H: f64 = 24.0;
const PLOT_H: f64 = 300.0;
const BOTTOM: f64 = 100.0; // rotated commit labels and the axis name
const LEGEND_W: f64 = 150.0;

/// A fixed colour per implementation, so the same line keeps its colour in
/// every figure.
pub fn color(name: &str) -> &'static str {
    match name {
        "ringmq" => "#d62728",
        // ringmq's inproc_thr: ringmq's red, lighter.
        RINGMQ_TOOL => "#ff9896",
        "libzmq" => "#1f77b4",
        "zmqrs" => "#2ca02c",
        "rawtcp" => "#7f7f7f",
        other => {
            const MORE: [&str; 6] = [
                "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
            ];
            let h = other
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
            MORE[h % MORE.len()]
        }
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c => o.push(c),
        }
    }
    o
}

/// Maps values to 0..1 (bottom to top) and says where the ticks go.
#[derive(Debug)]
struct Axis {
    log: bool,
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    /// Unlabelled grid lines (3, 4, 6, 7, 8, 9 × 10ⁿ on a short log axis),
    /// so the scale reads as logarithmic.
    minor: Vec<f64>,
}

impl Axis {
    fn new(values: &[f64], scale: YScale) -> Axis {
        let pos: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
        let min = pos.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0f64, f64::max);
        let log = match scale {
            YScale::Log => !pos.is_empty(),
            YScale::Linear => false,
            YScale::Auto => !pos.is_empty() && max / min > 20.0,
        };
        if log {
            Axis::log(min, max)
        } else {
            Axis::linear(max)
        }
    }

    fn linear(max: f64) -> Axis {
        let max = if max > 0.0 { max } else { 1.0 };
        let raw = max / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let n = (max / step).ceil().max(1.0) as usize;
        let ticks = (0..=n).map(|i| i as f64 * step).collect();
        Axis {
            log: false,
            lo: 0.0,
            hi: n as f64 * step,
            ticks,
            minor: Vec::new(),
        }
    }

    /// Bounds and ticks on the 1-2-5 sequence.
    fn log(min: f64, max: f64) -> Axis {
        let steps = |from: i32, to: i32| -> Vec<f64> {
            (from..=to)
                .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
                .collect()
        };
        let e_lo = min.log10().floor() as i32;
        let e_hi = max.log10().ceil() as i32;
        let all = steps(e_lo - 1, e_hi + 1);
        let lo = all
            .iter()
            .copied()
            .filter(|v| *v <= min * 1.0001)
            .fold(all[0], f64::max);
        let mut hi = all
            .iter()
            .copied()
            .find(|v| *v >= max * 0.9999)
            .unwrap_or(*all.last().expect("not empty"));
        if hi <= lo {
            hi = all
                .iter()
                .copied()
                .find(|v| *v > lo)
                .expect("a larger step");
        }
        let decades = (hi / lo).log10();
        let minor = if decades <= 2.0 {
            (e_lo - 1..=e_hi)
                .flat_map(|e| [3.0, 4.0, 6.0, 7.0, 8.0, 9.0].map(|m| m * 10f64.powi(e)))
                .filter(|v| *v > lo && *v < hi)
                .collect()
        } else {
            Vec::new()
        };
        let ticks = all
            .into_iter()
            .filter(|v| *v >= lo * 0.9999 && *v <= hi * 1.0001)
            .filter(|v| decades <= 3.0 || (v.log10().fract().abs() < 1e-9))
            .collect();
        Axis {
            log: true,
            lo,
            hi,
            ticks,
            minor,
        }
    }

    fn frac(&self, v: f64) -> f64 {
        if self.log {
            (v.max(self.lo * 1e-3).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

fn x_frac(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.5
    } else {
        i as f64 / (n - 1) as f64
    }
}

/// The names of all series of a figure, ringmq first.
fn series_names(fig: &Figure) -> Vec<String> {
    let mut names: Vec<String> = fig
        .panels
        .iter()
        .flat_map(|p| p.series.iter())
        .filter(|s| s.points.iter().any(Option::is_some))
        .map(|s| s.name.clone())
        .collect();
    names.sort_by_key(|n| impl_rank(n));
    names.dedup();
    names
}

pub fn render_svg(fig: &Figure) -> String {
    let n_panels = fig.panels.len().max(1);
    let width = n_panels as f64 * PANEL_W + LEGEND_W;
    let height = TOP + PANEL_TITLE_H + PLOT_H + BOTTOM;
    // One y range for all panels of a figure, so p50 and p99.9 compare by eye.
    let values: Vec<f64> = fig
        .panels
        .iter()
        .flat_map(|p| p.series.iter())
        .flat_map(|s| s.points.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    let axis = Axis::new(&values, fig.scale);
    let n = fig.x_labels.len();
    // Thin the labels out when there are many commits.
    let label_every = n.div_ceil(30).max(1);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="26" font-size="17" font-weight="bold" text-anchor="middle">{}</text>"#,
        width / 2.0,
        esc(&fig.title)
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="46" font-size="12" fill="#555" text-anchor="middle">{}</text>"##,
        width / 2.0,
        esc(&fig.subtitle)
    );

    for (pi, panel) in fig.panels.iter().enumerate() {
        let x0 = pi as f64 * PANEL_W + PLOT_LEFT;
        let y0 = TOP + PANEL_TITLE_H;
        let px = |i: usize| x0 + x_frac(i, n) * PLOT_W;
        let py = |v: f64| y0 + PLOT_H - axis.frac(v).clamp(0.0, 1.0) * PLOT_H;
        let _ = writeln!(s, r#"<g class="panel" data-title="{}">"#, esc(&panel.title));
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="14" font-weight="bold" text-anchor="middle">{}</text>"#,
            x0 + PLOT_W / 2.0,
            y0 - 8.0,
            esc(&panel.title)
        );
        // Plot frame and horizontal grid with the y tick labels.
        let _ = writeln!(
            s,
            r##"<rect x="{x0}" y="{y0}" width="{PLOT_W}" height="{PLOT_H}" fill="#fbfbfb" stroke="#999"/>"##
        );
        for t in &axis.minor {
            let y = py(*t);
            let _ = writeln!(
                s,
                r##"<line x1="{x0}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#eee"/>"##,
                x0 + PLOT_W
            );
        }
        for t in &axis.ticks {
            let y = py(*t);
            let _ = writeln!(
                s,
                r##"<line x1="{x0}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/>"##,
                x0 + PLOT_W
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                x0 - 6.0,
                y + 4.0,
                esc(&fmt_si(*t))
            );
        }
        let _ = writeln!(
            s,
            r#"<text transform="translate({:.1},{:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
            x0 - 58.0,
            y0 + PLOT_H / 2.0,
            esc(&if axis.log && !fig.y_label.contains("log") {
                format!("{} (log scale)", fig.y_label)
            } else {
                fig.y_label.clone()
            })
        );
        // Commit ticks and labels.
        for (i, label) in fig.x_labels.iter().enumerate() {
            let x = px(i);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#999"/>"##,
                y0 + PLOT_H,
                y0 + PLOT_H + 5.0
            );
            if i % label_every == 0 || i + 1 == n {
                let _ = writeln!(
                    s,
                    r#"<text transform="translate({x:.1},{:.1}) rotate(-40)" text-anchor="end" font-family="DejaVu Sans Mono, monospace" font-size="11">{}</text>"#,
                    y0 + PLOT_H + 16.0,
                    esc(label)
                );
            }
        }
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#555">commit</text>"##,
            x0 + PLOT_W / 2.0,
            y0 + PLOT_H + BOTTOM - 8.0
        );
        // The lines: one polyline per implementation, markers on the points.
        let mut series: Vec<&Series> = panel
            .series
            .iter()
            .filter(|s| s.points.iter().any(Option::is_some))
            .collect();
        series.sort_by_key(|s| impl_rank(&s.name));
        for ser in series {
            let c = color(&ser.name);
            let pts: Vec<String> = ser
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", px(i), py(v))))
                .collect();
            let _ = writeln!(
                s,
                r#"<polyline class="series" data-impl="{}" fill="none" stroke="{c}" stroke-width="2.2" stroke-linejoin="round" points="{}"/>"#,
                esc(&ser.name),
                pts.join(" ")
            );
            for (i, v) in ser.points.iter().enumerate() {
                if let Some(v) = v {
                    let _ = writeln!(
                        s,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="3.2" fill="{c}"><title>{} {}: {}</title></circle>"#,
                        px(i),
                        py(*v),
                        esc(impl_label(&ser.name)),
                        esc(&fig.x_labels[i]),
                        esc(&fmt_si(*v))
                    );
                }
            }
        }
        let _ = writeln!(s, "</g>");
    }

    // Legend, right of the last panel.
    let lx = n_panels as f64 * PANEL_W + 4.0;
    let ly = TOP + PANEL_TITLE_H + 10.0;
    let _ = writeln!(s, r#"<g class="legend">"#);
    for (i, name) in series_names(fig).iter().enumerate() {
        let y = ly + i as f64 * 22.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="3"/>"#,
            lx + 26.0,
            color(name)
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}">{}</text>"#,
            lx + 32.0,
            y + 4.0,
            esc(impl_label(name))
        );
    }
    let _ = writeln!(s, "</g>");
    s.push_str("</svg>\n");
    s
}

/// One x position per commit (and dirty flag): its latest run, in the order
/// of those runs in the history.
pub fn runs_by_commit(runs: &[Run]) -> Vec<&Run> {
    let mut keep: Vec<&Run> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let later = runs[i + 1..]
            .iter()
            .any(|o| o.commit() == r.commit() && o.dirty() == r.dirty());
        if !later {
            keep.push(r);
        }
    }
    keep
}

/// Every figure the history supports, with its file name: `thr-…`, `lat-…`
/// and `instr-…` per scenario.
pub fn figures(runs: &[Run]) -> Vec<(String, Figure)> {
    let runs = runs_by_commit(runs);
    let labels: Vec<String> = runs.iter().map(|r| r.label()).collect();
    let mut scenarios: BTreeSet<Scenario> = BTreeSet::new();
    let mut impls: Vec<String> = Vec::new();
    for r in &runs {
        scenarios.extend(r.scenarios());
        impls.extend(r.impls());
    }
    impls.sort_by_key(|n| impl_rank(n));
    impls.dedup();

    let series_of = |sc: &Scenario, f: &dyn Fn(&Record) -> Option<f64>| -> Vec<Series> {
        impls
            .iter()
            .map(|imp| Series {
                name: imp.clone(),
                points: runs.iter().map(|r| r.find(imp, sc).and_then(f)).collect(),
            })
            .filter(|s| s.points.iter().any(Option::is_some))
            .collect()
    };

    let mut out = Vec::new();
    for sc in &scenarios {
        let mode = runs
            .iter()
            .rev()
            .find_map(|r| {
                r.find("ringmq", sc)
                    .or_else(|| r.records.iter().find(|x| &x.scenario() == sc))
            })
            .map_or(Mode::Throughput, Record::mode);
        let thr = series_of(sc, &|r| r.msgs_per_sec());
        if mode == Mode::Throughput && !thr.is_empty() {
            out.push((
                format!("thr-{}.svg", sc.slug()),
                Figure {
                    title: format!("Throughput — {sc}"),
                    subtitle: "messages per second by commit, higher is better; one line per implementation"
                        .to_string(),
                    y_label: "msg/s".to_string(),
                    x_labels: labels.clone(),
                    panels: vec![Panel {
                        title: "throughput".to_string(),
                        series: thr,
                    }],
                    scale: YScale::Auto,
                },
            ));
        }
        let panels: Vec<Panel> = PERCENTILES
            .iter()
            .map(|(key, label)| Panel {
                title: label.to_string(),
                series: series_of(sc, &|r| r.lat(key)),
            })
            .collect();
        if mode != Mode::Throughput && panels.iter().any(|p| !p.series.is_empty()) {
            out.push((
                format!("lat-{}.svg", sc.slug()),
                Figure {
                    title: format!("Latency — {sc}"),
                    subtitle: format!(
                        "{} in µs by commit, log scale, lower is better; one line per implementation",
                        if mode == Mode::Rate {
                            "latency from the intended send time"
                        } else {
                            "round trip"
                        }
                    ),
                    y_label: "latency (µs, log)".to_string(),
                    x_labels: labels.clone(),
                    panels,
                    scale: YScale::Log,
                },
            ));
        }
        let instr = series_of(sc, &|r| r.instr_per_msg());
        if !instr.is_empty() {
            out.push((
                format!("instr-{}.svg", sc.slug()),
                Figure {
                    title: format!("Instructions per message — {sc}"),
                    subtitle: "callgrind, by commit, lower is better; one line per implementation"
                        .to_string(),
                    y_label: "instructions / message".to_string(),
                    x_labels: labels.clone(),
                    panels: vec![Panel {
                        title: "instructions per message".to_string(),
                        series: instr,
                    }],
                    scale: YScale::Linear,
                },
            ));
        }
    }
    out
}

/// Writes every figure into `dir`, removes figures of scenarios that are no
/// longer in the history, and writes a `README.md` that shows them all.
pub fn write_all(runs: &[Run], dir: &Path) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let figs = figures(runs);
    let names: Vec<String> = figs.iter().map(|(n, _)| n.clone()).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let ours = name.ends_with(".svg")
                && (name.starts_with("thr-")
                    || name.starts_with("lat-")
                    || name.starts_with("instr-"));
            if ours && !names.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut index = String::from(
        "# ringmq perf history\n\nWritten by `ringmq-perf-report plot` from `perf/history.jsonl` \
         (`scripts/perf` redraws them after each run). One line per implementation, \
         one point per commit.\n\n",
    );
    for (name, fig) in &figs {
        let path = dir.join(name);
        std::fs::write(&path, render_svg(fig))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        index.push_str(&format!("## {}\n\n![{}]({name})\n\n", fig.title, fig.title));
    }
    std::fs::write(dir.join("README.md"), index)
        .map_err(|e| format!("cannot write {}: {e}", dir.join("README.md").display()))?;
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_on_1_2_5() {
        let a = Axis::log(26.0, 115.0);
        assert_eq!((a.lo, a.hi), (20.0, 200.0));
        assert_eq!(a.ticks, vec![20.0, 50.0, 100.0, 200.0]);
        let a = Axis::log(3.0e6, 2.25e8);
        assert_eq!((a.lo, a.hi), (2.0e6, 5.0e8));
        let a = Axis::log(50.0, 50.0);
        assert!(a.hi > a.lo);
        assert!((a.frac(50.0) - 0.0).abs() < 1e-9);
    }

    #[test]
    fn linear_axis_from_zero() {
        let a = Axis::linear(1027.0);
        assert_eq!(a.lo, 0.0);
        assert!(a.hi >= 1027.0 && a.hi <= 1500.0, "{a:?}");
        assert!(a.ticks.len() >= 4 && a.ticks.len() <= 8);
    }
}
