//! The label workflow: every (state, action, role) combination is either the one allowed move or
//! a refusal that names why; records keep who, when and why; validity lasts three years.

use registry::workflow::{Action, Actor, Label, Role, State, WorkflowError, allowed_actions, transition};
use registry::{Date, Timestamp};

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("instant invalide : {text}"))
}

fn actor(role: Role) -> Actor {
    let id = match role {
        Role::Provider => "responsable@universite-exemple.fr",
        Role::Reviewer => "instructrice@registre.example",
        Role::Admin => "admin@registre.example",
        Role::System => "socle",
    };
    Actor { role, id: id.to_owned() }
}

fn state_at(state: State) -> Label {
    let expires_on = matches!(state, State::Granted | State::Suspended | State::Expired | State::Revoked)
        .then(|| Date::parse("2029-11-28").expect("date"));
    Label { state, expires_on }
}

/// The one expected move for each action: (from, role, to).
const ALLOWED: &[(State, Action, Role, State)] = &[
    (State::Draft, Action::Submit, Role::Provider, State::Submitted),
    (State::Submitted, Action::Withdraw, Role::Provider, State::Withdrawn),
    (State::InReview, Action::Withdraw, Role::Provider, State::Withdrawn),
    (State::Granted, Action::Withdraw, Role::Provider, State::Withdrawn),
    (State::Suspended, Action::Withdraw, Role::Provider, State::Withdrawn),
    (State::Submitted, Action::TakeInReview, Role::Reviewer, State::InReview),
    (State::InReview, Action::ReturnForChanges, Role::Reviewer, State::Draft),
    (State::InReview, Action::Grant, Role::Reviewer, State::Granted),
    (State::InReview, Action::Refuse, Role::Reviewer, State::Refused),
    (State::Granted, Action::Suspend, Role::Reviewer, State::Suspended),
    (State::Suspended, Action::Reinstate, Role::Reviewer, State::Granted),
    (State::Granted, Action::Revoke, Role::Reviewer, State::Revoked),
    (State::Suspended, Action::Revoke, Role::Reviewer, State::Revoked),
    (State::Granted, Action::Expire, Role::System, State::Expired),
    (State::Suspended, Action::Expire, Role::System, State::Expired),
    (State::Refused, Action::Reopen, Role::Provider, State::Draft),
    (State::Withdrawn, Action::Reopen, Role::Provider, State::Draft),
    (State::Expired, Action::Reopen, Role::Provider, State::Draft),
];

#[test]
fn every_state_action_and_role_is_allowed_or_refused_as_the_table_says() {
    let roles = [Role::Provider, Role::Reviewer, Role::Admin, Role::System];
    let mut allowed_seen = 0;
    for state in State::ALL {
        for action in Action::ALL {
            for role in roles {
                // Expiry is checked after the validity date, reinstatement before it.
                let now =
                    if action == Action::Expire { at("2029-11-28T00:00:00Z") } else { at("2027-03-01T09:30:00Z") };
                let result = transition(state_at(state), action, &actor(role), now, Some("motif détaillé"));
                let expected =
                    ALLOWED.iter().find(|(from, act, who, _)| *from == state && *act == action && *who == role);
                match (expected, result) {
                    (Some((_, _, _, to)), Ok(record)) => {
                        assert_eq!(record.to, *to, "{state:?} --{action:?}--> ");
                        assert_eq!(record.from, state);
                        allowed_seen += 1;
                    }
                    (Some(_), Err(err)) => panic!("{state:?} {action:?} par {role:?} refusé à tort : {err}"),
                    (None, Ok(record)) => panic!("{state:?} {action:?} par {role:?} accepté à tort : {record:?}"),
                    (None, Err(err)) => {
                        let role_may = action.role() == role;
                        match err {
                            WorkflowError::Forbidden { .. } => assert!(!role_may, "{err}"),
                            WorkflowError::NotFromState { .. } => assert!(role_may, "{err}"),
                            other => panic!("{state:?} {action:?} par {role:?} : refus inattendu {other}"),
                        }
                    }
                }
            }
        }
    }
    assert_eq!(allowed_seen, ALLOWED.len());
}

#[test]
fn only_reviewers_decide_and_admins_take_no_decision() {
    for action in [Action::Grant, Action::Refuse, Action::Suspend, Action::Revoke, Action::TakeInReview] {
        assert_eq!(action.role(), Role::Reviewer);
        for role in [Role::Provider, Role::Admin, Role::System] {
            let err =
                transition(state_at(State::InReview), action, &actor(role), at("2027-01-01T00:00:00Z"), Some("x"))
                    .expect_err("refus");
            assert!(matches!(err, WorkflowError::Forbidden { .. }), "{err}");
        }
    }
    for state in State::ALL {
        assert!(allowed_actions(state, Role::Admin).is_empty());
    }
    assert_eq!(
        allowed_actions(State::InReview, Role::Reviewer),
        [Action::ReturnForChanges, Action::Grant, Action::Refuse]
    );
    assert_eq!(allowed_actions(State::Draft, Role::Provider), [Action::Submit]);
    let err =
        transition(state_at(State::InReview), Action::Grant, &actor(Role::Provider), at("2027-01-01T00:00:00Z"), None)
            .expect_err("refus");
    assert_eq!(
        err.to_string(),
        "un organisme de formation ne peut pas accorder le label ; seul un instructeur le peut"
    );
}

