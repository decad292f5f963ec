//! The reviewers' queue (`/revue`): the queue with its ages, an application's page (report,
//! evidence, history), every decision (take in review, return for changes, grant with its signed
//! credential, refuse, suspend, reinstate, revoke) with its reason and its record; and what it
//! refuses: providers (even with a forged, well-formed POST), forms without their token, missing
//! reasons, a grant of a programme that is not eligible, drafts.

mod common;
mod registry_support;

use axum::http::StatusCode;
use common::{Client, TestApp};
use registry::credential::{Revocation, verify};
use registry_support::{
    ADMIN, ELIGIBLE, NOT_ELIGIBLE, PROVIDER_A, PROVIDER_B, REVIEWER, app, declare, demo, post_with_token,
    registry_fingerprint, token,
};
use store::{LabelState, ProgrammeId};

/// A programme of provider A, submitted for the label.
async fn submitted(app: &TestApp, file: &str) -> (Client, ProgrammeId) {
    let mut provider = app.signed_in(PROVIDER_A).await;
    let id = declare(app, &provider, &demo(file)).await;
    let answer = post_with_token(app, &mut provider, &format!("/espace/formations/{id}/soumettre"), &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    (provider, id)
}

async fn decide(app: &TestApp, reviewer: &mut Client, id: ProgrammeId, action: &str, reason: &str) -> common::Answer {
    let path = format!("/revue/formations/{id}/decision");
    post_with_token(app, reviewer, &path, &[("action", action), ("motif", reason)]).await
}

async fn state_of(app: &TestApp, id: ProgrammeId) -> LabelState {
    app.store.programme(id).await.expect("lecture").expect("formation").label_state
}

#[tokio::test]
async fn the_queue_lists_waiting_applications_and_the_page_shows_report_and_evidence() {
    let app = app().await;
    let (_, id) = submitted(&app, ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    let queue = reviewer.get("/revue").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("<a href=\"/revue/formations/{id}\">Master Science des données</a>")));
    assert!(queue.body.contains("Université A") && queue.body.contains("moins d&#39;un jour"), "{}", queue.body);
    let page = reviewer.get(&format!("/revue/formations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Verdict : éligible au label",
        "<th scope=\"row\">C7 — Projet sur données réelles de taille réelle</th>",
        "Unités d'enseignement (",
        "<span class=\"identifiant\">UE11</span> Programmation pour la science des données",
        "<a href=\"/referentiel/DS.INF.01\">DS.INF.01</a> N3",
        "rel=\"noopener noreferrer nofollow\">https://data.example.fr/",
        "Périodes en entreprise (",
        "demande déposée",
        "a@universite-a.fr (organisme de formation)",
        "value=\"take_in_review\"",
    ] {
        assert!(page.body.contains(expected), "« {expected} » absent :\n{}", page.body);
    }
    assert!(!page.body.contains("value=\"grant\""), "a submitted application is taken in review first");
    let toml = reviewer.get(&format!("/revue/formations/{id}/declaration.toml")).await;
    assert_eq!(toml.status, StatusCode::OK);
    assert!(toml.body.contains("id = \"master-science-donnees-lyon\""));
}

#[tokio::test]
async fn a_grant_issues_a_signed_credential_valid_three_years_in_one_move() {
    let app = app().await;
    let (_, id) = submitted(&app, ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    let taken = decide(&app, &mut reviewer, id, "take_in_review", "").await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    assert_eq!(state_of(&app, id).await, LabelState::InReview);
    let granted = decide(&app, &mut reviewer, id, "grant", "Dossier complet.").await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    assert_eq!(granted.header("location"), format!("/revue/formations/{id}?fait=grant"));
    assert_eq!(state_of(&app, id).await, LabelState::Granted);

    let credentials = app.store.credentials_of_programme(id).await.expect("labels");
    assert_eq!(credentials.len(), 1);
    let credential = &credentials[0];
    let years = (credential.valid_until - credential.issued_at) as f64 / (365.25 * 86_400.0);
    assert!((2.99..=3.01).contains(&years), "validity of {years} years");
    let key = *app.state.signing_key.public_key();
    let now = registry::Timestamp::now();
    let checked = verify(&credential.jwt, &[key], now, &|_| Revocation::NotRevoked);
    assert!(checked.valid, "{:?}", checked.checks);
    assert_eq!(
        checked.credential.as_ref().expect("titre")["credentialSubject"]["id"],
        format!("http://socle.test/formations/{id}")
    );

    let history = app.store.label_history(id).await.expect("historique");
    let last = history.last().expect("étape");
    assert_eq!(
        (last.from, last.to, last.reason.as_str()),
        (Some(LabelState::InReview), LabelState::Granted, "Dossier complet.")
    );
    let reviewer_id = app.store.user_by_email(REVIEWER).await.expect("lecture").expect("compte").id;
    assert_eq!(last.actor, store::Actor::User(reviewer_id));

    let page = reviewer.get(&format!("/revue/formations/{id}?fait=grant")).await;
    assert!(page.body.contains("Label accordé pour trois ans"));
    assert!(page.body.contains(&credential.id));
    // The provider sees the label and never the reviewer's address.
    let mut provider = app.signed_in(PROVIDER_A).await;
    let own = provider.get(&format!("/espace/formations/{id}")).await;
    assert!(own.body.contains("label accordé") && own.body.contains("Label valable jusqu'au"), "{}", own.body);
    assert!(own.body.contains("instructeur du registre") && !own.body.contains(REVIEWER));
    assert!(own.body.contains(&format!("/formations/{id}/label.jwt")));
}

#[tokio::test]
async fn decisions_that_need_a_reason_refuse_an_empty_one_and_keep_what_was_typed() {
    let app = app().await;
    let (_, id) = submitted(&app, NOT_ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    decide(&app, &mut reviewer, id, "take_in_review", "").await;
    let before = registry_fingerprint(&app).await;
    for action in ["refuse", "return_for_changes"] {
        let answer = decide(&app, &mut reviewer, id, action, "   ").await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        assert!(answer.body.contains(&format!("<li><a href=\"#motif-{action}\">")), "{action}: {}", answer.body);
        assert!(answer.body.contains(&format!("id=\"motif-{action}-erreur\"")));
        assert!(answer.body.contains("motif : obligatoire"));
    }
    let long = "x".repeat(2001);
    let answer = decide(&app, &mut reviewer, id, "refuse", &long).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("2001 caractères"));
    assert!(answer.body.contains(&format!(">{long}</textarea>")), "the reason typed is shown again");
    // An unknown decision, and a provider's move, are not decisions.
    for action in ["effacer", "submit", "withdraw", "expire"] {
        let answer = decide(&app, &mut reviewer, id, action, "motif").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{action}");
    }
    assert_eq!(registry_fingerprint(&app).await, before, "nothing changed");
    // A programme that is not eligible cannot be granted: no form, and a forged post is refused.
    let page = reviewer.get(&format!("/revue/formations/{id}")).await;
    assert!(page.body.contains("Le label ne peut pas être accordé aujourd&#39;hui"));
    assert!(!page.body.contains("value=\"grant\""));
    let forged = decide(&app, &mut reviewer, id, "grant", "").await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(forged.body.contains("n&#39;est pas éligible"), "{}", forged.body);
    assert_eq!(registry_fingerprint(&app).await, before, "no credential issued");
    // A refusal with reasons.
    let refused = decide(&app, &mut reviewer, id, "refuse", "Tronc commun incomplet (C3).").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, LabelState::Refused);
    let mut provider = app.signed_in(PROVIDER_A).await;
    let own = provider.get(&format!("/espace/formations/{id}")).await;
    assert!(own.body.contains("Tronc commun incomplet (C3).") && own.body.contains("Rouvrir une demande"));
    // The provider opens a new application: a draft again, which it may change.
    let reopened = post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/rouvrir"), &[]).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.body);
    assert_eq!(state_of(&app, id).await, LabelState::Draft);
    assert_eq!(provider.get(&format!("/espace/formations/{id}/modifier")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_provider_who_gives_up_its_label_has_its_credential_revoked() {
    let app = app().await;
    let (mut provider, id) = submitted(&app, ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    decide(&app, &mut reviewer, id, "take_in_review", "").await;
    decide(&app, &mut reviewer, id, "grant", "").await;
    let confirm = provider.get(&format!("/espace/formations/{id}/retirer")).await;
    assert!(confirm.body.contains("le label signé sera révoqué"), "{}", confirm.body);
    let answer = post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/retirer"), &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(state_of(&app, id).await, LabelState::Withdrawn);
    let credentials = app.store.credentials_of_programme(id).await.expect("labels");
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0].revocation_reason.as_deref(), Some("Demande retirée par l'organisme de formation."));
    let history = app.store.label_history(id).await.expect("historique");
    assert_eq!(
        history.last().map(|last| (last.from, last.to)),
        Some((Some(LabelState::Granted), LabelState::Withdrawn))
    );
}

#[tokio::test]
async fn a_return_for_changes_gives_the_draft_back_to_its_provider() {
    let app = app().await;
    let (mut provider, id) = submitted(&app, ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    decide(&app, &mut reviewer, id, "take_in_review", "").await;
    let answer = decide(&app, &mut reviewer, id, "return_for_changes", "Précisez la provenance des données.").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/revue?fait=return_for_changes");
    assert_eq!(state_of(&app, id).await, LabelState::Draft);
    // Drafts are not shown to reviewers.
    assert_eq!(reviewer.get(&format!("/revue/formations/{id}")).await.status, StatusCode::NOT_FOUND);
    let page = provider.get(&format!("/espace/formations/{id}")).await;
    assert!(
        page.body.contains("renvoyée pour corrections") && page.body.contains("Précisez la provenance des données.")
    );
    assert_eq!(provider.get(&format!("/espace/formations/{id}/modifier")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn suspension_reinstatement_and_revocation_follow_the_credentials() {
    let app = app().await;
    let (mut provider, id) = submitted(&app, ELIGIBLE).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    decide(&app, &mut reviewer, id, "take_in_review", "").await;
    decide(&app, &mut reviewer, id, "grant", "").await;
    let suspended = decide(&app, &mut reviewer, id, "suspend", "Réclamation d'un apprenant en cours d'examen.").await;
    assert_eq!(suspended.status, StatusCode::SEE_OTHER, "{}", suspended.body);
    assert_eq!(state_of(&app, id).await, LabelState::Suspended);
    let credentials = app.store.credentials_of_programme(id).await.expect("labels");
    assert!(credentials.iter().all(|credential| credential.revoked_at.is_some()), "suspension revokes");
    let reinstated = decide(&app, &mut reviewer, id, "reinstate", "Réclamation close.").await;
    assert_eq!(reinstated.status, StatusCode::SEE_OTHER, "{}", reinstated.body);
    let credentials = app.store.credentials_of_programme(id).await.expect("labels");
    assert_eq!(credentials.len(), 2);
    // Issued in the same second, the two credentials may come in any order.
    let current: Vec<_> = credentials.iter().filter(|credential| credential.revoked_at.is_none()).collect();
    assert_eq!(current.len(), 1, "a new credential, the suspended one stays revoked");
    assert_eq!(credentials[0].valid_until, credentials[1].valid_until, "the same expiry");
    let reinstated_id = current[0].id.clone();
    let revoked = decide(&app, &mut reviewer, id, "revoke", "Fausse déclaration avérée.").await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(state_of(&app, id).await, LabelState::Revoked, "stored as revoked, not as a refusal");
    let public = app.client().get(&format!("/formations/{id}")).await;
    assert!(public.body.contains("label retiré définitivement"), "{}", public.body);
    assert!(!public.body.contains("label refusé"), "{}", public.body);
    let credentials = app.store.credentials_of_programme(id).await.expect("labels");
    assert!(credentials.iter().all(|credential| credential.revoked_at.is_some()));
    let reinstated = credentials.iter().find(|credential| credential.id == reinstated_id).expect("label rétabli");
    assert_eq!(reinstated.revocation_reason.as_deref(), Some("Fausse déclaration avérée."));
    let page = reviewer.get(&format!("/revue/formations/{id}")).await;
    assert!(page.body.contains("label retiré définitivement"), "{}", page.body);
    assert!(page.body.contains("Aucune décision n'est possible"));
    // A revoked label is final: no decision, no reopening.
    let before = registry_fingerprint(&app).await;
    assert_eq!(decide(&app, &mut reviewer, id, "reinstate", "Erreur").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reopen = post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/rouvrir"), &[]).await;
    assert_eq!(reopen.status, StatusCode::BAD_REQUEST, "{}", reopen.body);
    assert_eq!(registry_fingerprint(&app).await, before);
}

#[tokio::test]
async fn only_reviewers_decide_even_with_a_well_formed_post() {
    let app = app().await;
    let (mut provider, id) = submitted(&app, ELIGIBLE).await;
    let path = format!("/revue/formations/{id}/decision");
    let before = registry_fingerprint(&app).await;
    for email in [PROVIDER_A, PROVIDER_B, ADMIN] {
        let mut client = if email == PROVIDER_A { provider.clone() } else { app.signed_in(email).await };
        // The token is a valid one for this form and this session: only the role is wrong.
        for action in ["take_in_review", "grant"] {
            let answer = post_with_token(&app, &mut client, &path, &[("action", action), ("motif", "x")]).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{email} {action}");
        }
        for page in ["/revue".to_owned(), format!("/revue/formations/{id}")] {
            assert_eq!(client.get(&page).await.status, StatusCode::FORBIDDEN, "{email} {page}");
        }
    }
    // A reviewer's forged provider moves are refused too.
    let mut reviewer = app.signed_in(REVIEWER).await;
    let answer = post_with_token(&app, &mut reviewer, &format!("/espace/formations/{id}/retirer"), &[]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Without the token, even the reviewer changes nothing.
    let answer = reviewer.post(&path, &[("action", "take_in_review")]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let wrong = token(&app, &reviewer, "/revue/formations/999/decision").await;
    let answer = reviewer.post(&path, &[("action", "take_in_review"), ("csrf", &wrong)]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(registry_fingerprint(&app).await, before);
    // Visitors are sent to the login page, or refused.
    let mut visitor = app.client();
    assert_eq!(visitor.get("/revue").await.status, StatusCode::SEE_OTHER);
    assert_eq!(visitor.post(&path, &[("action", "grant")]).await.status, StatusCode::FORBIDDEN);
    let _ = provider.get("/espace").await;
}
