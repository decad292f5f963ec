//! Records ↔ polars data frames: one flat, typed column per field, per kind (the columns are
//! listed in the crate's README). Dates are Parquet `DATE` columns, lists of strings are
//! `LIST<STRING>`, nested values (`location`, `salary`, `amount`, `budget`) are flattened with
//! their name as prefix. The partition columns (`kind`, `month`) live in the directory names,
//! Hive-style, not in the files.

use chrono::NaiveDate;
use polars::prelude::*;
use records::{Amount, Contract, Dataset, Funding, JobPosting, Kind, Location, Project, Record, Salary, SalaryPeriod};

/// Why a record cannot be stored, in French.
pub(crate) fn validate(record: &Record) -> Result<(), String> {
    if record.id().trim().is_empty() {
        return Err("l'identifiant est vide".into());
    }
    let mut dates: Vec<(&str, &Option<String>)> = Vec::new();
    let mut numbers: Vec<(&str, Option<f64>)> = Vec::new();
    match record {
        Record::Job(job) => {
            dates.push(("date_posted", &job.date_posted));
            dates.push(("valid_through", &job.valid_through));
            if let Some(salary) = &job.salary {
                numbers.push(("salary.min", salary.min));
                numbers.push(("salary.max", salary.max));
            }
        }
        Record::Funding(funding) => {
            dates.push(("date", &funding.date));
            numbers.push(("amount.value", funding.amount.as_ref().map(|amount| amount.value)));
        }
        Record::Project(project) => {
            dates.push(("start_date", &project.start_date));
            dates.push(("end_date", &project.end_date));
            numbers.push(("budget.value", project.budget.as_ref().map(|amount| amount.value)));
        }
        Record::Dataset(dataset) => dates.push(("updated", &dataset.updated)),
    }
    for (field, date) in dates {
        if let Some(text) = date
            && parse_date(text).is_none()
        {
            return Err(format!(
                "le champ {field} vaut « {} », qui n'est pas une date du calendrier au format AAAA-MM-JJ",
                excerpt(text)
            ));
        }
    }
    for (field, number) in numbers {
        if let Some(value) = number
            && !value.is_finite()
        {
            return Err(format!("le champ {field} vaut {value}, alors qu'un nombre fini est attendu"));
        }
    }
    Ok(())
}

