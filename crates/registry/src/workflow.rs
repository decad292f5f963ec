//! The life of a label application: states, who may move it and when, and the record each move
//! leaves. Pure: the caller stores the records (the `store` crate) and supplies the clock.
//!
//! | action | by | from | to |
//! | --- | --- | --- | --- |
//! | submit | provider | draft | submitted |
//! | withdraw | provider | submitted, in_review, granted, suspended | withdrawn |
//! | reopen | provider | refused, withdrawn, expired | draft (a new application) |
//! | take_in_review | reviewer | submitted | in_review |
//! | return_for_changes (reason) | reviewer | in_review | draft |
//! | grant | reviewer | in_review | granted, expires three years later |
//! | refuse (reason) | reviewer | in_review | refused |
//! | suspend (reason) | reviewer | granted | suspended |
//! | reinstate (reason) | reviewer | suspended, before expiry | granted, same expiry |
//! | revoke (reason) | reviewer | granted, suspended | revoked (final) |
//! | expire | system | granted, suspended, from the expiry date | expired |
//!
//! Administrators manage accounts and take no label decision.

use std::fmt;

use serde::Serialize;

use crate::criteria::LABEL_VALIDITY_YEARS;
use crate::date::{Date, Timestamp};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Being written by the provider; not visible to reviewers.
    Draft,
    /// Sent for the label, waiting for a reviewer.
    Submitted,
    /// A reviewer is examining it.
    InReview,
    /// The label is granted and valid until its expiry date.
    Granted,
    /// The label was refused, with reasons.
    Refused,
    /// The label is temporarily suspended by a reviewer (for example after a complaint).
    Suspended,
    /// The label reached the end of its validity.
    Expired,
    /// The provider withdrew the application or gave up the label.
    Withdrawn,
    /// The label was revoked for good.
    Revoked,
}

impl State {
    /// Every state.
    pub const ALL: [State; 9] = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::Granted,
        State::Refused,
        State::Suspended,
        State::Expired,
        State::Withdrawn,
        State::Revoked,
    ];

    /// The code stored and exchanged (`in_review`, …).
    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::InReview => "in_review",
            State::Granted => "granted",
            State::Refused => "refused",
            State::Suspended => "suspended",
            State::Expired => "expired",
            State::Withdrawn => "withdrawn",
            State::Revoked => "revoked",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.code() == code)
    }

    /// The French name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "brouillon",
            State::Submitted => "déposée",
            State::InReview => "en cours d'instruction",
            State::Granted => "label accordé",
            State::Refused => "label refusé",
            State::Suspended => "label suspendu",
            State::Expired => "label expiré",
            State::Withdrawn => "retirée",
            State::Revoked => "label retiré définitivement",
        }
    }

    /// Whether the programme currently holds a valid label.
    pub fn is_labelled(self) -> bool {
        self == State::Granted
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What someone does to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The provider sends a draft for the label.
    Submit,
    /// The provider withdraws an application, or gives up a granted label.
    Withdraw,
    /// A reviewer starts examining a submitted application.
    TakeInReview,
    /// A reviewer sends the application back to the provider for changes (reasons required).
    ReturnForChanges,
    /// A reviewer grants the label, valid three years.
    Grant,
    /// A reviewer refuses the label (reasons required).
    Refuse,
    /// A reviewer suspends a granted label (reasons required).
    Suspend,
    /// A reviewer lifts a suspension before the label's expiry (reasons required).
    Reinstate,
    /// A reviewer revokes a label for good (reasons required).
    Revoke,
    /// The system ends a label whose validity has passed.
    Expire,
    /// The provider starts a new application from a refused, withdrawn or expired one.
    Reopen,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 11] = [
        Action::Submit,
        Action::Withdraw,
        Action::TakeInReview,
        Action::ReturnForChanges,
        Action::Grant,
        Action::Refuse,
        Action::Suspend,
        Action::Reinstate,
        Action::Revoke,
        Action::Expire,
        Action::Reopen,
    ];

    /// The code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::TakeInReview => "take_in_review",
            Action::ReturnForChanges => "return_for_changes",
            Action::Grant => "grant",
            Action::Refuse => "refuse",
            Action::Suspend => "suspend",
            Action::Reinstate => "reinstate",
            Action::Revoke => "revoke",
            Action::Expire => "expire",
            Action::Reopen => "reopen",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.code() == code)
    }

    /// The French verb shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "déposer la demande",
            Action::Withdraw => "retirer la demande ou renoncer au label",
            Action::TakeInReview => "prendre en instruction",
            Action::ReturnForChanges => "renvoyer pour corrections",
            Action::Grant => "accorder le label",
            Action::Refuse => "refuser le label",
            Action::Suspend => "suspendre le label",
            Action::Reinstate => "rétablir le label",
            Action::Revoke => "retirer définitivement le label",
            Action::Expire => "constater l'expiration",
            Action::Reopen => "rouvrir une demande",
        }
    }

    /// Whether the actor must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::ReturnForChanges | Action::Refuse | Action::Suspend | Action::Reinstate | Action::Revoke)
    }

    /// The role allowed to take the action.
    pub fn role(self) -> Role {
        match self {
            Action::Submit | Action::Withdraw | Action::Reopen => Role::Provider,
            Action::TakeInReview
            | Action::ReturnForChanges
            | Action::Grant
            | Action::Refuse
            | Action::Suspend
            | Action::Reinstate
            | Action::Revoke => Role::Reviewer,
            Action::Expire => Role::System,
        }
    }

    /// The states the action may start from, and the state it leads to.
    fn edges(self) -> (&'static [State], State) {
        match self {
            Action::Submit => (&[State::Draft], State::Submitted),
            Action::Withdraw => {
                (&[State::Submitted, State::InReview, State::Granted, State::Suspended], State::Withdrawn)
            }
            Action::TakeInReview => (&[State::Submitted], State::InReview),
            Action::ReturnForChanges => (&[State::InReview], State::Draft),
            Action::Grant => (&[State::InReview], State::Granted),
            Action::Refuse => (&[State::InReview], State::Refused),
            Action::Suspend => (&[State::Granted], State::Suspended),
            Action::Reinstate => (&[State::Suspended], State::Granted),
            Action::Revoke => (&[State::Granted, State::Suspended], State::Revoked),
            Action::Expire => (&[State::Granted, State::Suspended], State::Expired),
            Action::Reopen => (&[State::Refused, State::Withdrawn, State::Expired], State::Draft),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The part someone plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person acting for the provider organisation that owns the programme.
    Provider,
    /// A label reviewer: the only role that decides.
    Reviewer,
    /// An administrator: manages accounts, takes no label decision.
    Admin,
    /// socle itself (scheduled expiry).
    System,
}

impl Role {
    /// The French name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Provider => "organisme de formation",
            Role::Reviewer => "instructeur",
            Role::Admin => "administrateur",
            Role::System => "système",
        }
    }
}

