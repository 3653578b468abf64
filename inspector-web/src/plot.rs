//! The little geometry the hand-made SVG charts share: scales, ticks, paths.

/// Maps a data interval onto a pixel interval, linearly or logarithmically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
    log: bool,
}

impl Scale {
    pub fn linear(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
            log: false,
        }
    }

    /// Log scale; the domain must be positive (values are clamped to it).
    pub fn log(domain: (f64, f64), range: (f64, f64)) -> Scale {
        let lo = domain.0.max(f64::MIN_POSITIVE);
        Scale {
            d0: lo.log10(),
            d1: domain.1.max(lo).log10(),
            r0: range.0,
            r1: range.1,
            log: true,
        }
    }

    pub fn map(&self, v: f64) -> f64 {
        let v = if self.log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        };
        let span = self.d1 - self.d0;
        let t = if span.abs() < f64::EPSILON {
            0.5
        } else {
            (v - self.d0) / span
        };
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// Where HdrHistogram's percentile plot puts percentile `p` (0..100) on its
/// x axis: log10(1 / (1 - p)), so 90% → 1, 99% → 2, 99.9% → 3. Capped at
/// 99.9999% (p = 100 is at infinity).
pub fn percentile_x(p: f64) -> f64 {
    let q = (1.0 - p / 100.0).max(1e-6);
    -q.log10()
}

/// About `n` round ticks covering `lo..=hi`.
pub fn linear_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || n == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(t);
        t += step;
    }
    out
}

/// Ticks for a log axis over `lo..=hi`: every decade, plus 2× and 5× when
/// the range spans few decades.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let lo = lo.max(1e-9);
    let hi = hi.max(lo);
    let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mults: &[f64] = if d1 - d0 <= 2 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut out = Vec::new();
    for d in d0..=d1 {
        for m in mults {
            let v = m * 10f64.powi(d);
            if v >= lo * 0.999 && v <= hi * 1.001 {
                out.push(v);
            }
        }
    }
    out
}

/// The domain a log axis should show for values in `lo..=hi`: whole decades.
pub fn log_domain(lo: f64, hi: f64) -> (f64, f64) {
    let lo = lo.max(1e-3);
    let hi = hi.max(lo * 1.0001);
    (
        10f64.powf(lo.log10().floor()),
        10f64.powf(hi.log10().ceil()),
    )
}

/// An SVG path through the points; `None` breaks the line.
pub fn path(points: impl IntoIterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for p in points {
        match p {
            Some((x, y)) => {
                d.push_str(if pen_down { "L" } else { "M" });
                d.push_str(&format!("{x:.1},{y:.1}"));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn percentile_axis() {
        assert!((percentile_x(90.0) - 1.0).abs() < 1e-9);
        assert!((percentile_x(99.9) - 3.0).abs() < 1e-9);
        assert!((percentile_x(100.0) - 6.0).abs() < 1e-9);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn scales_and_ticks() {
        let s = Scale::log((1.0, 100.0), (0.0, 200.0));
        assert!((s.map(10.0) - 100.0).abs() < 1e-9);
        assert_eq!(
            linear_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(log_ticks(1.0, 1000.0), vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(
            path([Some((0.0, 1.0)), Some((2.0, 3.0)), None, Some((4.0, 5.0))]),
            "M0.0,1.0L2.0,3.0M4.0,5.0"
        );
    }
}
