//! Routes of the normal web and the rendering of each page from the model, on request.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use records::{Contract, Salary, SalaryPeriod};
use serde_json::{Value, json};

use crate::calendar::{french_long, french_numeric, iso, rss_date};
use crate::model::{FundingKind, Model, N_MONTHS, Offer, Publication, today};
use crate::vocab::{CITIES, ROLES, SECTORS, region_name};
use crate::{
    HOST_ALPHA, HOST_API, HOST_BETA, HOST_DELTA, HOST_EPSILON, HOST_ETA, HOST_GAMMA, HOST_IOTA, HOST_THETA, HOST_ZETA,
    JobSite, NORMAL_HOSTS, api_offer_id,
};

/// Offers per listing page, per job site.
const JOB_PAGE_SIZE: [usize; 4] = [50, 40, 30, 0];
/// Funding and project listings.
const ITEM_PAGE_SIZE: usize = 20;
/// France Travail's maximum range width.
pub(crate) const API_MAX_RANGE: usize = 150;
/// data.gouv page size.
const DATAGOUV_PAGE_SIZE: usize = 20;

/// A page of the normal web.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageRef {
    Home(&'static str),
    Robots(&'static str),
    Sitemap(&'static str),
    JobListing(JobSite, usize),
    JobDetail(usize, usize),
    Feed(Option<i64>),
    FeedArchives,
    ApiSearch(usize, usize),
    FundingListing(&'static str, usize),
    FundingDetail(usize),
    ProjectListing(usize),
    ProjectDetail(usize),
    CordisProjects,
    CordisOrganisations,
    Datagouv(usize),
}

/// A rendered answer.
pub(crate) struct Rendered {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Day the content last changed (for `Last-Modified`).
    pub modified: i64,
    pub extra_headers: Vec<(String, String)>,
}

const HTML: &str = "text/html; charset=utf-8";

impl Rendered {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>, modified: i64) -> Rendered {
        Rendered { status: 200, content_type, body: body.into(), modified, extra_headers: Vec::new() }
    }
}

/// Offers of a job site, newest first: (offer index, publication index).
fn site_offers(model: &Model, site: JobSite) -> Vec<(usize, usize)> {
    let mut list: Vec<(usize, usize)> = model
        .offers
        .iter()
        .enumerate()
        .flat_map(|(o, offer)| {
            offer.publications.iter().enumerate().filter(move |(_, p)| p.site == site).map(move |(p, _)| (o, p))
        })
        .collect();
    list.reverse();
    list
}

fn n_pages(items: usize, size: usize) -> usize {
    items.div_ceil(size).max(1)
}

/// Every URL of the normal web and its page.
pub(crate) fn routes(model: &Model) -> BTreeMap<String, PageRef> {
    let mut routes = BTreeMap::new();
    for host in NORMAL_HOSTS {
        routes.insert(format!("http://{host}/"), PageRef::Home(host));
        routes.insert(format!("http://{host}/robots.txt"), PageRef::Robots(host));
    }
    for host in [HOST_ALPHA, HOST_EPSILON, HOST_ETA] {
        routes.insert(format!("http://{host}/sitemap.xml"), PageRef::Sitemap(host));
    }
    for (site, size) in [JobSite::Alpha, JobSite::Beta, JobSite::Gamma].into_iter().zip(JOB_PAGE_SIZE) {
        let count = site_offers(model, site).len();
        for page in 1..=n_pages(count, size) {
            routes.insert(listing_url(site, page), PageRef::JobListing(site, page));
        }
    }
    for (o, offer) in model.offers.iter().enumerate() {
        for (p, publication) in offer.publications.iter().enumerate() {
            if publication.site != JobSite::Api {
                routes.insert(publication.url.clone(), PageRef::JobDetail(o, p));
            }
        }
    }
    routes.insert(format!("http://{HOST_DELTA}/flux.xml"), PageRef::Feed(None));
    routes.insert(format!("http://{HOST_DELTA}/archives"), PageRef::FeedArchives);
    for m in 0..N_MONTHS {
        routes.insert(format!("http://{HOST_DELTA}/flux/{}.xml", month_name(m)), PageRef::Feed(Some(m)));
    }
    let api_count = site_offers(model, JobSite::Api).len();
    for start in (0..api_count).step_by(API_MAX_RANGE) {
        let end = (start + API_MAX_RANGE - 1).min(api_count - 1);
        routes.insert(api_url(start, end), PageRef::ApiSearch(start, end));
    }
    let epsilon = model.fundings.iter().filter(|f| !matches!(f.kind, FundingKind::SeedFund)).count();
    let zeta = model.fundings.len() - epsilon;
    for page in 1..=n_pages(epsilon, ITEM_PAGE_SIZE) {
        routes
            .insert(format!("http://{HOST_EPSILON}/laureats?page={page}"), PageRef::FundingListing(HOST_EPSILON, page));
    }
    for page in 1..=n_pages(zeta, ITEM_PAGE_SIZE) {
        routes.insert(
            format!("http://{HOST_ZETA}/investissements?page={page}"),
            PageRef::FundingListing(HOST_ZETA, page),
        );
    }
    for (index, event) in model.fundings.iter().enumerate() {
        routes.insert(event.url.clone(), PageRef::FundingDetail(index));
    }
    let eta = model.projects.iter().filter(|p| !p.cordis).count();
    for page in 1..=n_pages(eta, ITEM_PAGE_SIZE) {
        routes.insert(format!("http://{HOST_ETA}/projets?page={page}"), PageRef::ProjectListing(page));
    }
    for (index, project) in model.projects.iter().enumerate() {
        if !project.cordis {
            routes.insert(project.url.clone(), PageRef::ProjectDetail(index));
        }
    }
    routes.insert(format!("http://{HOST_THETA}/data/project.csv"), PageRef::CordisProjects);
    routes.insert(format!("http://{HOST_THETA}/data/organization.csv"), PageRef::CordisOrganisations);
    for page in 1..=n_pages(model.datasets.len(), DATAGOUV_PAGE_SIZE) {
        routes.insert(datagouv_url(page), PageRef::Datagouv(page));
    }
    routes
}

fn listing_url(site: JobSite, page: usize) -> String {
    match site {
        JobSite::Alpha => format!("http://{HOST_ALPHA}/offres?page={page}"),
        JobSite::Beta => format!("http://{HOST_BETA}/postes?page={page}"),
        _ => format!("http://{HOST_GAMMA}/annonces/page/{page}"),
    }
}

pub(crate) fn api_url(start: usize, end: usize) -> String {
    format!("http://{HOST_API}/partenaire/offresdemploi/v2/offres/search?range={start}-{end}")
}

fn datagouv_url(page: usize) -> String {
    format!("http://{HOST_IOTA}/api/1/datasets/?page={page}")
}

fn month_name(m: i64) -> String {
    let (year, month, _) = crate::calendar::civil_from_days(today());
    let index = i64::from(year) * 12 + i64::from(month) - 1 - (N_MONTHS - 1) + m;
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

/// Escapes text for HTML and XML.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn html_page(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n",
        esc(title)
    )
}

/// A JSON-LD script element; `<` is escaped so that no text closes the script.
fn json_ld(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default().replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">\n{text}\n</script>\n")
}

