//! French month names, shared by everything that writes a date for a reader (pages, the demo
//! web's calendar, the dashboard's axes).

/// The months of the year in French, lowercase, January first.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The French name of month `month` (1 to 12).
pub fn month_name(month: u32) -> Option<&'static str> {
    usize::try_from(month).ok().and_then(|month| month.checked_sub(1)).and_then(|index| MONTHS_FR.get(index)).copied()
}

/// A `YYYY-MM` month as French words (`2026-03` → `mars 2026`); `None` when it is not one.
pub fn month_label(month: &str) -> Option<String> {
    let (year, number) = month.split_once('-')?;
    if year.len() != 4 || number.len() != 2 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(format!("{} {year}", month_name(number.parse().ok()?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_as_french_words() {
        assert_eq!(month_label("2026-03").as_deref(), Some("mars 2026"));
        assert_eq!(month_label("2025-12").as_deref(), Some("décembre 2025"));
        assert_eq!(month_name(8), Some("août"));
        for wrong in ["2026-13", "2026-00", "26-03", "2026-3", "abcd-01", "2026-03-01", ""] {
            assert_eq!(month_label(wrong), None, "{wrong}");
        }
        assert_eq!(month_name(0), None);
    }
}
