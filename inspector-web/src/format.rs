//! Number formatting for dense tables: fixed width where it matters,
//! units engineers read at a glance.

/// A count with thousands separators: `1,234,567`.
pub fn int(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A magnitude with an SI suffix and three significant digits: `12.3k`, `4.56M`.
pub fn si(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{suffix}", sig3(x))
}

/// A count in at most five characters: exact below 10,000, then `12.3k`.
pub fn compact(v: u64) -> String {
    if v < 10_000 {
        v.to_string()
    } else {
        si(v as f64)
    }
}

/// A rate per second: `12.3k/s`.
pub fn rate(v: f64) -> String {
    format!("{}/s", si(v))
}

/// A duration given in microseconds: `850 ns`, `12.3 µs`, `4.56 ms`, `1.20 s`.
pub fn micros(us: f64) -> String {
    if !us.is_finite() {
        "–".into()
    } else if us < 1.0 {
        format!("{} ns", sig3(us * 1e3))
    } else if us < 1e3 {
        format!("{} µs", sig3(us))
    } else if us < 1e6 {
        format!("{} ms", sig3(us / 1e3))
    } else {
        format!("{} s", sig3(us / 1e6))
    }
}

/// A byte count in binary units: `512 B`, `1.50 KiB`, `3.20 MiB`.
pub fn bytes(v: f64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = v;
    let mut u = 0;
    while x.abs() >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{} B", x.round())
    } else {
        format!("{} {}", sig3(x), units[u])
    }
}

/// Milliseconds since the inspector started, as `h:mm:ss.mmm` (hours only when needed).
pub fn clock(ms: u64) -> String {
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{f:03}")
    } else {
        format!("{m:02}:{s:02}.{f:03}")
    }
}

/// A ratio of two counters, `–` when the divisor is zero.
pub fn ratio(num: u64, den: u64) -> String {
    if den == 0 {
        "–".into()
    } else {
        sig3(num as f64 / den as f64)
    }
}

/// A percentile as people write it: `50%`, `99.9%`, `99.99%`.
pub fn percentile(p: f64) -> String {
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// Three significant digits, no trailing zeros past the point.
pub fn sig3(x: f64) -> String {
    let a = x.abs();
    let s = if a >= 100.0 || a == 0.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn formats() {
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(int(999), "999");
        assert_eq!(compact(1000), "1000");
        assert_eq!(compact(100_000), "100k");
        assert_eq!(si(12_345.0), "12.3k");
        assert_eq!(si(4_560_000.0), "4.56M");
        assert_eq!(micros(0.5), "500 ns");
        assert_eq!(micros(12.34), "12.3 µs");
        assert_eq!(micros(4560.0), "4.56 ms");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(clock(61_005), "01:01.005");
        assert_eq!(percentile(99.9), "99.9%");
        assert_eq!(percentile(50.0), "50%");
        assert_eq!(ratio(10, 4), "2.5");
        assert_eq!(ratio(1, 0), "–");
    }
}
