//! A label application as the provider space (`/espace`) and the reviewer queue (`/revue`) show
//! and move it: its workflow state, the criteria report, the history of its moves, and the moves
//! themselves.
//!
//! Every move goes through `registry::workflow::transition` (role, state, reason, dates) and is
//! recorded by `store::Store::transition_label` through [`catalogue::change_label`].

use registry::workflow::{Action, Label};
use registry::{Report, Status, Timestamp};
use serde_json::Value;
use store::{LabelState, ProgrammeId};

use crate::catalogue::{self, LabelActor, LabelError};
use crate::login::format_utc;
use crate::{AppError, AppState};

/// A programme's label as the workflow sees it, and its history (oldest first).
pub async fn label_and_history(
    state: &AppState,
    programme: &store::Programme,
) -> Result<(Label, Vec<store::Transition>), AppError> {
    let history = state.store.label_history(programme.id).await?;
    let label = catalogue::current_label(state, programme).await?;
    Ok((label, history))
}

/// Makes a move on a programme's label for `user`. The caller has checked that the user may act
/// on this programme.
pub async fn decide(
    state: &AppState,
    programme: &store::Programme,
    action: Action,
    user: &store::User,
    reason: Option<&str>,
) -> Result<store::Transition, LabelError> {
    let actor = LabelActor::of_user(user);
    catalogue::change_label(state, programme.id, action, &actor, reason, Timestamp::now()).await
}

/// What a recorded move was, from its states and the role of who made it.
fn action_of(from: Option<LabelState>, to: LabelState, by_provider: bool) -> &'static str {
    use LabelState as S;
    match (from, to) {
        (None, _) => "création de la formation",
        (Some(S::Draft), S::Submitted) => "demande déposée",
        (Some(S::Submitted), S::InReview) => "prise en instruction",
        (Some(S::InReview), S::Draft) if !by_provider => "renvoyée pour corrections",
        (Some(S::Submitted | S::InReview | S::Granted | S::Suspended), S::Draft) => "demande retirée par l'organisme",
        (Some(_), S::Withdrawn) => "demande retirée par l'organisme",
        (Some(_), S::Revoked) => "label retiré définitivement",
        (Some(S::InReview), S::Granted) => "label accordé",
        (Some(S::InReview), S::Refused) => "label refusé",
        (Some(S::Granted), S::Suspended) => "label suspendu",
        (Some(S::Suspended), S::Granted) => "label rétabli",
        (Some(S::Granted | S::Suspended), S::Expired) => "expiration du label",
        (Some(S::Refused | S::Expired | S::Withdrawn), S::Draft) => "nouvelle demande ouverte",
        _ => "changement d'état",
    }
}

/// One recorded move, as a page shows it.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When, `AAAA-MM-JJ HH:MM UTC`.
    pub at: String,
    /// What was done.
    pub action: &'static str,
    /// The state after the move.
    pub to: &'static str,
    /// Who did it.
    pub who: String,
    /// Why (empty when no reason was given).
    pub reason: String,
}

/// The history of a programme, newest first. Reviewers see who acted; providers see their own
/// colleagues' addresses and « instructeur du registre » for reviewers.
pub async fn history_rows(
    state: &AppState,
    history: &[store::Transition],
    viewer_is_reviewer: bool,
) -> Result<Vec<HistoryRow>, AppError> {
    let mut rows = Vec::with_capacity(history.len());
    for transition in history {
        let actor = match transition.actor {
            store::Actor::User(id) => state.store.user(id).await?,
            store::Actor::System => None,
        };
        let by_provider = actor.as_ref().is_some_and(|user| user.role == store::Role::Provider);
        let who = match (&actor, transition.actor) {
            (_, store::Actor::System) => "socle (automatique)".to_owned(),
            (Some(user), _) if viewer_is_reviewer || user.role == store::Role::Provider => {
                format!("{} ({})", user.email, user.role.label())
            }
            (Some(_), _) => "instructeur du registre".to_owned(),
            (None, _) => "compte inconnu".to_owned(),
        };
        let to = catalogue::workflow_state(transition.to);
        rows.push(HistoryRow {
            at: format_utc(transition.at),
            action: action_of(transition.from, transition.to, by_provider),
            to: to.label(),
            who,
            reason: transition.reason.clone(),
        });
    }
    rows.reverse();
    Ok(rows)
}

/// When the programme last entered a state, from its history.
pub fn entered(history: &[store::Transition], state: LabelState) -> Option<i64> {
    history.iter().rev().find(|transition| transition.to == state).map(|transition| transition.at)
}

/// A duration in days, in French.
pub fn age(seconds: i64) -> String {
    let days = seconds.max(0) / 86_400;
    match days {
        0 => "moins d'un jour".to_owned(),
        1 => "1 jour".to_owned(),
        days => format!("{days} jours"),
    }
}

/// One figure of a criterion, as a page shows it.
#[derive(Debug, Clone)]
pub struct FigureView {
    /// Its French name.
    pub label: String,
    /// Its value, French style.
    pub value: String,
}

