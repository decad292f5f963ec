//! Money: numbers written the French or the English way, salaries and amounts.
//!
//! Numbers accept thousands separators (spaces of every width, `.` or `,` before exactly three
//! digits), decimal commas and points, and multipliers written after them (`k`, `k€`, `M€`,
//! `millions`, `Md€`, `milliards`, `mille`).

use records::{Amount, Salary, SalaryPeriod};
use serde_json::Value;

/// Upper bound of a plausible salary figure; larger figures are typos or ids.
const SALARY_CEILING: f64 = 10_000_000.0;

/// A number found in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Number {
    /// The value, multiplier applied.
    pub value: f64,
    /// Whether a multiplier (`k`, `M`…) was written after it.
    pub multiplied: bool,
    /// The multiplier (1 when none).
    pub multiplier: f64,
}

fn is_group_space(ch: char) -> bool {
    matches!(ch, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'')
}

/// Every number of `text`, in order. Digits glued to letters before them (`M1405`, `A4`) are
/// skipped: they are codes, not quantities.
pub(crate) fn numbers(text: &str) -> Vec<Number> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_ascii_digit() || (index > 0 && chars[index - 1].is_alphanumeric()) {
            index += 1;
            continue;
        }
        let (value, end) = read_number(&chars, index);
        let (multiplier, end) = read_multiplier(&chars, end);
        if value.is_finite() {
            found.push(Number { value: value * multiplier, multiplied: multiplier != 1.0, multiplier });
        }
        index = end.max(index + 1);
    }
    found
}

fn digits_run(chars: &[char], start: usize) -> usize {
    chars[start.min(chars.len())..].iter().take_while(|ch| ch.is_ascii_digit()).count()
}

/// Reads the number starting at `start`; returns its value and the index after it.
fn read_number(chars: &[char], start: usize) -> (f64, usize) {
    let mut integer = String::new();
    let mut index = start;
    let run = digits_run(chars, index);
    integer.extend(&chars[index..index + run]);
    index += run;
    let mut decimals = String::new();
    // A number longer than any real quantity is read no further.
    while index < chars.len() && integer.len() < 16 {
        let separator = chars[index];
        let next = digits_run(chars, index + 1);
        if next == 0 {
            break;
        }
        if (is_group_space(separator) || separator == '.' || separator == ',') && next == 3 {
            // `45 000`, `45.000`, `300,000`: a thousands group, unless a second separator of the
            // same kind follows with a short group (`1.500,50` is handled by the next round).
            integer.extend(&chars[index + 1..index + 4]);
            index += 4;
            continue;
        }
        if separator == ',' || separator == '.' {
            decimals.extend(&chars[index + 1..index + 1 + next]);
            index += 1 + next;
        }
        break;
    }
    let literal = if decimals.is_empty() { integer } else { format!("{integer}.{decimals}") };
    (literal.parse().unwrap_or(f64::NAN), index)
}

/// Reads a multiplier word after a number (`k`, `M€`, `millions`…).
fn read_multiplier(chars: &[char], start: usize) -> (f64, usize) {
    let mut index = start;
    while index < chars.len() && is_group_space(chars[index]) && index < start + 2 {
        index += 1;
    }
    let word_start = index;
    while index < chars.len() && chars[index].is_alphabetic() && index < word_start + 12 {
        index += 1;
    }
    if index < chars.len() && chars[index].is_alphabetic() {
        return (1.0, start);
    }
    let word: String = chars[word_start..index].iter().collect::<String>();
    let folded = skills::fold(&word);
    let multiplier = match folded.as_str() {
        "k" | "ke" | "keur" | "keuros" | "mille" => 1e3,
        "m" | "me" | "meur" | "meuros" | "million" | "millions" | "mio" => 1e6,
        "md" | "mds" | "mrd" | "mrds" | "mdeur" | "milliard" | "milliards" => 1e9,
        _ => return (1.0, start),
    };
    (multiplier, index)
}

/// The currency named in a folded text (ISO 4217), euros when none is named.
pub(crate) fn currency(folded: &str) -> &'static str {
    if folded.contains('$') || folded.contains("usd") || folded.contains("dollar") {
        "USD"
    } else if folded.contains('£') || folded.contains("gbp") || folded.contains("livre") {
        "GBP"
    } else if folded.contains("chf") || folded.contains("franc suisse") || folded.contains("francs suisses") {
        "CHF"
    } else {
        "EUR"
    }
}

