//! Calendar dates and UTC instants, without a time-zone library: declarations carry dates,
//! label transitions carry instants.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A day of the proleptic Gregorian calendar, always a valid date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Days in a month of a year.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, when `month` is 1–12 and `day` exists in that month.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Parses `AAAA-MM-JJ` (ISO 8601 calendar date, four-digit year).
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes
                .iter()
                .enumerate()
                .all(|(idx, b)| if idx == 4 || idx == 7 { *b == b'-' } else { b.is_ascii_digit() });
        if !shape_ok {
            return None;
        }
        Date::new(text[0..4].parse().ok()?, text[5..7].parse().ok()?, text[8..10].parse().ok()?)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        Timestamp::now().date()
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: years start in March so that February comes last.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date a number of days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // The arithmetic above always yields a valid day, month 1–12 and a year within i32 for
        // the dates a registry meets; saturate rather than panic on absurd inputs.
        Date { year: i32::try_from(year).unwrap_or(i32::MAX), month: month as u8, day: day as u8 }
    }

    /// The same day `months` later (or earlier); the 31st becomes the last day of a shorter month.
    pub fn add_months(self, months: i32) -> Date {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        let year = index.div_euclid(12);
        let month = (index.rem_euclid(12) + 1) as u8;
        Date { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    pub fn add_years(self, years: i32) -> Date {
        self.add_months(years * 12)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since the Unix epoch, UTC.
    pub unix_seconds: i64,
}

impl Timestamp {
    /// The instant of the system clock.
    pub fn now() -> Timestamp {
        let unix_seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Timestamp { unix_seconds }
    }

    /// Midnight UTC at the start of a day.
    pub fn at_midnight(date: Date) -> Timestamp {
        Timestamp { unix_seconds: date.days_since_epoch() * 86_400 }
    }

    /// The UTC day of this instant.
    pub fn date(self) -> Date {
        Date::from_days_since_epoch(self.unix_seconds.div_euclid(86_400))
    }

    /// Parses `AAAA-MM-JJTHH:MM:SSZ` (RFC 3339 in UTC, as [`fmt::Display`] writes it).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let (date, time) = text.split_once('T')?;
        let time = time.strip_suffix('Z')?;
        let date = Date::parse(date)?;
        let mut parts = time.split(':');
        let mut field = |max: i64| -> Option<i64> {
            let part = parts.next()?;
            let value: i64 =
                (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok())??;
            (value <= max).then_some(value)
        };
        let (hours, minutes, seconds) = (field(23)?, field(59)?, field(59)?);
        if parts.next().is_some() {
            return None;
        }
        Some(Timestamp {
            unix_seconds: Timestamp::at_midnight(date).unix_seconds + hours * 3600 + minutes * 60 + seconds,
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.unix_seconds.rem_euclid(86_400);
        write!(f, "{}T{:02}:{:02}:{:02}Z", self.date(), seconds / 3600, seconds % 3600 / 60, seconds % 60)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive reference: count days one by one from the epoch.
    fn naive_days(date: Date) -> i64 {
        let mut days = 0;
        let mut cursor = Date { year: 1970, month: 1, day: 1 };
        while cursor < date {
            cursor = next_day(cursor);
            days += 1;
        }
        days
    }

    fn next_day(date: Date) -> Date {
        if date.day < days_in_month(date.year, date.month) {
            Date { day: date.day + 1, ..date }
        } else if date.month < 12 {
            Date { month: date.month + 1, day: 1, ..date }
        } else {
            Date { year: date.year + 1, month: 1, day: 1 }
        }
    }

    #[test]
    fn day_numbers_match_counting_day_by_day() {
        let mut cursor = Date { year: 1970, month: 1, day: 1 };
        for expected in 0..25_000 {
            assert_eq!(cursor.days_since_epoch(), expected, "{cursor}");
            assert_eq!(Date::from_days_since_epoch(expected), cursor);
            cursor = next_day(cursor);
        }
        let leap = Date::new(2028, 2, 29).expect("2028 est bissextile");
        assert_eq!(leap.days_since_epoch(), naive_days(leap));
    }

    #[test]
    fn parsing_refuses_impossible_dates() {
        assert_eq!(Date::parse("2026-09-01"), Date::new(2026, 9, 1));
        for bad in ["2026-02-30", "2026-13-01", "2026-9-1", "01/09/2026", "2026-09-01T00:00:00", "2025-02-29"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn adding_years_and_months_clamps_the_day() {
        let leap = Date::new(2028, 2, 29).expect("date");
        assert_eq!(leap.add_years(3).to_string(), "2031-02-28");
        assert_eq!(Date::new(2026, 1, 31).expect("date").add_months(1).to_string(), "2026-02-28");
        assert_eq!(Date::new(2026, 11, 28).expect("date").add_months(-12).to_string(), "2025-11-28");
        assert_eq!(Date::new(2026, 9, 1).expect("date").days_until(Date::new(2026, 11, 28).expect("date")), 88);
    }

    #[test]
    fn timestamps_print_and_parse_in_utc() {
        let instant = Timestamp::parse("2026-11-28T21:16:49Z").expect("instant");
        assert_eq!(instant.to_string(), "2026-11-28T21:16:49Z");
        assert_eq!(instant.date().to_string(), "2026-11-28");
        assert_eq!(Timestamp { unix_seconds: -1 }.to_string(), "1969-12-31T23:59:59Z");
        for bad in ["2026-11-28 21:16:49Z", "2026-11-28T24:00:00Z", "2026-11-28T21:16:49+01:00"] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }
}
