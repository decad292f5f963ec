//! French number formatting for messages: decimal comma, thin grouping of thousands, « % » spaced.

/// A number with at most two decimals, trailing zeros removed: `1 160`, `7,5`, `0,25`.
pub fn number(value: f64) -> String {
    decimals(value, 2)
}

/// A share (0–1) as a percentage with at most one decimal: `34,5 %`.
pub fn percent(share: f64) -> String {
    format!("{} %", decimals(share * 100.0, 1))
}

/// A number with at most `places` decimals, trailing zeros removed, French style.
pub fn decimals(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    let text = if text == "-0" { "0" } else { text };
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let mut grouped = String::new();
    for (idx, digit) in whole.chars().enumerate() {
        if idx > 0 && (whole.len() - idx) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped},{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A value rounded to `places` decimals, for figures (so that 0.1 + 0.2 reads 0.3).
pub fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_french_way() {
        assert_eq!(number(1160.0), "1 160");
        assert_eq!(number(1234567.891), "1 234 567,89");
        assert_eq!(number(7.5), "7,5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(-1500.0), "-1 500");
        assert_eq!(percent(0.3448), "34,5 %");
        assert_eq!(percent(0.2), "20 %");
        assert_eq!(round(0.1 + 0.2, 4), 0.3);
    }
}
