//! Calendar arithmetic without a clock: days since 1970-01-01 ↔ civil dates, ISO dates, HTTP
//! dates (IMF-fixdate, RFC 9110 §5.6.7) and French long dates.

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// `YYYY-MM-DD` of a day count.
pub fn iso(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `DD/MM/YYYY` of a day count.
pub fn french_numeric(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{day:02}/{month:02}/{year:04}")
}

/// `12 mars 2026` of a day count (`1er` for the first day).
pub fn french_long(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    let day = if day == 1 { "1er".to_string() } else { day.to_string() };
    format!("{day} {} {year}", records::MONTHS_FR[month as usize - 1])
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// IMF-fixdate at `seconds` after midnight of a day count: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(days: i64, seconds: u32) -> String {
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let (hour, minute, second) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    format!("{weekday}, {day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT", MONTHS_EN[month as usize - 1])
}

/// RFC 822 date for RSS 2.0 `pubDate`: `Thu, 12 Mar 2026 09:00:00 +0100`.
pub fn rss_date(days: i64) -> String {
    http_date(days, 9 * 3600).replace(" GMT", " +0000")
}

/// Seconds since the epoch of an IMF-fixdate; `None` for any other form.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let rest = text.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS_EN.iter().position(|name| *name == month_name)? as u32 + 1;
    let year: i32 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|part| part.parse::<i64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    (parts.next()? == "GMT").then_some(())?;
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_match_known_values() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(iso(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(iso(days_from_civil(2026, 10, 31) + 1), "2026-11-01");
        // RFC 9110's example date.
        let days = days_from_civil(1994, 11, 6);
        assert_eq!(http_date(days, 8 * 3600 + 49 * 60 + 37), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(days * 86_400 + 31_777));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(french_long(days_from_civil(2026, 3, 1)), "1er mars 2026");
        assert_eq!(french_numeric(days_from_civil(2026, 3, 12)), "12/03/2026");
    }
}