/// `45 000` with the given thousands separator.
fn thousands(value: f64, separator: &str) -> String {
    let integer = value.round() as i64;
    let digits = integer.to_string();
    let mut out = String::new();
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(ch);
    }
    out
}

/// `12,50` for hourly rates, thousands otherwise.
fn french_amount(value: f64, separator: &str) -> String {
    if value.fract() != 0.0 { format!("{value:.2}").replace('.', ",") } else { thousands(value, separator) }
}

/// Salary text of the plain-HTML board: `45 000 à 55 000 € brut par an`.
fn salary_gamma(salary: &Salary) -> String {
    let nbsp = "\u{a0}";
    let (min, max) = (salary.min.unwrap_or(0.0), salary.max.unwrap_or(0.0));
    let unit = match salary.period {
        SalaryPeriod::Year => "brut par an",
        SalaryPeriod::Month => "brut par mois",
        SalaryPeriod::Day => "par jour",
        SalaryPeriod::Hour => "brut de l'heure",
    };
    if min == max {
        format!("{}{nbsp}€ {unit}", french_amount(min, nbsp))
    } else {
        format!("{} à {}{nbsp}€ {unit}", french_amount(min, nbsp), french_amount(max, nbsp))
    }
}

/// Salary text of the feed site: `45-55 k€ / an`, `1 800 € / mois`, `TJM 500-600 €`.
fn salary_delta(salary: &Salary) -> String {
    let (min, max) = (salary.min.unwrap_or(0.0), salary.max.unwrap_or(0.0));
    match salary.period {
        SalaryPeriod::Year if min == max => format!("{} k€ / an", min / 1000.0),
        SalaryPeriod::Year => format!("{}-{} k€ / an", min / 1000.0, max / 1000.0),
        SalaryPeriod::Month if min == max => format!("{} € / mois", thousands(min, " ")),
        SalaryPeriod::Month => format!("{}-{} € / mois", thousands(min, " "), thousands(max, " ")),
        SalaryPeriod::Day if min == max => format!("TJM {min} €"),
        SalaryPeriod::Day => format!("TJM {min}-{max} €"),
        SalaryPeriod::Hour => format!("{} € / heure", french_amount(min, " ")),
    }
}

/// France Travail's `salaire.libelle`: `Annuel de 45000.00 Euros à 55000.00 Euros sur 12 mois`.
fn salary_api(salary: &Salary) -> String {
    let (min, max) = (salary.min.unwrap_or(0.0), salary.max.unwrap_or(0.0));
    let (period, suffix) = match salary.period {
        SalaryPeriod::Year => ("Annuel", "sur 12 mois"),
        SalaryPeriod::Month => ("Mensuel", "sur 12 mois"),
        SalaryPeriod::Day => ("Journalier", ""),
        SalaryPeriod::Hour => ("Horaire", "sur 151.67 heures"),
    };
    let range = if min == max { format!("{min:.2} Euros") } else { format!("{min:.2} Euros à {max:.2} Euros") };
    format!("{period} de {range} {suffix}").trim_end().to_string()
}

fn unit_text(period: SalaryPeriod) -> &'static str {
    match period {
        SalaryPeriod::Year => "YEAR",
        SalaryPeriod::Month => "MONTH",
        SalaryPeriod::Day => "DAY",
        SalaryPeriod::Hour => "HOUR",
    }
}

fn quantitative(salary: &Salary) -> Value {
    let (min, max) = (salary.min.unwrap_or(0.0), salary.max.unwrap_or(0.0));
    if min == max {
        json!({"@type": "QuantitativeValue", "value": min, "unitText": unit_text(salary.period)})
    } else {
        json!({"@type": "QuantitativeValue", "minValue": min, "maxValue": max, "unitText": unit_text(salary.period)})
    }
}

/// The description as published: the clean text with the contact sentence, if any, at the end
/// (odd site numbers) or before the closing sentence (even ones), so that its removal is tested
/// in both places.
fn published_description(publication: &Publication) -> String {
    let Some(sentence) = &publication.contact_sentence else { return publication.description.clone() };
    let description = &publication.description;
    match description.trim_end_matches('.').rfind(". ") {
        Some(end) if publication.number.is_multiple_of(2) => {
            format!("{} {sentence} {}", &description[..=end], &description[end + 2..])
        }
        _ => format!("{description} {sentence}"),
    }
}

