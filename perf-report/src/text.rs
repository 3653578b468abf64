//! Column alignment for the terminal tables.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Pads the cells of `rows` into columns two spaces apart; with
/// `header_rule`, a dashed line under the first row.
pub fn align<const N: usize>(
    rows: &[[String; N]],
    aligns: &[Align; N],
    header_rule: bool,
) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (j, cell) in row.iter().enumerate() {
            let pad = widths[j] - width(cell);
            if j > 0 {
                line.push_str("  ");
            }
            match aligns[j] {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 && header_rule {
            let total = widths.iter().sum::<usize>() + 2 * (N - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}
