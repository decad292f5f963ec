//! The demonstration data: the thirty fictional declarations of `datasets/formations-demo/`,
//! compiled into the binary, loaded once into an empty registry by `socle serve`, each under a
//! fictional organisation of its own (without accounts) and with a label state that shows the
//! workflow.
//!
//! Everything happens on a fixed day, [`DEMO_DATE`] (the reference date of the data set's
//! README): the criteria are evaluated on that day and the decisions are taken on it, so that
//! the verdicts, the history and the signed labels (valid three years from that day) are the
//! same whenever the server first starts. Every transition is recorded as made by the system
//! with the reason « données de démonstration ». The index is rebuilt once at the end (a commit
//! per write would take seconds).

use registry::workflow::Action;
use registry::{Date, Declaration, Format, Status, Timestamp};
use store::{NewOrganisation, ProgrammeFilter};

use super::{LabelActor, record_label_change, reindex_all, store_declaration};
use crate::AppState;

/// The day the demonstration data are evaluated and decided on (the reference date of
/// `datasets/formations-demo/README.md`).
pub const DEMO_DATE: (i32, u8, u8) = (2026, 11, 28);

/// The setting that records that the demonstration data were loaded.
const LOADED_SETTING: &str = "registre.demonstration";

/// The reason recorded with every demonstration transition.
const REASON: &str = "données de démonstration";

/// The kind of the demonstration organisations.
const ORGANISATION_KIND: &str = "exemple";

/// The thirty declarations of `datasets/formations-demo/`, by file name, as compiled in (a test
/// keeps this list equal to the folder).
pub const DEMO_DECLARATIONS: &[(&str, &str)] = &[
    (
        "01-doctorat-apprentissage-statistique-nice.toml",
        include_str!("../../../../datasets/formations-demo/01-doctorat-apprentissage-statistique-nice.toml"),
    ),
    (
        "02-master-science-donnees-lyon.toml",
        include_str!("../../../../datasets/formations-demo/02-master-science-donnees-lyon.toml"),
    ),
    (
        "03-master-science-donnees-alternance-creteil.toml",
        include_str!("../../../../datasets/formations-demo/03-master-science-donnees-alternance-creteil.toml"),
    ),
    (
        "04-master-data-science-grenoble.toml",
        include_str!("../../../../datasets/formations-demo/04-master-data-science-grenoble.toml"),
    ),
    (
        "05-master-science-donnees-sante-bordeaux.toml",
        include_str!("../../../../datasets/formations-demo/05-master-science-donnees-sante-bordeaux.toml"),
    ),
    (
        "06-master-science-donnees-distance-tours.toml",
        include_str!("../../../../datasets/formations-demo/06-master-science-donnees-distance-tours.toml"),
    ),
    (
        "07-master-statistique-science-donnees-montpellier.toml",
        include_str!("../../../../datasets/formations-demo/07-master-statistique-science-donnees-montpellier.toml"),
    ),
    (
        "08-master-statistique-decisionnel-caen.toml",
        include_str!("../../../../datasets/formations-demo/08-master-statistique-decisionnel-caen.toml"),
    ),
    (
        "09-master-econometrie-dijon.toml",
        include_str!("../../../../datasets/formations-demo/09-master-econometrie-dijon.toml"),
    ),
    (
        "10-ingenieur-informatique-donnees-toulouse.toml",
        include_str!("../../../../datasets/formations-demo/10-ingenieur-informatique-donnees-toulouse.toml"),
    ),
    (
        "11-ingenieur-donnees-apprentissage-lille.toml",
        include_str!("../../../../datasets/formations-demo/11-ingenieur-donnees-apprentissage-lille.toml"),
    ),
    (
        "12-ingenieur-mathematiques-donnees-nancy.toml",
        include_str!("../../../../datasets/formations-demo/12-ingenieur-mathematiques-donnees-nancy.toml"),
    ),
    (
        "13-mastere-specialise-big-data-palaiseau.toml",
        include_str!("../../../../datasets/formations-demo/13-mastere-specialise-big-data-palaiseau.toml"),
    ),
    (
        "14-bachelor-data-ia-marseille.toml",
        include_str!("../../../../datasets/formations-demo/14-bachelor-data-ia-marseille.toml"),
    ),
    (
        "15-licence-miashs-science-donnees-rennes.toml",
        include_str!("../../../../datasets/formations-demo/15-licence-miashs-science-donnees-rennes.toml"),
    ),
    (
        "16-licence-mathematiques-donnees-pointe-a-pitre.toml",
        include_str!("../../../../datasets/formations-demo/16-licence-mathematiques-donnees-pointe-a-pitre.toml"),
    ),
    (
        "17-licence-informatique-donnees-besancon.toml",
        include_str!("../../../../datasets/formations-demo/17-licence-informatique-donnees-besancon.toml"),
    ),
    (
        "18-licence-pro-decisionnel-statistique-saint-denis.toml",
        include_str!("../../../../datasets/formations-demo/18-licence-pro-decisionnel-statistique-saint-denis.toml"),
    ),
    (
        "19-licence-pro-gestion-donnees-amiens.toml",
        include_str!("../../../../datasets/formations-demo/19-licence-pro-gestion-donnees-amiens.toml"),
    ),
    (
        "20-but-science-donnees-vannes.toml",
        include_str!("../../../../datasets/formations-demo/20-but-science-donnees-vannes.toml"),
    ),
    (
        "21-but-science-donnees-assurance-niort.toml",
        include_str!("../../../../datasets/formations-demo/21-but-science-donnees-assurance-niort.toml"),
    ),
    (
        "22-bts-sio-donnees-mamoudzou.toml",
        include_str!("../../../../datasets/formations-demo/22-bts-sio-donnees-mamoudzou.toml"),
    ),
    (
        "23-titre-technicien-donnees-cayenne.toml",
        include_str!("../../../../datasets/formations-demo/23-titre-technicien-donnees-cayenne.toml"),
    ),
    (
        "24-titre-analyste-donnees-nantes.toml",
        include_str!("../../../../datasets/formations-demo/24-titre-analyste-donnees-nantes.toml"),
    ),
    (
        "25-formation-courte-decideurs-strasbourg.toml",
        include_str!("../../../../datasets/formations-demo/25-formation-courte-decideurs-strasbourg.toml"),
    ),
    (
        "26-formation-courte-visualisation-corte.toml",
        include_str!("../../../../datasets/formations-demo/26-formation-courte-visualisation-corte.toml"),
    ),
    (
        "27-formation-courte-donnees-rh-rouen.toml",
        include_str!("../../../../datasets/formations-demo/27-formation-courte-donnees-rh-rouen.toml"),
    ),
    (
        "28-mooc-introduction-science-donnees.toml",
        include_str!("../../../../datasets/formations-demo/28-mooc-introduction-science-donnees.toml"),
    ),
    (
        "29-mooc-donnees-ouvertes-decisions-publiques.toml",
        include_str!("../../../../datasets/formations-demo/29-mooc-donnees-ouvertes-decisions-publiques.toml"),
    ),
    (
        "30-mooc-big-data-enjeux-technologies.toml",
        include_str!("../../../../datasets/formations-demo/30-mooc-big-data-enjeux-technologies.toml"),
    ),
];