/// The description as one HTML paragraph.
fn description_html(text: &str) -> String {
    format!("<p>{}</p>\n", esc(text))
}

fn alpha_contract(contract: Contract) -> &'static str {
    match contract {
        Contract::Cdi => "CDI",
        Contract::Cdd => "CDD",
        Contract::Stage => "INTERN",
        Contract::Alternance => "Alternance",
        Contract::Freelance => "CONTRACTOR",
        Contract::Interim => "TEMPORARY",
    }
}

fn job_detail(model: &Model, offer: &Offer, publication: &Publication) -> Rendered {
    let employer = &model.employers[offer.employer];
    let city = &CITIES[offer.city];
    let sector = SECTORS[employer.sector].1;
    let description = published_description(publication);
    let title = &publication.title;
    match publication.site {
        JobSite::Alpha => {
            let mut posting = json!({
                "@type": "JobPosting",
                "title": title,
                "description": description,
                "identifier": {"@type": "PropertyValue", "name": "Emplois Alpha", "value": (10_000 + publication.number).to_string()},
                "datePosted": iso(offer.date),
                "validThrough": format!("{}T23:59", iso(offer.date + offer.valid_days)),
                "employmentType": alpha_contract(offer.contract),
                "hiringOrganization": {"@type": "Organization", "name": employer.name, "sameAs": format!("http://{}/", employer.domain)},
                "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": city.name,
                    "postalCode": city.postal_code, "addressCountry": "FR"}},
                "occupationalCategory": ROLES[offer.role].rome,
                "industry": sector,
            });
            if let Some(salary) = &offer.salary {
                posting["baseSalary"] =
                    json!({"@type": "MonetaryAmount", "currency": "EUR", "value": quantitative(salary)});
            }
            if offer.remote {
                posting["jobLocationType"] = json!("TELECOMMUTE");
            }
            let document = match &publication.structured_contact {
                Some(person) if publication.number.is_multiple_of(2) => {
                    posting["@id"] = json!(publication.url);
                    json!({"@context": "https://schema.org", "@graph": [posting, {
                        "@type": "Person", "name": person.full_name(), "email": person.email, "telephone": person.phone,
                        "jobTitle": if person.feminine { "Chargée de recrutement" } else { "Chargé de recrutement" },
                        "worksFor": {"@type": "Organization", "name": employer.name}}]})
                }
                Some(person) => {
                    posting["applicationContact"] = json!({"@type": "ContactPoint", "name": person.full_name(),
                        "email": person.email, "telephone": person.phone});
                    posting["@context"] = json!("https://schema.org");
                    posting
                }
                None => {
                    posting["@context"] = json!("https://schema.org");
                    posting
                }
            };
            let body = format!(
                "<header><a href=\"/\">Emplois Alpha</a></header>\n<main>\n<h1>{}</h1>\n<p>{} – {} · publiée le {}</p>\n{}<p><a href=\"/offres?page=1\">Toutes les offres</a></p>\n</main>",
                esc(title),
                esc(&employer.name),
                esc(city.name),
                french_long(offer.date),
                description_html(&description)
            );
            Rendered::ok(HTML, html_page(&format!("{title} – Emplois Alpha"), &json_ld(&document), &body), offer.date)
        }
        JobSite::Beta => {
            let mut body = String::new();
            let _ = write!(
                body,
                "<header><a href=\"/\">Carrières Bêta</a></header>\n<main>\n<article itemscope itemtype=\"https://schema.org/JobPosting\">\n\
                 <h1 itemprop=\"title\">{}</h1>\n<p>Publiée le {}<meta itemprop=\"datePosted\" content=\"{}\"></p>\n\
                 <meta itemprop=\"validThrough\" content=\"{}\">\n\
                 <p itemprop=\"hiringOrganization\" itemscope itemtype=\"https://schema.org/Organization\"><span itemprop=\"name\">{}</span></p>\n\
                 <p itemprop=\"jobLocation\" itemscope itemtype=\"https://schema.org/Place\"><span itemprop=\"address\" itemscope itemtype=\"https://schema.org/PostalAddress\"><span itemprop=\"addressLocality\">{}</span> (<span itemprop=\"postalCode\">{}</span>)<meta itemprop=\"addressCountry\" content=\"FR\"></span></p>\n\
                 <p>Contrat : <span itemprop=\"employmentType\">{}</span></p>\n",
                esc(title),
                french_long(offer.date),
                iso(offer.date),
                iso(offer.date + offer.valid_days),
                esc(&employer.name),
                esc(city.name),
                city.postal_code,
                offer.contract.label()
            );
            if let Some(salary) = &offer.salary {
                let (min, max) = (salary.min.unwrap_or(0.0), salary.max.unwrap_or(0.0));
                let values = if min == max {
                    format!("<meta itemprop=\"value\" content=\"{min}\">")
                } else {
                    format!(
                        "<meta itemprop=\"minValue\" content=\"{min}\"><meta itemprop=\"maxValue\" content=\"{max}\">"
                    )
                };
                let _ = writeln!(
                    body,
                    "<p itemprop=\"baseSalary\" itemscope itemtype=\"https://schema.org/MonetaryAmount\"><meta itemprop=\"currency\" content=\"EUR\">\
                     <span itemprop=\"value\" itemscope itemtype=\"https://schema.org/QuantitativeValue\">{values}<meta itemprop=\"unitText\" content=\"{}\">{}</span></p>",
                    unit_text(salary.period),
                    esc(&salary_gamma(salary))
                );
            }
            let _ = writeln!(body, "<p>Secteur : <span itemprop=\"industry\">{}</span></p>", esc(sector));
            if offer.remote {
                let _ = writeln!(
                    body,
                    "<p>Télétravail possible<meta itemprop=\"jobLocationType\" content=\"TELECOMMUTE\"></p>"
                );
            }
            let _ = write!(
                body,
                "<div itemprop=\"description\">\n{}</div>\n<p><a href=\"/candidature/{}\">Postuler</a></p>\n</article>\n</main>",
                description_html(&description),
                publication.number
            );
            Rendered::ok(HTML, html_page(&format!("{title} – Carrières Bêta"), "", &body), offer.date)
        }
        JobSite::Gamma => {
            let mut body = format!(
                "<div id=\"entete\"><a href=\"/\">Annonces Gamma</a></div>\n<div class=\"annonce\">\n<h1 class=\"intitule\">{}</h1>\n\
                 <p class=\"meta\">Publiée le <span class=\"date\">{}</span></p>\n<p>Entreprise : <span class=\"societe\">{}</span></p>\n\
                 <p>Lieu : <span class=\"ville\">{}</span> <span class=\"cp\">{}</span></p>\n<p>Contrat : <span class=\"contrat\">{}</span></p>\n",
                esc(title),
                french_numeric(offer.date),
                esc(&employer.name),
                esc(city.name),
                city.postal_code,
                offer.contract.label()
            );
            if let Some(salary) = &offer.salary {
                let _ = writeln!(
                    body,
                    "<p>Rémunération : <span class=\"salaire\">{}</span></p>",
                    esc(&salary_gamma(salary))
                );
            }
            let _ = writeln!(body, "<p>Secteur : <span class=\"secteur\">{}</span></p>", esc(sector));
            if offer.remote {
                body.push_str("<p class=\"teletravail\">Télétravail partiel possible</p>\n");
            }
            let _ = write!(body, "<div class=\"texte\">\n{}</div>\n</div>", description_html(&description));
            let page =
                html_page(&format!("{title} – Annonces Gamma"), "", &body).replace("<meta charset=\"utf-8\">\n", "");
            let mut rendered = Rendered::ok("text/html; charset=windows-1252", windows_1252(&page), offer.date);
            rendered.content_type = "text/html; charset=windows-1252";
            rendered
        }
        JobSite::Delta => {
            let mut body = format!(
                "<nav><a href=\"/\">Flux Delta</a> · <a href=\"/archives\">Archives</a></nav>\n<article class=\"offre\">\n<h1>{}</h1>\n<dl>\n\
                 <dt>Employeur</dt><dd class=\"employeur\">{}</dd>\n<dt>Lieu</dt><dd class=\"lieu\"><span class=\"ville\">{}</span> <span class=\"code-postal\">{}</span></dd>\n\
                 <dt>Publication</dt><dd><time datetime=\"{}\">{}</time></dd>\n<dt>Contrat</dt><dd class=\"contrat\">{}</dd>\n",
                esc(title),
                esc(&employer.name),
                esc(city.name),
                city.postal_code,
                iso(offer.date),
                french_long(offer.date),
                offer.contract.label()
            );
            if let Some(salary) = &offer.salary {
                let _ = writeln!(body, "<dt>Salaire</dt><dd class=\"salaire\">{}</dd>", esc(&salary_delta(salary)));
            }
            let _ = writeln!(body, "<dt>Secteur</dt><dd class=\"secteur\">{}</dd>", esc(sector));
            if offer.remote {
                body.push_str("<dt>Télétravail</dt><dd class=\"teletravail\">partiel</dd>\n");
            }
            let _ = write!(
                body,
                "</dl>\n<section class=\"description\">\n{}</section>\n</article>",
                description_html(&description)
            );
            Rendered::ok(HTML, html_page(&format!("{title} – Flux Delta"), "", &body), offer.date)
        }
        JobSite::Api => Rendered::ok("application/json", api_offer(model, offer, publication).to_string(), offer.date),
    }
}