#[test]
fn a_full_journey_is_recorded_with_who_when_and_why() {
    let provider = actor(Role::Provider);
    let reviewer = actor(Role::Reviewer);
    let mut label = Label::draft();
    let mut history = Vec::new();
    let steps = [
        (Action::Submit, &provider, "2026-12-01T10:00:00Z", None),
        (Action::TakeInReview, &reviewer, "2026-12-03T08:15:00Z", None),
        (Action::Grant, &reviewer, "2026-12-20T16:45:30Z", Some("Tous les critères sont remplis ; pièces vérifiées.")),
    ];
    for (action, who, when, why) in steps {
        let record = transition(label, action, who, at(when), why).expect("étape permise");
        label = record.label();
        history.push(record);
    }
    assert_eq!(label.state, State::Granted);
    // Valid three years from the day of the decision.
    assert_eq!(label.expires_on, Date::parse("2029-12-20"));
    let grant = &history[2];
    assert_eq!(grant.actor.id, "instructrice@registre.example");
    assert_eq!(grant.at.to_string(), "2026-12-20T16:45:30Z");
    assert_eq!(grant.reason.as_deref(), Some("Tous les critères sont remplis ; pièces vérifiées."));
    let json = serde_json::to_value(grant).expect("JSON");
    assert_eq!(json["from"], "in_review");
    assert_eq!(json["to"], "granted");
    assert_eq!(json["action"], "grant");
    assert_eq!(json["actor"]["role"], "reviewer");
    assert_eq!(json["at"], "2026-12-20T16:45:30Z");
    assert_eq!(json["expires_on"], "2029-12-20");
}

#[test]
fn refusals_suspensions_and_revocations_need_a_reason() {
    let reviewer = actor(Role::Reviewer);
    let now = at("2027-01-01T00:00:00Z");
    for (state, action) in [
        (State::InReview, Action::Refuse),
        (State::InReview, Action::ReturnForChanges),
        (State::Granted, Action::Suspend),
        (State::Suspended, Action::Reinstate),
        (State::Granted, Action::Revoke),
    ] {
        for reason in [None, Some(""), Some("   ")] {
            let err = transition(state_at(state), action, &reviewer, now, reason).expect_err("motif exigé");
            assert_eq!(err, WorkflowError::ReasonRequired { action });
        }
        let record = transition(state_at(state), action, &reviewer, now, Some("  Projet sans données réelles.  "))
            .expect("avec motif");
        assert_eq!(record.reason.as_deref(), Some("Projet sans données réelles."));
    }
    // Grants and submissions may go without one.
    assert!(transition(state_at(State::InReview), Action::Grant, &reviewer, now, None).is_ok());
}

#[test]
fn labels_expire_at_their_date_and_cannot_be_reinstated_after_it() {
    let system = actor(Role::System);
    let reviewer = actor(Role::Reviewer);
    let granted = state_at(State::Granted);
    let err = transition(granted, Action::Expire, &system, at("2029-11-27T23:59:59Z"), None).expect_err("trop tôt");
    assert_eq!(err, WorkflowError::NotYetExpired { expires_on: Date::parse("2029-11-28").expect("date") });
    let expired = transition(granted, Action::Expire, &system, at("2029-11-28T00:00:00Z"), None).expect("échu");
    assert_eq!(expired.label(), Label { state: State::Expired, expires_on: Date::parse("2029-11-28") });
    let suspended = state_at(State::Suspended);
    let err = transition(suspended, Action::Reinstate, &reviewer, at("2029-12-01T00:00:00Z"), Some("plainte close"))
        .expect_err("validité passée");
    assert!(matches!(err, WorkflowError::ValidityOver { .. }), "{err}");
    let reinstated =
        transition(suspended, Action::Reinstate, &reviewer, at("2028-01-01T00:00:00Z"), Some("plainte close"))
            .expect("rétabli");
    assert_eq!(reinstated.label(), granted, "la date d'expiration d'origine est gardée");
    // A new application after expiry starts from a blank draft.
    let reopened =
        transition(expired.label(), Action::Reopen, &actor(Role::Provider), at("2029-12-01T00:00:00Z"), None)
            .expect("réouverture");
    assert_eq!(reopened.label(), Label::draft());
}

#[test]
fn states_and_actions_have_stable_codes_and_french_names() {
    for state in State::ALL {
        assert_eq!(State::from_code(state.code()), Some(state));
        assert!(!state.label().is_empty());
    }
    for action in Action::ALL {
        assert_eq!(Action::from_code(action.code()), Some(action));
    }
    assert_eq!(State::InReview.code(), "in_review");
    assert_eq!(State::InReview.label(), "en cours d'instruction");
    assert!(State::Granted.is_labelled() && !State::Suspended.is_labelled());
    let err =
        transition(state_at(State::Draft), Action::Grant, &actor(Role::Reviewer), at("2027-01-01T00:00:00Z"), None)
            .expect_err("refus");
    assert_eq!(
        err.to_string(),
        "« accorder le label » n'est pas possible : la demande est à l'état « brouillon » ; possible depuis : « en cours d'instruction »"
    );
}