/// Removes what looks like a number but is no salary: a count of months or hours after « sur »
/// (France Travail's `Mensuel de 2000 Euros sur 12 mois`, `Horaire de 14.40 Euros sur 151.67
/// heures`: the figure counts how often the amount is paid, it is never a bound), `13e mois`,
/// `35 h` hebdomadaires, percentages and calendar dates.
fn drop_noise(folded: &str) -> String {
    use std::sync::LazyLock;
    static NOISE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\bsur\s+\d+(?:[.,]\d+)?\s*(?:mois|heures?|h\b|semaines?|jours?|j\b)|\b\d+\s*(?:e|eme|ème)\s+mois|\b\d+(?:[.,]\d+)?\s*(?:h|heures?)\s*(?:par semaine|hebdo\w*|/\s*semaine)|\d+(?:[.,]\d+)?\s*%|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d+\s*(?:jours?|j)\s+de\s+(?:rtt|conges)",
        )
        .expect("valid noise pattern")
    });
    NOISE.replace_all(folded, " ").into_owned()
}

fn period_in(folded: &str) -> Option<SalaryPeriod> {
    use std::sync::LazyLock;
    static PERIODS: LazyLock<[(SalaryPeriod, regex::Regex); 4]> = LazyLock::new(|| {
        let pattern = |text: &str| regex::Regex::new(text).expect("valid period pattern");
        [
            (
                SalaryPeriod::Hour,
                pattern(r"/\s*h\b|/\s*heure|par heure|de l'heure|\bhoraire|\bhourly|per hour|\bheure\b|\bhour\b"),
            ),
            (
                SalaryPeriod::Day,
                pattern(r"/\s*j\b|/\s*jour|par jour|\bjournalier|\btjm\b|\bdaily|per day|\bjour\b|\bday\b"),
            ),
            (SalaryPeriod::Month, pattern(r"/\s*mois|par mois|\bmensuel|\bmonthly|per month|\bmois\b|\bmonth\b")),
            (
                SalaryPeriod::Year,
                pattern(r"/\s*an\b|par an\b|\bannuel|\bannual|\byearly|per year|\ban\b|\bannee\b|\byear\b|\bpa\b"),
            ),
        ]
    });
    PERIODS
        .iter()
        .filter_map(|(period, pattern)| pattern.find(folded).map(|found| (found.start(), *period)))
        .min_by_key(|(start, _)| *start)
        .map(|(_, period)| period)
}

/// The period a figure most likely refers to when the text names none.
fn period_from_magnitude(value: f64) -> SalaryPeriod {
    if value >= 15_000.0 {
        SalaryPeriod::Year
    } else if value >= 1_000.0 {
        SalaryPeriod::Month
    } else if value >= 100.0 {
        SalaryPeriod::Day
    } else {
        SalaryPeriod::Hour
    }
}

fn plausible(value: f64) -> bool {
    value.is_finite() && value > 0.0 && value < SALARY_CEILING
}

/// Builds a salary from bounds, ordering them and inferring the period when unknown.
fn salary(min: Option<f64>, max: Option<f64>, currency: &str, period: Option<SalaryPeriod>) -> Option<Salary> {
    let min = min.filter(|value| plausible(*value));
    let max = max.filter(|value| plausible(*value));
    let (min, max) = match (min, max) {
        (Some(low), Some(high)) if low > high => (Some(high), Some(low)),
        other => other,
    };
    let reference = max.or(min)?;
    let period = period.unwrap_or_else(|| period_from_magnitude(reference));
    Some(Salary { min, max, currency: currency.to_owned(), period })
}

/// A salary written in words: `45 000 - 55 000 € brut annuel`, `Annuel de 40000,00 Euros à
/// 50000,00 Euros`, `Mensuel de 3000 Euros sur 12 mois`, `450 €/jour`, `45k€ - 55k€`, `entre 38
/// et 42 k€`. A single figure gives `min = max`, unless it is introduced as a floor (`à partir
/// de`, `minimum`) or a ceiling (`jusqu'à`, `maximum`). Without a period word, the period is
/// inferred from the magnitude (≥ 15 000 a year, ≥ 1 000 a month, ≥ 100 a day, else an hour).
pub fn salary_text(text: &str) -> Option<Salary> {
    let text: String = text.chars().take(2_000).collect();
    let folded = skills::fold(&text);
    let cleaned = drop_noise(&folded);
    let mut figures: Vec<Number> = numbers(&cleaned).into_iter().filter(|number| number.value > 0.0).collect();
    figures.truncate(2);
    let period = period_in(&cleaned);
    let currency = currency(&folded);
    match figures.as_slice() {
        [] => None,
        [single] => {
            let value = Some(single.value);
            if cleaned.contains("partir de") || cleaned.contains("minimum") || cleaned.contains("des ") {
                salary(value, None, currency, period)
            } else if cleaned.contains("jusqu") || cleaned.contains("maximum") || cleaned.contains("max ") {
                salary(None, value, currency, period)
            } else {
                salary(value, value, currency, period)
            }
        }
        [low, high, ..] => {
            let mut low_value = low.value;
            // `entre 38 et 42 k€`: the multiplier written once applies to both bounds.
            if high.multiplied && !low.multiplied && low.value * high.multiplier <= high.value * 1.000_001 {
                low_value *= high.multiplier;
            }
            let period = period.or(if high.multiplier == 1e3 { Some(SalaryPeriod::Year) } else { None });
            salary(Some(low_value), Some(high.value), currency, period)
        }
    }
}