/// Windows-1252 bytes of a text; characters outside it become `?`.
pub(crate) fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|ch| match ch {
            '\u{0}'..='\u{7f}' | '\u{a0}'..='\u{ff}' => ch as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9c,
            'Œ' => 0x8c,
            'Ÿ' => 0x9f,
            _ => b'?',
        })
        .collect()
}

fn department(commune: &str) -> &str {
    if commune.starts_with("97") { &commune[..3] } else { &commune[..2] }
}

fn api_offer(model: &Model, offer: &Offer, publication: &Publication) -> Value {
    let employer = &model.employers[offer.employer];
    let city = &CITIES[offer.city];
    let role = &ROLES[offer.role];
    let id = api_offer_id(publication.number);
    let (type_code, type_label, nature) = match offer.contract {
        Contract::Cdi => ("CDI", "Contrat à durée indéterminée".to_string(), "Contrat travail"),
        Contract::Cdd => ("CDD", "Contrat à durée déterminée - 12 Mois".to_string(), "Contrat travail"),
        Contract::Interim => ("MIS", "Mission intérimaire - 6 Mois".to_string(), "Contrat travail"),
        Contract::Alternance => ("CDD", "Contrat à durée déterminée - 24 Mois".to_string(), "Contrat apprentissage"),
        Contract::Freelance => ("LIB", "Profession libérale".to_string(), "Contrat travail"),
        Contract::Stage => ("CDD", "Contrat à durée déterminée - 6 Mois".to_string(), "Contrat travail"),
    };
    let experience = ["Débutant accepté", "3 An(s)", "5 An(s)"][usize::from(offer.senior)];
    let mut value = json!({
        "id": id,
        "intitule": publication.title,
        "description": published_description(publication),
        "dateCreation": format!("{}T08:30:00.000Z", iso(offer.date)),
        "dateActualisation": format!("{}T08:30:00.000Z", iso(offer.date)),
        "lieuTravail": {"libelle": format!("{} - {}", department(city.commune), city.name.to_uppercase()),
            "codePostal": city.postal_code, "commune": city.commune},
        "romeCode": role.rome,
        "romeLibelle": role.title_alt,
        "appellationlibelle": role.title,
        "entreprise": {"nom": employer.name, "entrepriseAdaptee": false},
        "typeContrat": type_code,
        "typeContratLibelle": type_label,
        "natureContrat": nature,
        "experienceExige": if offer.senior == 0 { "D" } else { "E" },
        "experienceLibelle": experience,
        "competences": offer.keywords.iter().map(|keyword| json!({"libelle": keyword, "exigence": "S"})).collect::<Vec<_>>(),
        "salaire": offer.salary.as_ref().map(|s| json!({"libelle": salary_api(s)})).unwrap_or_else(|| json!({})),
        "alternance": offer.contract == Contract::Alternance,
        "secteurActiviteLibelle": SECTORS[employer.sector].1,
        "origineOffre": {"origine": "1", "urlOrigine": publication.url},
    });
    if let Some(person) = &publication.structured_contact {
        value["contact"] = json!({"nom": format!("{} - {} {}", employer.name, person.civility(), person.full_name()),
            "courriel": person.email, "telephone": person.phone, "coordonnees1": format!("{} {}", city.postal_code, city.name)});
    }
    value
}