/// Who acts: a role and an identifier for the record (an e-mail address, an account id, `socle`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The part they play.
    pub role: Role,
    /// Who they are, as the caller identifies them.
    pub id: String,
}

/// An application's current standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Its state.
    pub state: State,
    /// The first day the label is no longer valid, for granted and suspended labels (and kept
    /// afterwards for the record).
    pub expires_on: Option<Date>,
}

impl Label {
    /// A new application.
    pub fn draft() -> Label {
        Label { state: State::Draft, expires_on: None }
    }
}

/// One recorded move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// What was done.
    pub action: Action,
    /// Who did it.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// Why (required for refusals, suspensions, reinstatements, revocations and returns).
    pub reason: Option<String>,
    /// The label's expiry date after the move.
    pub expires_on: Option<Date>,
}

impl Transition {
    /// The application's standing after the move.
    pub fn label(&self) -> Label {
        Label { state: self.to, expires_on: self.expires_on }
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The action does not apply to the current state.
    #[error("« {action} » n'est pas possible : la demande est à l'état « {state} » ; possible depuis : {allowed}")]
    NotFromState {
        /// The action attempted.
        action: Action,
        /// The current state.
        state: State,
        /// The states it may start from, in French.
        allowed: String,
    },
    /// The actor's role may not take the action.
    #[error("un {role} ne peut pas {action} ; seul un {allowed} le peut")]
    Forbidden {
        /// The action attempted.
        action: Action,
        /// The actor's role, in French.
        role: &'static str,
        /// The role allowed, in French.
        allowed: &'static str,
    },
    /// The action needs a reason and none was given.
    #[error("motif obligatoire pour « {action} » : expliquez la décision à l'organisme")]
    ReasonRequired {
        /// The action attempted.
        action: Action,
    },
    /// Expiry before the expiry date.
    #[error("le label est valable jusqu'au {expires_on} (exclu) : il ne peut pas encore expirer")]
    NotYetExpired {
        /// The first day the label is no longer valid.
        expires_on: Date,
    },
    /// Reinstating a label whose validity has passed.
    #[error("la validité du label a pris fin le {expires_on} : il ne peut plus être rétabli, il doit expirer")]
    ValidityOver {
        /// The first day the label is no longer valid.
        expires_on: Date,
    },
}

/// The actions a role may take from a state, for forms and buttons.
pub fn allowed_actions(state: State, role: Role) -> Vec<Action> {
    Action::ALL.into_iter().filter(|action| action.role() == role && action.edges().0.contains(&state)).collect()
}

/// Checks a move and returns its record, or says why it is refused. A grant sets the expiry to
/// three years after the day of the decision (UTC).
pub fn transition(
    current: Label,
    action: Action,
    actor: &Actor,
    now: Timestamp,
    reason: Option<&str>,
) -> Result<Transition, WorkflowError> {
    let (sources, target) = action.edges();
    if actor.role != action.role() {
        return Err(WorkflowError::Forbidden { action, role: actor.role.label(), allowed: action.role().label() });
    }
    if !sources.contains(&current.state) {
        let allowed = sources.iter().map(|state| format!("« {state} »")).collect::<Vec<_>>().join(", ");
        return Err(WorkflowError::NotFromState { action, state: current.state, allowed });
    }
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty()).map(str::to_owned);
    if action.needs_reason() && reason.is_none() {
        return Err(WorkflowError::ReasonRequired { action });
    }
    let today = now.date();
    let expires_on = match action {
        Action::Grant => Some(today.add_years(LABEL_VALIDITY_YEARS)),
        Action::Expire => {
            if let Some(expires_on) = current.expires_on
                && today < expires_on
            {
                return Err(WorkflowError::NotYetExpired { expires_on });
            }
            current.expires_on
        }
        Action::Reinstate => {
            if let Some(expires_on) = current.expires_on
                && today >= expires_on
            {
                return Err(WorkflowError::ValidityOver { expires_on });
            }
            current.expires_on
        }
        Action::Reopen => None,
        _ => current.expires_on,
    };
    Ok(Transition { from: current.state, to: target, action, actor: actor.clone(), at: now, reason, expires_on })
}