fn schema_number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => numbers(text).first().map(|number| number.value),
        Value::Array(items) => items.iter().find_map(|item| schema_number(Some(item))),
        Value::Object(map) => schema_number(map.get("value").or_else(|| map.get("@value"))),
        _ => None,
    }
}

fn schema_unit(value: Option<&Value>) -> Option<(SalaryPeriod, f64)> {
    let text = value?.as_str()?;
    let folded = skills::fold(text.trim());
    let unit = match folded.as_str() {
        "year" | "yearly" | "annual" | "an" | "annee" | "annuel" | "ann" => (SalaryPeriod::Year, 1.0),
        "month" | "monthly" | "mois" | "mensuel" | "mon" => (SalaryPeriod::Month, 1.0),
        // Weekly figures become yearly ones: records know no week.
        "week" | "weekly" | "semaine" | "hebdomadaire" | "wee" => (SalaryPeriod::Year, 52.0),
        "day" | "daily" | "jour" | "journalier" | "day_" => (SalaryPeriod::Day, 1.0),
        "hour" | "hourly" | "heure" | "horaire" | "hur" => (SalaryPeriod::Hour, 1.0),
        _ => return None,
    };
    Some(unit)
}

/// A schema.org `baseSalary`: a `MonetaryAmount` whose `value` is a `QuantitativeValue`
/// (`minValue`, `maxValue`, `value`, `unitText` among YEAR, MONTH, WEEK, DAY, HOUR), a bare
/// `QuantitativeValue`, a number, a string (read by [`salary_text`]) or an array of these (the
/// first that reads).
pub fn salary_schema(value: &Value) -> Option<Salary> {
    salary_schema_at(value, 0)
}

fn salary_schema_at(value: &Value, depth: usize) -> Option<Salary> {
    if depth > 4 {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().take(16).find_map(|item| salary_schema_at(item, depth + 1)),
        Value::String(text) => salary_text(text),
        Value::Number(number) => {
            let value = number.as_f64();
            salary(value, value, "EUR", None)
        }
        Value::Object(map) => {
            let currency = map
                .get("currency")
                .or_else(|| map.get("salaryCurrency"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|code| code.len() == 3 && code.chars().all(|ch| ch.is_ascii_alphabetic()))
                .map(str::to_ascii_uppercase)
                .unwrap_or_else(|| "EUR".to_owned());
            let quantity = match map.get("value") {
                Some(Value::Object(inner)) => inner,
                _ => map,
            };
            let exact = schema_number(quantity.get("value"));
            let min = schema_number(quantity.get("minValue")).or(exact);
            let max = schema_number(quantity.get("maxValue")).or(exact);
            let unit = schema_unit(quantity.get("unitText")).or_else(|| schema_unit(map.get("unitText")));
            if min.is_none() && max.is_none() {
                return map.get("value").and_then(|inner| match inner {
                    Value::String(text) => salary_text(text),
                    _ => None,
                });
            }
            let factor = unit.map_or(1.0, |(_, factor)| factor);
            salary(min.map(|v| v * factor), max.map(|v| v * factor), &currency, unit.map(|(period, _)| period))
        }
        _ => None,
    }
}

/// A sum of money: `1,5 M€`, `250 000 €`, `2 millions d'euros`, `€ 300,000`, `750 k€`,
/// `1,2 Md€`. The first figure of the text is taken.
pub fn amount(text: &str) -> Option<Amount> {
    let text: String = text.chars().take(2_000).collect();
    let folded = skills::fold(&text);
    let cleaned = drop_noise(&folded);
    let value = numbers(&cleaned).into_iter().map(|number| number.value).find(|value| *value > 0.0)?;
    if !value.is_finite() || value > 1e13 {
        return None;
    }
    Some(Amount { value, currency: currency(&folded).to_owned() })
}