/// The France Travail search answer for offers `start..=end` (newest first) and its
/// `Content-Range`; status 206 unless the whole result fits.
pub(crate) fn api_search(model: &Model, start: usize, end: usize) -> Rendered {
    let list = site_offers(model, JobSite::Api);
    let total = list.len();
    if end < start || end - start + 1 > API_MAX_RANGE {
        let body = json!({"codeHttp": 400, "message": format!("La plage « {start}-{end} » est invalide : au plus {API_MAX_RANGE} offres par requête, début inférieur ou égal à la fin.")});
        return Rendered {
            status: 400,
            content_type: "application/json",
            body: body.to_string().into_bytes(),
            modified: today(),
            extra_headers: Vec::new(),
        };
    }
    if start >= total {
        return Rendered {
            status: 204,
            content_type: "application/json",
            body: Vec::new(),
            modified: today(),
            extra_headers: Vec::new(),
        };
    }
    let end = end.min(total - 1);
    let resultats: Vec<Value> = list[start..=end]
        .iter()
        .map(|(o, p)| api_offer(model, &model.offers[*o], &model.offers[*o].publications[*p]))
        .collect();
    let body = json!({"resultats": resultats, "filtresPossibles": []});
    let status = if start == 0 && end + 1 == total { 200 } else { 206 };
    Rendered {
        status,
        content_type: "application/json",
        body: body.to_string().into_bytes(),
        modified: today(),
        extra_headers: vec![
            ("Content-Range".into(), format!("offres {start}-{end}/{total}")),
            ("Accept-Range".into(), format!("offres {API_MAX_RANGE}")),
        ],
    }
}

fn robots(host: &str) -> String {
    match host {
        HOST_ALPHA => format!(
            "User-agent: *\nDisallow: /recherche\nDisallow: /admin/\n\nSitemap: http://{HOST_ALPHA}/sitemap.xml\n"
        ),
        HOST_BETA => {
            "# Les pages de candidature ne doivent pas être explorées.\nUser-agent: *\nDisallow: /candidature/\n".into()
        }
        HOST_EPSILON | HOST_ETA => format!("User-agent: *\nAllow: /\n\nSitemap: http://{host}/sitemap.xml\n"),
        HOST_IOTA => "User-agent: *\nDisallow: /admin/\n".into(),
        _ => "User-agent: *\nAllow: /\n".into(),
    }
}

fn listing(model: &Model, site: JobSite, page: usize) -> Rendered {
    let index = site as usize;
    let size = JOB_PAGE_SIZE[index];
    let list = site_offers(model, site);
    let pages = n_pages(list.len(), size);
    let mut items = String::new();
    for (o, p) in list.iter().skip((page - 1) * size).take(size) {
        let offer = &model.offers[*o];
        let publication = &offer.publications[*p];
        let path = publication.url.split_once(".test").map(|(_, path)| path).unwrap_or("/");
        let _ = writeln!(
            items,
            "<li><a href=\"{path}\">{}</a> – {} ({})</li>",
            esc(&publication.title),
            esc(&model.employers[offer.employer].name),
            esc(CITIES[offer.city].name)
        );
    }
    let link =
        |n: usize| listing_url(site, n).split_once(".test").map(|(_, path)| path.to_string()).unwrap_or_default();
    let mut nav = String::new();
    if page > 1 {
        let _ = write!(nav, "<a rel=\"prev\" href=\"{}\">Page précédente</a> ", link(page - 1));
    }
    if page < pages {
        let _ = write!(nav, "<a rel=\"next\" href=\"{}\">Page suivante</a>", link(page + 1));
    }
    let (name, extra_head, extra_body) = match site {
        JobSite::Alpha => {
            // Hostile on a normal site: one listing page carries a truncated JSON-LD block.
            let broken = if page == 3 {
                "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": \"ItemList\", \"itemListElement\": [</script>\n"
            } else {
                ""
            };
            ("Emplois Alpha", broken, "<p><a href=\"/recherche?q=data\">Recherche avancée</a></p>")
        }
        JobSite::Beta => ("Carrières Bêta", "", ""),
        _ => ("Annonces Gamma", "", ""),
    };
    let body = format!(
        "<header><a href=\"/\">{name}</a></header>\n<main>\n<h1>Offres – page {page} sur {pages}</h1>\n{extra_body}\n<ul>\n{items}</ul>\n<nav>{nav}</nav>\n</main>"
    );
    let page_html = html_page(&format!("{name} – page {page}"), extra_head, &body);
    if site == JobSite::Gamma {
        let page_html = page_html.replace("<meta charset=\"utf-8\">\n", "");
        return Rendered::ok("text/html; charset=windows-1252", windows_1252(&page_html), today());
    }
    Rendered::ok(HTML, page_html, today())
}