/// At most 40 characters of a value, for messages.
pub(crate) fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days since 1970-01-01 of an exact `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(text: &str) -> Option<i32> {
    if text.len() != 10 {
        return None;
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    if date.format("%Y-%m-%d").to_string() != text {
        return None;
    }
    i32::try_from(date.signed_duration_since(epoch()).num_days()).ok()
}

fn format_date(days: i32) -> Option<String> {
    let date = epoch().checked_add_signed(chrono::TimeDelta::try_days(i64::from(days))?)?;
    let text = date.format("%Y-%m-%d").to_string();
    (text.len() == 10).then_some(text)
}

fn strings<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    StringChunked::from_iter_options(name.into(), values).into_column()
}

fn dates<'a>(name: &str, values: impl Iterator<Item = Option<&'a String>>) -> Column {
    // Dates were validated before encoding; an invalid one cannot reach this point.
    Int32Chunked::from_iter_options(name.into(), values.map(|value| value.and_then(|text| parse_date(text))))
        .into_date()
        .into_column()
}

fn floats(name: &str, values: impl Iterator<Item = Option<f64>>) -> Column {
    Float64Chunked::from_iter_options(name.into(), values).into_column()
}

fn lists<'a>(name: &str, len: usize, values: impl Iterator<Item = &'a Vec<String>>) -> Column {
    let mut builder = ListStringChunkedBuilder::new(name.into(), len, len * 2);
    for list in values {
        builder.append_values_iter(list.iter().map(String::as_str));
    }
    builder.finish().into_column()
}

fn period_str(period: SalaryPeriod) -> &'static str {
    match period {
        SalaryPeriod::Year => "year",
        SalaryPeriod::Month => "month",
        SalaryPeriod::Day => "day",
        SalaryPeriod::Hour => "hour",
    }
}

fn parse_period(text: &str) -> Option<SalaryPeriod> {
    match text {
        "year" => Some(SalaryPeriod::Year),
        "month" => Some(SalaryPeriod::Month),
        "day" => Some(SalaryPeriod::Day),
        "hour" => Some(SalaryPeriod::Hour),
        _ => None,
    }
}

/// The data frame of records of one kind (records of other kinds are skipped).
pub(crate) fn encode(kind: Kind, records: &[&Record]) -> PolarsResult<DataFrame> {
    let columns = match kind {
        Kind::Job => {
            let rows: Vec<&JobPosting> = records
                .iter()
                .filter_map(|record| if let Record::Job(job) = record { Some(job) } else { None })
                .collect();
            vec![
                strings("id", rows.iter().map(|row| Some(row.id.as_str()))),
                strings("title", rows.iter().map(|row| Some(row.title.as_str()))),
                strings("description", rows.iter().map(|row| Some(row.description.as_str()))),
                dates("date_posted", rows.iter().map(|row| row.date_posted.as_ref())),
                dates("valid_through", rows.iter().map(|row| row.valid_through.as_ref())),
                strings("employer", rows.iter().map(|row| row.employer.as_deref())),
                strings("location_city", rows.iter().map(|row| row.location.city.as_deref())),
                strings("location_postal_code", rows.iter().map(|row| row.location.postal_code.as_deref())),
                strings("location_region_code", rows.iter().map(|row| row.location.region_code.as_deref())),
                strings("location_country", rows.iter().map(|row| row.location.country.as_deref())),
                BooleanChunked::from_iter_options("remote".into(), rows.iter().map(|row| row.remote)).into_column(),
                strings("contract", rows.iter().map(|row| row.contract.map(Contract::as_str))),
                floats("salary_min", rows.iter().map(|row| row.salary.as_ref().and_then(|salary| salary.min))),
                floats("salary_max", rows.iter().map(|row| row.salary.as_ref().and_then(|salary| salary.max))),
                strings(
                    "salary_currency",
                    rows.iter().map(|row| row.salary.as_ref().map(|salary| salary.currency.as_str())),
                ),
                strings(
                    "salary_period",
                    rows.iter().map(|row| row.salary.as_ref().map(|salary| period_str(salary.period))),
                ),
                lists("competences", rows.len(), rows.iter().map(|row| &row.competences)),
                strings("rome_code", rows.iter().map(|row| row.rome_code.as_deref())),
                strings("sector", rows.iter().map(|row| row.sector.as_deref())),
                strings("source_url", rows.iter().map(|row| Some(row.source_url.as_str()))),
                lists("duplicate_urls", rows.len(), rows.iter().map(|row| &row.duplicate_urls)),
            ]
        }
        Kind::Funding => {
            let rows: Vec<&Funding> = records
                .iter()
                .filter_map(|record| if let Record::Funding(funding) = record { Some(funding) } else { None })
                .collect();
            vec![
                strings("id", rows.iter().map(|row| Some(row.id.as_str()))),
                strings("title", rows.iter().map(|row| Some(row.title.as_str()))),
                strings("funder", rows.iter().map(|row| row.funder.as_deref())),
                strings("recipient", rows.iter().map(|row| row.recipient.as_deref())),
                floats("amount_value", rows.iter().map(|row| row.amount.as_ref().map(|amount| amount.value))),
                strings(
                    "amount_currency",
                    rows.iter().map(|row| row.amount.as_ref().map(|amount| amount.currency.as_str())),
                ),
                dates("date", rows.iter().map(|row| row.date.as_ref())),
                strings("programme", rows.iter().map(|row| row.programme.as_deref())),
                strings("stage", rows.iter().map(|row| row.stage.as_deref())),
                strings("sector", rows.iter().map(|row| row.sector.as_deref())),
                strings("region_code", rows.iter().map(|row| row.region_code.as_deref())),
                strings("source_url", rows.iter().map(|row| Some(row.source_url.as_str()))),
            ]
        }
        Kind::Project => {
            let rows: Vec<&Project> = records
                .iter()
                .filter_map(|record| if let Record::Project(project) = record { Some(project) } else { None })
                .collect();
            vec![
                strings("id", rows.iter().map(|row| Some(row.id.as_str()))),
                strings("title", rows.iter().map(|row| Some(row.title.as_str()))),
                strings("description", rows.iter().map(|row| Some(row.description.as_str()))),
                lists("organisations", rows.len(), rows.iter().map(|row| &row.organisations)),
                dates("start_date", rows.iter().map(|row| row.start_date.as_ref())),
                dates("end_date", rows.iter().map(|row| row.end_date.as_ref())),
                floats("budget_value", rows.iter().map(|row| row.budget.as_ref().map(|amount| amount.value))),
                strings(
                    "budget_currency",
                    rows.iter().map(|row| row.budget.as_ref().map(|amount| amount.currency.as_str())),
                ),
                strings("funder", rows.iter().map(|row| row.funder.as_deref())),
                strings("sector", rows.iter().map(|row| row.sector.as_deref())),
                strings("region_code", rows.iter().map(|row| row.region_code.as_deref())),
                strings("source_url", rows.iter().map(|row| Some(row.source_url.as_str()))),
            ]
        }
        Kind::Dataset => {
            let rows: Vec<&Dataset> = records
                .iter()
                .filter_map(|record| if let Record::Dataset(dataset) = record { Some(dataset) } else { None })
                .collect();
            vec![
                strings("id", rows.iter().map(|row| Some(row.id.as_str()))),
                strings("title", rows.iter().map(|row| Some(row.title.as_str()))),
                strings("publisher", rows.iter().map(|row| row.publisher.as_deref())),
                strings("licence", rows.iter().map(|row| row.licence.as_deref())),
                lists("formats", rows.len(), rows.iter().map(|row| &row.formats)),
                dates("updated", rows.iter().map(|row| row.updated.as_ref())),
                strings("source_url", rows.iter().map(|row| Some(row.source_url.as_str()))),
            ]
        }
    };
    DataFrame::new_infer_height(columns)
}

/// Reads the columns of a data frame, checking their names and types; errors are French.
struct Reader<'a> {
    frame: &'a DataFrame,
}

impl<'a> Reader<'a> {
    fn column(&self, name: &str) -> Result<Option<&'a Column>, String> {
        Ok(self.frame.column(name).ok())
    }

    fn type_error(name: &str, expected: &str, column: &Column) -> String {
        format!("la colonne {name} est de type {}, alors que le type {expected} est attendu", column.dtype())
    }

    /// A required string column: present, typed, without nulls.
    fn required(&self, name: &str) -> Result<Vec<String>, String> {
        let column = self.column(name)?.ok_or_else(|| format!("la colonne obligatoire {name} manque"))?;
        let values = column.str().map_err(|_| Self::type_error(name, "chaîne (STRING)", column))?;
        values
            .iter()
            .enumerate()
            .map(|(row, value)| {
                value.map(str::to_string).ok_or_else(|| format!("la colonne {name} est vide à la ligne {}", row + 1))
            })
            .collect()
    }

    /// An optional string column; an absent column reads as nulls (files written before the
    /// column existed).
    fn strings(&self, name: &str) -> Result<Vec<Option<String>>, String> {
        match self.column(name)? {
            None => Ok(vec![None; self.frame.height()]),
            Some(column) => Ok(column
                .str()
                .map_err(|_| Self::type_error(name, "chaîne (STRING)", column))?
                .iter()
                .map(|value| value.map(str::to_string))
                .collect()),
        }
    }

    fn dates(&self, name: &str) -> Result<Vec<Option<String>>, String> {
        match self.column(name)? {
            None => Ok(vec![None; self.frame.height()]),
            Some(column) => {
                let values = column.date().map_err(|_| Self::type_error(name, "date (DATE)", column))?;
                values
                    .physical()
                    .iter()
                    .map(|value| match value {
                        None => Ok(None),
                        Some(days) => format_date(days)
                            .map(Some)
                            .ok_or_else(|| format!("la colonne {name} contient une date hors des années 0000 à 9999")),
                    })
                    .collect()
            }
        }
    }

    fn floats(&self, name: &str) -> Result<Vec<Option<f64>>, String> {
        match self.column(name)? {
            None => Ok(vec![None; self.frame.height()]),
            Some(column) => {
                Ok(column.f64().map_err(|_| Self::type_error(name, "nombre (DOUBLE)", column))?.iter().collect())
            }
        }
    }

    fn booleans(&self, name: &str) -> Result<Vec<Option<bool>>, String> {
        match self.column(name)? {
            None => Ok(vec![None; self.frame.height()]),
            Some(column) => {
                Ok(column.bool().map_err(|_| Self::type_error(name, "booléen (BOOLEAN)", column))?.iter().collect())
            }
        }
    }

    fn lists(&self, name: &str) -> Result<Vec<Vec<String>>, String> {
        let Some(column) = self.column(name)? else {
            return Ok(vec![Vec::new(); self.frame.height()]);
        };
        let expected = "liste de chaînes (LIST<STRING>)";
        let values = column.list().map_err(|_| Self::type_error(name, expected, column))?;
        let mut rows = Vec::with_capacity(values.len());
        for value in values.amortized_iter() {
            let Some(series) = value else {
                rows.push(Vec::new());
                continue;
            };
            let items = series.as_ref().str().map_err(|_| Self::type_error(name, expected, column))?;
            rows.push(items.iter().map(|item| item.unwrap_or_default().to_string()).collect());
        }
        Ok(rows)
    }
}

fn salary(
    min: Option<f64>,
    max: Option<f64>,
    currency: Option<String>,
    period: Option<String>,
    row: usize,
) -> Result<Option<Salary>, String> {
    match (currency, period) {
        (None, None) if min.is_none() && max.is_none() => Ok(None),
        (Some(currency), Some(period)) => {
            let period = parse_period(&period).ok_or_else(|| {
                format!(
                    "la colonne salary_period vaut « {} » à la ligne {row} ; valeurs acceptées : year, month, day, hour",
                    excerpt(&period)
                )
            })?;
            Ok(Some(Salary { min, max, currency, period }))
        }
        _ => Err(format!(
            "salaire incomplet à la ligne {row} : salary_currency et salary_period sont toutes deux remplies ou toutes deux vides"
        )),
    }
}

fn amount(value: Option<f64>, currency: Option<String>, prefix: &str, row: usize) -> Result<Option<Amount>, String> {
    match (value, currency) {
        (None, None) => Ok(None),
        (Some(value), Some(currency)) => Ok(Some(Amount { value, currency })),
        _ => Err(format!(
            "montant incomplet à la ligne {row} : {prefix}_value et {prefix}_currency sont toutes deux remplies ou toutes deux vides"
        )),
    }
}

/// The records of a data frame of one kind; the error, in French, names the column and row.
pub(crate) fn decode(kind: Kind, frame: &DataFrame) -> Result<Vec<Record>, String> {
    let reader = Reader { frame };
    let ids = reader.required("id")?;
    let titles = reader.required("title")?;
    let source_urls = reader.required("source_url")?;
    let mut records = Vec::with_capacity(ids.len());
    match kind {
        Kind::Job => {
            let descriptions = reader.required("description")?;
            let mut date_posted = reader.dates("date_posted")?.into_iter();
            let mut valid_through = reader.dates("valid_through")?.into_iter();
            let mut employer = reader.strings("employer")?.into_iter();
            let mut city = reader.strings("location_city")?.into_iter();
            let mut postal_code = reader.strings("location_postal_code")?.into_iter();
            let mut region_code = reader.strings("location_region_code")?.into_iter();
            let mut country = reader.strings("location_country")?.into_iter();
            let mut remote = reader.booleans("remote")?.into_iter();
            let mut contract = reader.strings("contract")?.into_iter();
            let mut salary_min = reader.floats("salary_min")?.into_iter();
            let mut salary_max = reader.floats("salary_max")?.into_iter();
            let mut salary_currency = reader.strings("salary_currency")?.into_iter();
            let mut salary_period = reader.strings("salary_period")?.into_iter();
            let mut competences = reader.lists("competences")?.into_iter();
            let mut rome_code = reader.strings("rome_code")?.into_iter();
            let mut sector = reader.strings("sector")?.into_iter();
            let mut duplicate_urls = reader.lists("duplicate_urls")?.into_iter();
            for (row, ((id, title), (description, source_url))) in
                ids.into_iter().zip(titles).zip(descriptions.into_iter().zip(source_urls)).enumerate()
            {
                let line = row + 1;
                let contract = match contract.next().flatten() {
                    None => None,
                    Some(text) => Some(Contract::parse(&text).ok_or_else(|| {
                        format!(
                            "la colonne contract vaut « {} » à la ligne {line} ; valeurs acceptées : cdi, cdd, stage, alternance, freelance, interim",
                            excerpt(&text)
                        )
                    })?),
                };
                records.push(Record::Job(JobPosting {
                    id,
                    title,
                    description,
                    date_posted: date_posted.next().flatten(),
                    valid_through: valid_through.next().flatten(),
                    employer: employer.next().flatten(),
                    location: Location {
                        city: city.next().flatten(),
                        postal_code: postal_code.next().flatten(),
                        region_code: region_code.next().flatten(),
                        country: country.next().flatten(),
                    },
                    remote: remote.next().flatten(),
                    contract,
                    salary: salary(
                        salary_min.next().flatten(),
                        salary_max.next().flatten(),
                        salary_currency.next().flatten(),
                        salary_period.next().flatten(),
                        line,
                    )?,
                    competences: competences.next().unwrap_or_default(),
                    rome_code: rome_code.next().flatten(),
                    sector: sector.next().flatten(),
                    source_url,
                    duplicate_urls: duplicate_urls.next().unwrap_or_default(),
                }));
            }
        }
        Kind::Funding => {
            let mut funder = reader.strings("funder")?.into_iter();
            let mut recipient = reader.strings("recipient")?.into_iter();
            let mut amount_value = reader.floats("amount_value")?.into_iter();
            let mut amount_currency = reader.strings("amount_currency")?.into_iter();
            let mut date = reader.dates("date")?.into_iter();
            let mut programme = reader.strings("programme")?.into_iter();
            let mut stage = reader.strings("stage")?.into_iter();
            let mut sector = reader.strings("sector")?.into_iter();
            let mut region_code = reader.strings("region_code")?.into_iter();
            for (row, ((id, title), source_url)) in ids.into_iter().zip(titles).zip(source_urls).enumerate() {
                records.push(Record::Funding(Funding {
                    id,
                    title,
                    funder: funder.next().flatten(),
                    recipient: recipient.next().flatten(),
                    amount: amount(amount_value.next().flatten(), amount_currency.next().flatten(), "amount", row + 1)?,
                    date: date.next().flatten(),
                    programme: programme.next().flatten(),
                    stage: stage.next().flatten(),
                    sector: sector.next().flatten(),
                    region_code: region_code.next().flatten(),
                    source_url,
                }));
            }
        }
        Kind::Project => {
            let descriptions = reader.required("description")?;
            let mut organisations = reader.lists("organisations")?.into_iter();
            let mut start_date = reader.dates("start_date")?.into_iter();
            let mut end_date = reader.dates("end_date")?.into_iter();
            let mut budget_value = reader.floats("budget_value")?.into_iter();
            let mut budget_currency = reader.strings("budget_currency")?.into_iter();
            let mut funder = reader.strings("funder")?.into_iter();
            let mut sector = reader.strings("sector")?.into_iter();
            let mut region_code = reader.strings("region_code")?.into_iter();
            for (row, ((id, title), (description, source_url))) in
                ids.into_iter().zip(titles).zip(descriptions.into_iter().zip(source_urls)).enumerate()
            {
                records.push(Record::Project(Project {
                    id,
                    title,
                    description,
                    organisations: organisations.next().unwrap_or_default(),
                    start_date: start_date.next().flatten(),
                    end_date: end_date.next().flatten(),
                    budget: amount(budget_value.next().flatten(), budget_currency.next().flatten(), "budget", row + 1)?,
                    funder: funder.next().flatten(),
                    sector: sector.next().flatten(),
                    region_code: region_code.next().flatten(),
                    source_url,
                }));
            }
        }
        Kind::Dataset => {
            let mut publisher = reader.strings("publisher")?.into_iter();
            let mut licence = reader.strings("licence")?.into_iter();
            let mut formats = reader.lists("formats")?.into_iter();
            let mut updated = reader.dates("updated")?.into_iter();
            for (id, (title, source_url)) in ids.into_iter().zip(titles.into_iter().zip(source_urls)) {
                records.push(Record::Dataset(Dataset {
                    id,
                    title,
                    publisher: publisher.next().flatten(),
                    licence: licence.next().flatten(),
                    formats: formats.next().unwrap_or_default(),
                    updated: updated.next().flatten(),
                    source_url,
                }));
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_exact_calendar_dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        for bad in ["2026-02-30", "2026-3-04", "2026-03", "26-03-04", "2026-03-04T10:00", "", "aaaa-bb-cc"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()).as_deref(), Some("2024-02-29"));
        assert_eq!(format_date(i32::MAX), None);
    }
}