/// One criterion of the report, as a page shows it.
#[derive(Debug, Clone)]
pub struct CriterionView {
    /// `C1` … `C14`.
    pub id: &'static str,
    /// Its French name.
    pub title: &'static str,
    /// `pass`, `fail`, `not_applicable` or `declarative` (for the CSS class).
    pub status: &'static str,
    /// The French word of the status.
    pub status_label: &'static str,
    /// The figures behind the status.
    pub figures: Vec<FigureView>,
    /// What holds and what to change.
    pub message: String,
}

/// The criteria report, as a page shows it.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Whether no criterion fails.
    pub eligible: bool,
    /// « éligible au label » or « non éligible au label ».
    pub verdict: &'static str,
    /// How many criteria pass, fail, are declarative and do not apply.
    pub n_pass: usize,
    /// See `n_pass`.
    pub n_fail: usize,
    /// See `n_pass`.
    pub n_declarative: usize,
    /// See `n_pass`.
    pub n_not_applicable: usize,
    /// C1 to C14.
    pub criteria: Vec<CriterionView>,
}

impl ReportView {
    /// The view of a report.
    pub fn new(report: &Report) -> ReportView {
        ReportView {
            eligible: report.verdict == registry::Verdict::Eligible,
            verdict: report.verdict.label(),
            n_pass: report.count(Status::Pass),
            n_fail: report.count(Status::Fail),
            n_declarative: report.count(Status::Declarative),
            n_not_applicable: report.count(Status::NotApplicable),
            criteria: report
                .criteria
                .iter()
                .map(|result| CriterionView {
                    id: result.id,
                    title: registry::criteria::criterion(result.id).map_or("", |criterion| criterion.title),
                    status: result.status.code(),
                    status_label: result.status.label(),
                    figures: result
                        .figures
                        .iter()
                        .map(|(key, value)| FigureView {
                            label: registry::criteria::figure_label(key).map_or_else(|| key.clone(), str::to_owned),
                            value: figure_value(key, value),
                        })
                        .collect(),
                    message: result.message.clone(),
                })
                .collect(),
        }
    }
}

/// Whether a figure is a share, shown as a percentage.
fn is_share(key: &str) -> bool {
    key.contains("share") || matches!(key, "coverage" | "threshold" | "employment_6m")
}

fn figure_value(key: &str, value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "oui".to_owned(),
        Value::Bool(false) => "non".to_owned(),
        Value::Number(number) => match number.as_f64() {
            Some(share) if is_share(key) => registry::fr::percent(share),
            Some(number) => registry::fr::number(number),
            None => number.to_string(),
        },
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "aucun".to_owned(),
        Value::Array(items) => items.iter().map(|item| figure_value(key, item)).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(name, item)| format!("{name} : {}", figure_value(name, item)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The live report of a stored programme: its declaration evaluated today, or the problems that
/// keep it from being read again.
pub fn live_report(state: &AppState, programme: &store::Programme) -> Result<ReportView, String> {
    match catalogue::read_declaration(&state.referentiel, programme) {
        Ok(declaration) => {
            Ok(ReportView::new(&registry::evaluate(&declaration, &state.referentiel, registry::Date::today())))
        }
        Err(error) => Err(error.to_string()),
    }
}

/// The id of a programme in a path, or `None` when it is not a number.
pub fn parse_id(text: &str) -> Option<ProgrammeId> {
    (!text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok().map(ProgrammeId))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_the_french_way() {
        assert_eq!(figure_value("share_inf", &serde_json::json!(0.2976)), "29,8 %");
        assert_eq!(figure_value("volume_hours", &serde_json::json!(1017.0)), "1 017");
        assert_eq!(figure_value("missing", &serde_json::json!(["DS.INF.04", "DS.INF.06"])), "DS.INF.04, DS.INF.06");
        assert_eq!(figure_value("missing", &serde_json::json!([])), "aucun");
        assert_eq!(figure_value("graded", &serde_json::json!(true)), "oui");
        assert_eq!(
            figure_value("competences", &serde_json::json!({ "DS.MET.08": null, "DS.MET.09": "N2" })),
            "DS.MET.08 : —, DS.MET.09 : N2"
        );
    }

    #[test]
    fn recorded_moves_are_named_from_their_states_and_actor() {
        use LabelState as S;
        assert_eq!(action_of(Some(S::InReview), S::Draft, false), "renvoyée pour corrections");
        assert_eq!(action_of(Some(S::InReview), S::Draft, true), "demande retirée par l'organisme");
        assert_eq!(action_of(Some(S::Suspended), S::Revoked, false), "label retiré définitivement");
        assert_eq!(action_of(Some(S::Granted), S::Withdrawn, true), "demande retirée par l'organisme");
        assert_eq!(action_of(Some(S::Withdrawn), S::Draft, true), "nouvelle demande ouverte");
        assert_eq!(action_of(Some(S::InReview), S::Refused, false), "label refusé");
    }

    #[test]
    fn ids_in_paths_are_plain_numbers() {
        assert_eq!(parse_id("42"), Some(ProgrammeId(42)));
        for refused in ["", "-1", "4a", "1e3", "99999999999999999999", " 1"] {
            assert_eq!(parse_id(refused), None, "{refused:?}");
        }
    }
}