fn home(host: &'static str) -> Rendered {
    let links: &[(&str, &str)] = match host {
        HOST_ALPHA => &[("/offres?page=1", "Toutes les offres"), ("/sitemap.xml", "Plan du site")],
        HOST_BETA => &[("/postes?page=1", "Nos postes")],
        HOST_GAMMA => &[("/annonces/page/1", "Les annonces")],
        HOST_DELTA => &[("/flux.xml", "Flux RSS"), ("/archives", "Archives des flux")],
        HOST_API => &[("/partenaire/offresdemploi/v2/offres/search?range=0-149", "API des offres")],
        HOST_EPSILON => &[("/laureats?page=1", "Lauréats et aides"), ("/sitemap.xml", "Plan du site")],
        HOST_ZETA => &[("/investissements?page=1", "Nos investissements")],
        HOST_ETA => &[("/projets?page=1", "Projets"), ("/sitemap.xml", "Plan du site")],
        HOST_THETA => &[("/data/project.csv", "Projets (CSV)"), ("/data/organization.csv", "Organisations (CSV)")],
        _ => &[("/api/1/datasets/?page=1", "API des jeux de données")],
    };
    let items: String =
        links.iter().map(|(path, label)| format!("<li><a href=\"{path}\">{label}</a></li>\n")).collect();
    let body =
        format!("<h1>{host}</h1>\n<p>Site fictif du web de démonstration de l'observatoire.</p>\n<ul>\n{items}</ul>");
    Rendered::ok(HTML, html_page(host, "", &body), today())
}

fn sitemap(model: &Model, host: &str) -> Rendered {
    let mut urls: Vec<(String, i64)> = Vec::new();
    match host {
        HOST_ALPHA => {
            for offer in &model.offers {
                for publication in offer.publications.iter().filter(|p| p.site == JobSite::Alpha) {
                    urls.push((publication.url.clone(), offer.date));
                }
            }
        }
        HOST_EPSILON => urls.extend(
            model.fundings.iter().filter(|f| !matches!(f.kind, FundingKind::SeedFund)).map(|f| (f.url.clone(), f.date)),
        ),
        _ => urls.extend(model.projects.iter().filter(|p| !p.cordis).map(|p| (p.url.clone(), p.start))),
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, date) in urls {
        let _ = writeln!(xml, "<url><loc>{}</loc><lastmod>{}</lastmod></url>", esc(&url), iso(date));
    }
    xml.push_str("</urlset>\n");
    Rendered::ok("application/xml", xml, today())
}