/// Where a demonstration programme's label is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoPlan {
    /// Still a draft: visible to its organisation and reviewers only.
    Draft,
    /// Submitted, waiting for a reviewer.
    Submitted,
    /// A reviewer is examining it.
    InReview,
    /// Granted, with a signed credential.
    Granted,
    /// Refused, the reason naming the failing criteria.
    Refused,
    /// Granted, then suspended (its credential revoked).
    Suspended,
}

impl DemoPlan {
    /// The workflow actions that lead there from a draft.
    fn actions(self) -> &'static [Action] {
        match self {
            DemoPlan::Draft => &[],
            DemoPlan::Submitted => &[Action::Submit],
            DemoPlan::InReview => &[Action::Submit, Action::TakeInReview],
            DemoPlan::Granted => &[Action::Submit, Action::TakeInReview, Action::Grant],
            DemoPlan::Refused => &[Action::Submit, Action::TakeInReview, Action::Refuse],
            DemoPlan::Suspended => &[Action::Submit, Action::TakeInReview, Action::Grant, Action::Suspend],
        }
    }
}

/// The plan of a demonstration file, by its number: most eligible programmes granted (one of
/// them later suspended), a few submitted or in review; the programmes designed to fail refused,
/// in review or left as drafts.
pub fn demo_plan(file: &str) -> DemoPlan {
    match file.get(..2).unwrap_or_default() {
        "06" | "29" => DemoPlan::Submitted,
        "12" | "18" | "23" => DemoPlan::InReview,
        "07" | "09" | "14" | "17" | "21" => DemoPlan::Refused,
        "01" | "08" | "19" | "26" | "27" | "30" => DemoPlan::Draft,
        "24" => DemoPlan::Suspended,
        _ => DemoPlan::Granted,
    }
}

