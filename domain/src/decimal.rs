//! Decimal numbers as text with a fixed number of places: hours (`1.5`), a location
//! (`39.12345`), a clock difference.
//!
//! Design decision: integer arithmetic, not `format!("{:.1}", x)`. Rust's float formatting
//! (`core::fmt::float`, Grisu and Dragon with their tables) is some 25 KB of WebAssembly that
//! the phone bundle would download only to print a few numbers. Rounding is half away from
//! zero (四舍五入), which is also what a reader of 0.25 h expects to see as 0.3.

/// `value` with exactly `places` digits after the point (at most 9), rounded half away from
/// zero; `-` for a value that is not finite. Values beyond ±9.2 × 10^18 / 10^places saturate.
pub fn fixed(value: f64, places: u32) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    let places = places.min(9);
    let scale = 10u64.pow(places);
    // `as` saturates; `round` is half away from zero.
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0width$}", width = places as usize)
    }
}

/// Tenths of `numerator / denominator` as text (`hours_from_minutes`: `fraction_tenths(90, 60)`
/// = `1.5`), rounded half up, with integers only; `0.0` when `denominator` is 0.
pub fn fraction_tenths(numerator: u64, denominator: u64) -> String {
    if denominator == 0 {
        return "0.0".to_string();
    }
    let tenths = (numerator * 10 + denominator / 2) / denominator;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(cases: &[(f64, u32)], expect: Expect) {
        let text = cases
            .iter()
            .map(|&(value, places)| format!("{value:?} @{places} -> {}", fixed(value, places)))
            .collect::<Vec<_>>()
            .join("\n");
        expect.assert_eq(&text);
    }

    #[test]
    fn fixed_rounds_half_away_from_zero_and_pads() {
        check(
            &[
                (1.5, 1),
                (0.25, 1),
                (0.05, 0),
                (2.5, 0),
                (-2.5, 0),
                (-0.04, 1),
                (39.912345678, 5),
                (116.4, 5),
                (-33.000004, 5),
                (12.0, 0),
                (0.0, 2),
                (f64::NAN, 1),
                (f64::INFINITY, 1),
            ],
            expect![[r#"
                1.5 @1 -> 1.5
                0.25 @1 -> 0.3
                0.05 @0 -> 0
                2.5 @0 -> 3
                -2.5 @0 -> -3
                -0.04 @1 -> 0.0
                39.912345678 @5 -> 39.91235
                116.4 @5 -> 116.40000
                -33.000004 @5 -> -33.00000
                12.0 @0 -> 12
                0.0 @2 -> 0.00
                NaN @1 -> -
                inf @1 -> -"#]],
        );
    }

    #[test]
    fn fraction_tenths_of_hours() {
        let text = [
            (0, 60),
            (15, 60),
            (45, 60),
            (90, 60),
            (61, 60),
            (599, 60),
            (7, 0),
        ]
        .iter()
        .map(|&(minutes, per)| format!("{minutes}/{per} -> {}", fraction_tenths(minutes, per)))
        .collect::<Vec<_>>()
        .join("\n");
        expect![[r#"
            0/60 -> 0.0
            15/60 -> 0.3
            45/60 -> 0.8
            90/60 -> 1.5
            61/60 -> 1.0
            599/60 -> 10.0
            7/0 -> 0.0"#]]
        .assert_eq(&text);
    }
}