fn feed(model: &Model, month: Option<i64>) -> Rendered {
    let list = site_offers(model, JobSite::Delta);
    let selected: Vec<&(usize, usize)> = match month {
        None => list.iter().take(100).collect(),
        Some(m) => {
            let name = month_name(m);
            list.iter().filter(|(o, _)| iso(model.offers[*o].date).starts_with(&name)).collect()
        }
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Flux Delta – offres d'emploi{}</title>\n\
         <link>http://{HOST_DELTA}/</link>\n<description>Les offres d'emploi publiées sur Flux Delta.</description>\n<language>fr</language>\n",
        month.map(|m| format!(" ({})", month_name(m))).unwrap_or_default()
    );
    for (o, p) in selected {
        let offer = &model.offers[*o];
        let publication = &offer.publications[*p];
        let _ = write!(
            xml,
            "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n<category>{}</category>\n<description>{}</description>\n</item>\n",
            esc(&publication.title),
            publication.url,
            publication.url,
            rss_date(offer.date),
            offer.contract.label(),
            esc(&published_description(publication))
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    Rendered::ok("application/rss+xml; charset=utf-8", xml, today())
}

fn feed_archives() -> Rendered {
    let items: String = (0..N_MONTHS)
        .rev()
        .map(|m| format!("<li><a href=\"/flux/{0}.xml\">Offres de {0}</a></li>\n", month_name(m)))
        .collect();
    let body = format!("<nav><a href=\"/\">Flux Delta</a></nav>\n<h1>Archives des flux</h1>\n<ul>\n{items}</ul>");
    Rendered::ok(HTML, html_page("Archives – Flux Delta", "", &body), today())
}

fn amount_text(amount: f64) -> String {
    if amount >= 1_000_000.0 && (amount % 100_000.0) == 0.0 {
        format!("{} M€", (amount / 1_000_000.0).to_string().replace('.', ","))
    } else {
        format!("{} €", thousands(amount, " "))
    }
}

fn funding_detail(model: &Model, index: usize) -> Rendered {
    let event = &model.fundings[index];
    let city = &CITIES[event.city];
    let quote = event.quote.as_ref().map(|(name, text)| text.replace("{name}", name)).unwrap_or_default();
    let text = format!("{} {quote}", event.text).trim_end().to_string();
    match event.kind {
        FundingKind::SeedFund => {
            let body = format!(
                "<header><a href=\"/\">Capital Zêta</a></header>\n<article class=\"investissement\">\n<h1 class=\"titre\">{}</h1>\n\
                 <p>Annoncé le <span class=\"date\">{}</span></p>\n<dl>\n<dt>Entreprise</dt><dd class=\"beneficiaire\">{}</dd>\n\
                 <dt>Fonds</dt><dd class=\"programme\">{}</dd>\n<dt>Investisseur</dt><dd class=\"investisseur\">{}</dd>\n\
                 <dt>Montant</dt><dd class=\"montant\">{}</dd>\n<dt>Stade</dt><dd class=\"stade\">{}</dd>\n\
                 <dt>Secteur</dt><dd class=\"secteur\">{}</dd>\n<dt>Région</dt><dd class=\"region\">{}</dd>\n</dl>\n<p class=\"texte\">{}</p>\n</article>",
                esc(&event.title),
                french_long(event.date),
                esc(&event.recipient),
                esc(&event.programme),
                esc(&event.funder),
                amount_text(event.amount),
                event.stage.unwrap_or(""),
                esc(SECTORS[event.sector].1),
                esc(region_name(city.region)),
                esc(&text)
            );
            Rendered::ok(HTML, html_page(&event.title, "", &body), event.date)
        }
        _ => {
            let grant = json!({
                "@context": "https://schema.org",
                "@type": "MonetaryGrant",
                "name": event.title,
                "description": text,
                "startDate": iso(event.date),
                "funder": {"@type": "Organization", "name": event.funder},
                "isPartOf": {"@type": "CreativeWork", "name": event.programme},
                "amount": {"@type": "MonetaryAmount", "value": event.amount, "currency": "EUR"},
                "fundedItem": {"@type": "Organization", "name": event.recipient,
                    "address": {"@type": "PostalAddress", "addressLocality": city.name, "postalCode": city.postal_code, "addressCountry": "FR"}},
                "keywords": SECTORS[event.sector].1,
            });
            let body = format!(
                "<header><a href=\"/\">Innovation Epsilon</a></header>\n<main>\n<h1>{}</h1>\n<p>{} · {}</p>\n<p>{}</p>\n</main>",
                esc(&event.title),
                french_long(event.date),
                amount_text(event.amount),
                esc(&text)
            );
            Rendered::ok(HTML, html_page(&event.title, &json_ld(&grant), &body), event.date)
        }
    }
}

fn funding_listing(model: &Model, host: &str, page: usize) -> Rendered {
    let seed = host == HOST_ZETA;
    let list: Vec<_> = model.fundings.iter().filter(|f| matches!(f.kind, FundingKind::SeedFund) == seed).collect();
    let pages = n_pages(list.len(), ITEM_PAGE_SIZE);
    let base = if seed { "/investissements" } else { "/laureats" };
    let items: String = list
        .iter()
        .skip((page - 1) * ITEM_PAGE_SIZE)
        .take(ITEM_PAGE_SIZE)
        .map(|f| {
            format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                f.url.split_once(".test").map(|(_, p)| p).unwrap_or("/"),
                esc(&f.title)
            )
        })
        .collect();
    let mut nav = String::new();
    if page < pages {
        let _ = write!(nav, "<a rel=\"next\" href=\"{base}?page={}\">Page suivante</a>", page + 1);
    }
    let body = format!("<h1>{host} – page {page}</h1>\n<ul>\n{items}</ul>\n<nav>{nav}</nav>");
    Rendered::ok(HTML, html_page(host, "", &body), today())
}

fn project_detail(model: &Model, index: usize) -> Rendered {
    let project = &model.projects[index];
    let members: Vec<Value> = project
        .organisations
        .iter()
        .map(|(name, city)| {
            json!({"@type": "Organization", "name": name, "address": {"@type": "PostalAddress",
            "addressLocality": CITIES[*city].name, "postalCode": CITIES[*city].postal_code, "addressCountry": "FR"}})
        })
        .collect();
    let document = json!({
        "@context": "https://schema.org",
        "@type": "ResearchProject",
        "name": project.title,
        "alternateName": project.acronym,
        "description": project.description,
        "startDate": iso(project.start),
        "endDate": iso(project.end),
        "funder": {"@type": "Organization", "name": project.funder},
        "funding": {"@type": "MonetaryGrant", "amount": {"@type": "MonetaryAmount", "value": project.budget, "currency": "EUR"}},
        "member": members,
        "keywords": SECTORS[project.sector].1,
    });
    let body = format!(
        "<header><a href=\"/\">Projets Êta</a></header>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n<p>Du {} au {} · budget {}</p>\n</main>",
        esc(&project.title),
        esc(&project.description),
        french_long(project.start),
        french_long(project.end),
        amount_text(project.budget)
    );
    Rendered::ok(HTML, html_page(&project.title, &json_ld(&document), &body), project.start)
}

fn project_listing(model: &Model, page: usize) -> Rendered {
    let list: Vec<_> = model.projects.iter().filter(|p| !p.cordis).collect();
    let pages = n_pages(list.len(), ITEM_PAGE_SIZE);
    let items: String = list
        .iter()
        .skip((page - 1) * ITEM_PAGE_SIZE)
        .take(ITEM_PAGE_SIZE)
        .map(|p| format!("<li><a href=\"/projets/{}\">{}</a></li>\n", p.number, esc(&p.title)))
        .collect();
    let nav = if page < pages {
        format!("<a rel=\"next\" href=\"/projets?page={}\">Page suivante</a>", page + 1)
    } else {
        String::new()
    };
    let body = format!("<h1>Projets – page {page}</h1>\n<ul>\n{items}</ul>\n<nav>{nav}</nav>");
    Rendered::ok(HTML, html_page("Projets Êta", "", &body), today())
}

/// A CSV cell: quoted when it holds the separator, a quote or a line break.
fn cell(text: &str) -> String {
    if text.contains([';', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

fn cordis_projects(model: &Model) -> Rendered {
    let mut csv = String::from(
        "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;topics;frameworkProgramme;masterCall;subCall;fundingScheme;nature;objective;contentUpdateDate;rcn;grantDoi\n",
    );
    for project in model.projects.iter().filter(|p| p.cordis) {
        let status = if project.end < today() { "CLOSED" } else { "SIGNED" };
        let _ = writeln!(
            csv,
            "{};{};{status};{};{};{};{};{};HORIZON.2.4;HORIZON-CL4-2025-DATA-01;HORIZON;HORIZON-CL4-2025-DATA;HORIZON-CL4-2025-DATA-01;HORIZON-RIA;;{};{} 10:00:00;{};10.3030/{}",
            project.number,
            cell(&project.acronym),
            cell(&project.title),
            iso(project.start),
            iso(project.end),
            thousands(project.budget, "").replace(' ', ""),
            thousands((project.budget * 0.7).round(), "").replace(' ', ""),
            cell(&project.description),
            iso(project.start),
            200_000 + project.number % 100_000,
            project.number
        );
    }
    Rendered::ok("text/csv; charset=utf-8", csv, today())
}

fn cordis_organisations(model: &Model) -> Rendered {
    let mut csv = String::from(
        "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;rcn;order;role;ecContribution;netEcContribution;totalCost;endOfParticipation;active\n",
    );
    for project in model.projects.iter().filter(|p| p.cordis) {
        for (order, (name, city)) in project.organisations.iter().enumerate() {
            let city = &CITIES[*city];
            let role = if order == 0 { "coordinator" } else { "participant" };
            let activity = if order == 0 { "HES" } else { "PRC" };
            let share = (project.budget / project.organisations.len() as f64).round();
            let _ = writeln!(
                csv,
                "{};{};{};;{};;{};{activity};;{};{};FR;;;;;{} 10:00:00;;{};{role};{};{};{};false;true",
                project.number,
                cell(&project.acronym),
                900_000_000 + slug_number(name),
                cell(&name.to_uppercase()),
                order > 0,
                city.postal_code,
                cell(&city.name.to_uppercase()),
                iso(project.start),
                order + 1,
                share * 0.7,
                share * 0.7,
                share
            );
        }
    }
    Rendered::ok("text/csv; charset=utf-8", csv, today())
}

/// A stable number for an organisation name (its PIC in the CSV).
fn slug_number(name: &str) -> u64 {
    name.bytes().fold(17u64, |hash, byte| (hash.wrapping_mul(31) + u64::from(byte)) % 99_999_989)
}

fn datagouv(model: &Model, page: usize) -> Rendered {
    let total = model.datasets.len();
    let pages = n_pages(total, DATAGOUV_PAGE_SIZE);
    let data: Vec<Value> = model
        .datasets
        .iter()
        .skip((page - 1) * DATAGOUV_PAGE_SIZE)
        .take(DATAGOUV_PAGE_SIZE)
        .map(|dataset| {
            json!({
                "id": dataset.id,
                "title": dataset.title,
                "slug": dataset.slug,
                "description": dataset.description,
                "created_at": format!("{}T09:00:00.000000+00:00", iso(dataset.created)),
                "last_modified": format!("{}T09:00:00.000000+00:00", iso(dataset.updated)),
                "license": dataset.licence,
                "organization": {"name": dataset.publisher, "slug": crate::model::slug(dataset.publisher)},
                "page": dataset.url,
                "uri": format!("http://{HOST_IOTA}/api/1/datasets/{}/", dataset.id),
                "resources": dataset.formats.iter().enumerate().map(|(n, format)| json!({
                    "id": format!("{}-{n}", dataset.id), "title": format!("{}.{format}", dataset.slug), "format": format.to_uppercase(),
                    "url": format!("http://{HOST_IOTA}/fichiers/{}.{format}", dataset.slug)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let body = json!({
        "data": data,
        "page": page,
        "page_size": DATAGOUV_PAGE_SIZE,
        "total": total,
        "next_page": (page < pages).then(|| datagouv_url(page + 1)),
        "previous_page": (page > 1).then(|| datagouv_url(page - 1)),
    });
    Rendered::ok("application/json", body.to_string(), today())
}

/// Renders one page of the normal web.
pub(crate) fn render(model: &Model, page: &PageRef) -> Rendered {
    match page {
        PageRef::Home(host) => home(host),
        PageRef::Robots(host) => Rendered::ok("text/plain; charset=utf-8", robots(host), today()),
        PageRef::Sitemap(host) => sitemap(model, host),
        PageRef::JobListing(site, page) => listing(model, *site, *page),
        PageRef::JobDetail(o, p) => job_detail(model, &model.offers[*o], &model.offers[*o].publications[*p]),
        PageRef::Feed(month) => feed(model, *month),
        PageRef::FeedArchives => feed_archives(),
        PageRef::ApiSearch(start, end) => api_search(model, *start, *end),
        PageRef::FundingListing(host, page) => funding_listing(model, host, *page),
        PageRef::FundingDetail(index) => funding_detail(model, *index),
        PageRef::ProjectListing(page) => project_listing(model, *page),
        PageRef::ProjectDetail(index) => project_detail(model, *index),
        PageRef::CordisProjects => cordis_projects(model),
        PageRef::CordisOrganisations => cordis_organisations(model),
        PageRef::Datagouv(page) => datagouv(model, *page),
    }
}

/// Pages of the normal sites that exist but robots.txt disallows (not in the routes, so not in
/// [`crate::DemoWeb::pages`]): alpha's search and beta's application forms.
pub(crate) fn disallowed_page(host: &str, path: &str) -> Option<Rendered> {
    let allowed = match host {
        HOST_ALPHA => path.starts_with("/recherche") || path.starts_with("/admin/"),
        HOST_BETA => path.starts_with("/candidature/"),
        _ => false,
    };
    allowed.then(|| {
        let body = "<h1>Page interdite aux robots</h1>\n<p>Cette page est exclue par robots.txt : un robot poli ne la demande jamais.</p>";
        Rendered::ok(HTML, html_page("Interdit aux robots", "", body), today())
    })
}