/// What [`load_demo`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoLoad {
    /// Programmes loaded (0 when the registry was not empty or the data were loaded before).
    pub loaded: usize,
    /// Of which granted (with a signed credential).
    pub granted: usize,
    /// Of which public (every state but draft).
    pub public: usize,
}

/// Why the demonstration data could not be loaded: the file and what failed.
#[derive(Debug, thiserror::Error)]
#[error("données de démonstration, {file} : {message}")]
pub struct DemoError {
    /// The declaration's file name.
    pub file: &'static str,
    /// What failed, in French.
    pub message: String,
}

/// Loads the demonstration data into an empty registry (see [`load_demo_at`]), stamped with
/// [`DEMO_DATE`].
pub async fn load_demo(state: &AppState) -> Result<DemoLoad, DemoError> {
    let (year, month, day) = DEMO_DATE;
    let date = Date::new(year, month, day).ok_or(DemoError { file: "", message: "date invalide".to_owned() })?;
    load_demo_at(state, date).await
}

/// Loads the thirty demonstration programmes when the registry has no programme and they were
/// never loaded before (a registry emptied by hand stays empty); does nothing otherwise. The
/// criteria are evaluated on `date`, and the transitions happen on that day between 08:00 and
/// 10:00 UTC.
pub async fn load_demo_at(state: &AppState, date: Date) -> Result<DemoLoad, DemoError> {
    let fail = |file: &'static str| move |error: &dyn std::fmt::Display| DemoError { file, message: error.to_string() };
    let setting = state.store.setting(LOADED_SETTING).await.map_err(|error| fail("")(&error))?;
    let any = state.store.programmes(&ProgrammeFilter::default()).await.map_err(|error| fail("")(&error))?;
    if setting.is_some() || !any.is_empty() {
        return Ok(DemoLoad::default());
    }
    let start = Timestamp::at_midnight(date).unix_seconds + 8 * 3600;
    let mut load = DemoLoad::default();
    for (file, text) in DEMO_DECLARATIONS {
        let failed = fail(file);
        let declaration = Declaration::from_toml(text, &state.referentiel, date).map_err(|error| failed(&error))?;
        let provider = declaration.programme.provider;
        let organisation = match state.store.organisation_by_name(&provider).await.map_err(|error| failed(&error))? {
            Some(organisation) => organisation.id,
            None => {
                let new = NewOrganisation { name: provider, kind: ORGANISATION_KIND.to_owned(), created_at: start };
                state.store.create_organisation(&new).await.map_err(|error| failed(&error))?.id
            }
        };
        let at = Timestamp { unix_seconds: start };
        let id = store_declaration(state, organisation, text, Format::Toml, store::Actor::System, at)
            .await
            .map_err(|error| failed(&error))?;
        let plan = demo_plan(file);
        for (step, action) in plan.actions().iter().enumerate() {
            let actor = LabelActor::system(action.role());
            let reason = match action {
                Action::Refuse => Some(refusal_reason(state, id).await.map_err(|error| failed(&error))?),
                Action::Suspend => {
                    Some(format!("{REASON} : suspension fictive, pour montrer un label suspendu et son titre révoqué"))
                }
                _ => Some(REASON.to_owned()),
            };
            let at = Timestamp { unix_seconds: start + 1800 * (step as i64 + 1) };
            record_label_change(state, id, *action, &actor, reason.as_deref(), at)
                .await
                .map_err(|error| failed(&error))?;
        }
        load.loaded += 1;
        load.granted += usize::from(plan == DemoPlan::Granted);
        load.public += usize::from(plan != DemoPlan::Draft);
    }
    reindex_all(state).await.map_err(|error| fail("")(&error))?;
    let note = format!("{} formations chargées", load.loaded);
    state.store.set_setting(LOADED_SETTING, &note, start).await.map_err(|error| fail("")(&error))?;
    tracing::info!(
        "registre : {} formations de démonstration chargées (exemples fictifs), dont {} publiques et {} labellisées",
        load.loaded,
        load.public,
        load.granted
    );
    Ok(load)
}

/// « données de démonstration : critères non conformes C3, C8 », from the stored report.
async fn refusal_reason(state: &AppState, id: store::ProgrammeId) -> Result<String, String> {
    let programme = state.store.programme(id).await.map_err(|error| error.to_string())?.ok_or("formation absente")?;
    let report: serde_json::Value = serde_json::from_str(&programme.report).map_err(|error| error.to_string())?;
    let failed: Vec<&str> = report["criteria"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|criterion| criterion["status"] == Status::Fail.code())
        .filter_map(|criterion| criterion["id"].as_str())
        .collect();
    Ok(format!("{REASON} : critère(s) non conforme(s) {}", failed.join(", ")))
}
