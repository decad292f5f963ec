//! The observatory demo web: fictional sites generated from a fixed seed, their ground truth, and
//! the fixture server that serves them.
#![doc = include_str!("../README.md")]

mod calendar;
mod hostile;
mod matcher;
mod model;
mod render;
mod server;
pub mod synth;
mod truth;
mod vocab;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use hostile::{Hostile, HostileKind};
pub use matcher::KeywordMatcher;
pub use model::{N_DATASETS, N_FUNDINGS, N_MONTHS, N_OFFERS, N_PROJECTS};
pub use server::{LoggedRequest, Server};
pub use truth::Truth;

/// The seed of the published corpus (`datasets/observatory-demo/`).
pub const DEFAULT_SEED: u64 = 2026;
/// The corpus's fixed « today »: every date is at most this one, over [`N_MONTHS`] months.
pub const TODAY: &str = "2026-10-31";

/// JSON-LD job board.
pub const HOST_ALPHA: &str = "emplois-alpha.test";
/// Microdata job board.
pub const HOST_BETA: &str = "carrieres-beta.test";
/// Plain-HTML job board (Windows-1252), read with CSS rules.
pub const HOST_GAMMA: &str = "annonces-gamma.test";
/// RSS feeds of offers and plain-HTML detail pages.
pub const HOST_DELTA: &str = "flux-delta.test";
/// France-Travail-shaped job offers API.
pub const HOST_API: &str = "api-travail.test";
/// Contest laureates and regional grants (JSON-LD `MonetaryGrant`).
pub const HOST_EPSILON: &str = "innovation-epsilon.test";
/// Seed-fund investments (plain HTML, CSS rules).
pub const HOST_ZETA: &str = "capital-zeta.test";
/// Research projects (JSON-LD `ResearchProject`).
pub const HOST_ETA: &str = "projets-eta.test";
/// CORDIS-shaped project and organisation CSV files.
pub const HOST_THETA: &str = "cordis-theta.test";
/// data.gouv-shaped datasets API.
pub const HOST_IOTA: &str = "donnees-iota.test";
/// Hostile pages.
pub const HOST_TRAP: &str = "piege.test";
/// A host whose robots.txt answers 503: nothing there may be fetched.
pub const HOST_ROBOTS_DOWN: &str = "robots-en-panne.test";
/// A host whose robots.txt asks for `Crawl-delay: 2`.
pub const HOST_SLOW: &str = "lent-kappa.test";

/// Every host of the normal (non-hostile) web.
pub const NORMAL_HOSTS: [&str; 10] =
    [HOST_ALPHA, HOST_BETA, HOST_GAMMA, HOST_DELTA, HOST_API, HOST_EPSILON, HOST_ZETA, HOST_ETA, HOST_THETA, HOST_IOTA];

/// The five job sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobSite {
    /// [`HOST_ALPHA`].
    Alpha,
    /// [`HOST_BETA`].
    Beta,
    /// [`HOST_GAMMA`].
    Gamma,
    /// [`HOST_DELTA`].
    Delta,
    /// [`HOST_API`].
    Api,
}

impl JobSite {
    /// Every job site.
    pub const ALL: [JobSite; 5] = [JobSite::Alpha, JobSite::Beta, JobSite::Gamma, JobSite::Delta, JobSite::Api];

    /// The site's host.
    pub fn host(self) -> &'static str {
        match self {
            JobSite::Alpha => HOST_ALPHA,
            JobSite::Beta => HOST_BETA,
            JobSite::Gamma => HOST_GAMMA,
            JobSite::Delta => HOST_DELTA,
            JobSite::Api => HOST_API,
        }
    }

    /// URL of the offer numbered `number` on this site. For the API it is the offer's
    /// `origineOffre.urlOrigine`, which identifies it (the server does not serve it).
    pub fn detail_url(self, number: usize) -> String {
        match self {
            JobSite::Alpha => format!("http://{HOST_ALPHA}/offres/{}", 10_000 + number),
            JobSite::Beta => format!("http://{HOST_BETA}/postes/{number}"),
            JobSite::Gamma => format!("http://{HOST_GAMMA}/annonces/{}.html", 500_000 + number),
            JobSite::Delta => format!("http://{HOST_DELTA}/offre/{number}"),
            JobSite::Api => format!("http://{HOST_API}/offres/detail/{}", api_offer_id(number)),
        }
    }
}

/// France-Travail-like offer id (`183QWZ`) of the API offer numbered `number`.
pub(crate) fn api_offer_id(number: usize) -> String {
    let letters: String =
        [number / 676 % 26, number / 26 % 26, number % 26].iter().map(|n| char::from(b'A' + *n as u8)).collect();
    format!("{}{letters}", 180 + number / 17_576)
}

/// What kind of personal datum was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalKind {
    /// A person's name (recruiter, founder).
    Name,
    /// An e-mail address.
    Email,
    /// A phone number, exactly as written.
    Phone,
}

/// One personal datum planted in a served page; the pipeline must remove it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PersonalDatum {
    /// URL of the page (or API offer) holding it; for API offers the offer's URL of
    /// [`JobSite::detail_url`], served inside the search answers.
    pub url: String,
    /// Kind.
    pub kind: PersonalKind,
    /// The exact text planted.
    pub text: String,
}

/// One page of the normal web, as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageData {
    /// Absolute URL (`http://host/path?query`).
    pub url: String,
    /// `Content-Type` header value.
    pub content_type: String,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The generated demo web: model, routes and ground truth.
pub struct DemoWeb {
    seed: u64,
    model: model::Model,
    routes: BTreeMap<String, render::PageRef>,
    truth: Truth,
}

/// Generates the demo web from `seed` (deterministic: the same seed gives the same web).
pub fn generate(seed: u64) -> DemoWeb {
    // The référentiel compiled into `skills` is checked by CI; it cannot be invalid here.
    let referentiel = skills::embedded().expect("the embedded référentiel is valid");
    let model = model::generate(seed, &referentiel);
    let routes = render::routes(&model);
    let truth = truth::build(&model);
    DemoWeb { seed, model, routes, truth }
}

impl DemoWeb {
    /// The seed it was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every expected record, the duplicate groups and the planted personal data.
    pub fn truth(&self) -> &Truth {
        &self.truth
    }

    /// The hostile pages and what a polite, robust crawler must do with each.
    pub fn hostile(&self) -> Vec<Hostile> {
        hostile::list()
    }

    /// Every page of the normal web (robots.txt, sitemaps, listings, details, feeds, API answers,
    /// CSV files), in URL order, rendered on the fly.
    pub fn pages(&self) -> impl Iterator<Item = PageData> + '_ {
        self.routes.iter().map(|(url, page)| {
            let rendered = render::render(&self.model, page);
            PageData { url: url.clone(), content_type: rendered.content_type.to_string(), body: rendered.body }
        })
    }

    /// Number of pages [`DemoWeb::pages`] yields.
    pub fn n_pages(&self) -> usize {
        self.routes.len()
    }
}
