//! Programmes with their competences, filters, label transitions and their history, and the
//! credentials issued or revoked with a transition.

mod common;

use common::{data, memory, organisation, programme, user};
use store::{
    Actor, Error, LabelChange, LabelState, NewCredential, NewProgramme, ProgrammeFilter, ProgrammeId, Role,
    TaughtCompetence, Unique,
};

fn taught(competence: &str, level: u8) -> TaughtCompetence {
    TaughtCompetence { competence: competence.to_owned(), level }
}

fn change(from: LabelState, to: LabelState, actor: Actor, at: i64, reason: &str) -> LabelChange {
    LabelChange { from, to, actor, at, reason: reason.to_owned(), issue: None, revoke_credentials: false }
}

fn credential(id: &str, programme: ProgrammeId, issued_at: i64) -> NewCredential {
    NewCredential {
        id: id.to_owned(),
        programme_id: programme,
        issued_at,
        valid_until: issued_at + 3 * 365 * 86_400,
        jwt: format!("eyJhbGciOiJFZERTQSJ9.{id}.c2lnbmF0dXJl"),
    }
}

#[tokio::test]
async fn a_programme_is_stored_and_read_back_whole() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let mut declared = data("master-sd", "Master Science des données");
    declared.modalities = vec!["presentiel".to_owned(), "hybride".to_owned()];
    declared.competences =
        vec![taught("DS.MST.07", 2), taught("DS.INF.01", 2), taught("DS.MST.07", 3), taught("DS.MET.08", 1)];
    let created = programme(&store, org.id, declared.clone(), 2_000).await;
    assert_eq!(created.organisation_id, org.id);
    assert_eq!(
        (created.slug.as_str(), created.title.as_str(), created.diploma.as_str()),
        ("master-sd", "Master Science des données", "master")
    );
    assert_eq!((created.level, created.region.as_deref()), (Some(7), Some("84")));
    assert_eq!(created.modalities, ["presentiel", "hybride"]);
    assert_eq!(created.declaration, declared.declaration);
    assert_eq!(created.report, declared.report);
    assert!(created.eligible && !created.example);
    assert_eq!(created.label_state, LabelState::Draft);
    assert_eq!((created.created_at, created.updated_at), (2_000, 2_000));
    assert_eq!(
        created.competences,
        [taught("DS.INF.01", 2), taught("DS.MET.08", 1), taught("DS.MST.07", 3)],
        "triées par id, doublon fusionné au niveau le plus haut"
    );
    let read = store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.as_ref(), Some(&created));
    let by_slug = store.programme_by_slug(org.id, "master-sd").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_slug.as_ref(), Some(&created));
    let other = organisation(&store, "École Autre").await;
    assert_eq!(store.programme_by_slug(other.id, "master-sd").await.unwrap_or_else(|e| panic!("{e}")), None);
    assert_eq!(store.programme(ProgrammeId(404)).await.unwrap_or_else(|e| panic!("{e}")), None);
    let history = store.label_history(created.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].from, history[0].to, history[0].actor), (None, LabelState::Draft, Actor::System));
    assert_eq!(history[0].at, 2_000);
}

#[tokio::test]
async fn a_slug_is_unique_within_its_organisation_only() {
    let store = memory().await;
    let first = organisation(&store, "Université Exemple").await;
    let second = organisation(&store, "École Autre").await;
    programme(&store, first.id, data("master-sd", "Master A"), 1).await;
    let new = NewProgramme {
        organisation_id: first.id,
        data: data("master-sd", "Master B"),
        example: false,
        created_by: Actor::System,
        created_at: 2,
    };
    let error = store.create_programme(&new).await.expect_err("doublon");
    assert!(matches!(error, Error::Duplicate(Unique::ProgrammeSlug)), "{error}");
    assert_eq!(error.to_string(), "cet organisme a déjà une formation avec cet identifiant");
    programme(&store, second.id, data("master-sd", "Master B"), 3).await;
    let all = store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn invalid_programmes_are_refused_in_french_and_leave_nothing_behind() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let cases: Vec<(store::ProgrammeData, &str)> = vec![
        (data("Master SD", "Master"), "ne contient que a-z, 0-9"),
        (data("-master", "Master"), "commence par une lettre minuscule ou un chiffre"),
        (data("master", "   "), "le titre de la formation est vide"),
        (store::ProgrammeData { level: Some(9), ..data("master", "Master") }, "compris entre 5 et 8"),
        (
            store::ProgrammeData { declaration: "{pas du json".to_owned(), ..data("master", "Master") },
            "la déclaration doit être un document JSON valide",
        ),
        (
            store::ProgrammeData { report: String::new(), ..data("master", "Master") },
            "le rapport des critères doit être un document JSON valide",
        ),
        (
            store::ProgrammeData { competences: vec![taught("DS.MST.07", 5)], ..data("master", "Master") },
            "compris entre 1 (N1) et 4 (N4)",
        ),
    ];
    for (declared, expected) in cases {
        let new = NewProgramme {
            organisation_id: org.id,
            data: declared,
            example: false,
            created_by: Actor::System,
            created_at: 1,
        };
        let error = store.create_programme(&new).await.expect_err(expected);
        assert!(matches!(error, Error::Invalid(_)), "{error}");
        let message = error.to_string();
        assert!(message.starts_with("création d'une formation impossible : "), "{message}");
        assert!(message.contains(expected), "« {message} » devrait contenir « {expected} »");
    }
    let new = NewProgramme {
        organisation_id: store::OrganisationId(404),
        data: data("master", "Master"),
        example: false,
        created_by: Actor::System,
        created_at: 1,
    };
    let error = store.create_programme(&new).await.expect_err("organisme absent");
    assert!(error.to_string().contains("l'élément lié"), "{error}");
    assert!(store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    // The programme whose competence insert failed was rolled back with its history entry: no
    // row is left, so the next programme gets the first id again, and a one-entry history.
    let created = programme(&store, org.id, data("master", "Master"), 5).await;
    assert_eq!(created.id, ProgrammeId(1));
    assert_eq!(store.label_history(created.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 1);
    assert!(store.integrity_check().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
}

#[tokio::test]
async fn an_update_replaces_the_declared_columns_and_competences_but_not_the_label_state() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let created = programme(&store, org.id, data("master-sd", "Master SD"), 10).await;
    store
        .transition_label(created.id, &change(LabelState::Draft, LabelState::Submitted, Actor::System, 11, ""))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut corrected = data("master-science-donnees", "Master Science des données");
    corrected.level = None;
    corrected.diploma = "court".to_owned();
    corrected.region = None;
    corrected.modalities = vec!["distanciel".to_owned()];
    corrected.eligible = false;
    corrected.competences = vec![taught("DS.TRV.01", 2)];
    let updated = store.update_programme(created.id, &corrected, 20).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(updated.slug, "master-science-donnees");
    assert_eq!((updated.level, updated.region.as_deref(), updated.diploma.as_str()), (None, None, "court"));
    assert_eq!(updated.modalities, ["distanciel"]);
    assert!(!updated.eligible);
    assert_eq!(updated.competences, [taught("DS.TRV.01", 2)]);
    assert_eq!(updated.label_state, LabelState::Submitted);
    assert_eq!((updated.created_at, updated.updated_at), (10, 20));
    assert_eq!(store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}")), Some(updated));
    let error = store.update_programme(ProgrammeId(404), &corrected, 30).await.expect_err("absente");
    assert_eq!(error.to_string(), "formation introuvable : 404");
    let sibling = programme(&store, org.id, data("licence", "Licence"), 40).await;
    let error = store.update_programme(sibling.id, &corrected, 41).await.expect_err("slug pris");
    assert!(matches!(error, Error::Duplicate(Unique::ProgrammeSlug)), "{error}");
    let sibling_now = store.programme(sibling.id).await.unwrap_or_else(|e| panic!("{e}")).expect("licence");
    assert_eq!(sibling_now.slug, "licence", "la mise à jour refusée ne change rien");
    assert_eq!(sibling_now.competences, sibling.competences);
}

#[tokio::test]
async fn filters_select_the_right_programmes() {
    let store = memory().await;
    let lyon = organisation(&store, "Université de Lyon").await;
    let lille = organisation(&store, "École de Lille").await;
    let mut master = data("master", "Master SD");
    master.competences = vec![taught("DS.MST.07", 3), taught("DS.INF.01", 2)];
    let master = programme(&store, lyon.id, master, 1).await;
    let mut licence = data("licence", "Licence pro données");
    licence.level = Some(6);
    licence.diploma = "licence_pro".to_owned();
    licence.region = Some("32".to_owned());
    licence.modalities = vec!["presentiel".to_owned(), "distanciel".to_owned()];
    licence.competences = vec![taught("DS.MST.07", 2)];
    let licence = programme(&store, lille.id, licence, 2).await;
    let mut mooc = data("mooc", "MOOC Découverte");
    mooc.level = None;
    mooc.diploma = "mooc".to_owned();
    mooc.region = None;
    mooc.modalities = vec!["distanciel".to_owned()];
    mooc.competences = vec![taught("DS.INF.01", 1)];
    let new =
        NewProgramme { organisation_id: lille.id, data: mooc, example: true, created_by: Actor::System, created_at: 3 };
    store.create_programme(&new).await.unwrap_or_else(|e| panic!("{e}"));
    store
        .transition_label(master.id, &change(LabelState::Draft, LabelState::Submitted, Actor::System, 4, ""))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .transition_label(licence.id, &change(LabelState::Draft, LabelState::Submitted, Actor::System, 5, ""))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .transition_label(licence.id, &change(LabelState::Submitted, LabelState::InReview, Actor::System, 6, ""))
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let owned = |text: &str| Some(text.to_owned());
    let cases: Vec<(ProgrammeFilter, Vec<&str>)> = vec![
        (ProgrammeFilter::default(), vec!["licence", "master", "mooc"]),
        (ProgrammeFilter { organisation_id: Some(lille.id), ..Default::default() }, vec!["licence", "mooc"]),
        (ProgrammeFilter { label_states: vec![LabelState::Draft], ..Default::default() }, vec!["mooc"]),
        (
            ProgrammeFilter { label_states: vec![LabelState::Submitted, LabelState::InReview], ..Default::default() },
            vec!["licence", "master"],
        ),
        (ProgrammeFilter { label_states: vec![LabelState::Granted], ..Default::default() }, vec![]),
        (ProgrammeFilter { level: Some(6), ..Default::default() }, vec!["licence"]),
        (ProgrammeFilter { diploma: owned("mooc"), ..Default::default() }, vec!["mooc"]),
        (ProgrammeFilter { region: owned("84"), ..Default::default() }, vec!["master"]),
        (ProgrammeFilter { modality: owned("distanciel"), ..Default::default() }, vec!["licence", "mooc"]),
        (ProgrammeFilter { modality: owned("distant"), ..Default::default() }, vec![]),
        (ProgrammeFilter { competence: owned("DS.MST.07"), ..Default::default() }, vec!["licence", "master"]),
        (ProgrammeFilter { competence: owned("DS.MST.07"), min_level: Some(3), ..Default::default() }, vec!["master"]),
        (ProgrammeFilter { competence: owned("DS.INF.01"), min_level: Some(4), ..Default::default() }, vec![]),
        (ProgrammeFilter { min_level: Some(2), ..Default::default() }, vec!["licence", "master"]),
        (ProgrammeFilter { example: Some(true), ..Default::default() }, vec!["mooc"]),
        (ProgrammeFilter { example: Some(false), ..Default::default() }, vec!["licence", "master"]),
        (
            ProgrammeFilter {
                organisation_id: Some(lille.id),
                modality: owned("distanciel"),
                competence: owned("DS.MST.07"),
                ..Default::default()
            },
            vec!["licence"],
        ),
        // Values that look like SQL are plain values.
        (ProgrammeFilter { region: owned("84' OR '1'='1"), ..Default::default() }, vec![]),
    ];
    for (filter, expected) in cases {
        let found = store.programmes(&filter).await.unwrap_or_else(|e| panic!("{e}"));
        let slugs: Vec<&str> = found.iter().map(|programme| programme.slug.as_str()).collect();
        assert_eq!(slugs, expected, "{filter:?}");
    }
    let all = store.programmes(&ProgrammeFilter::default()).await.unwrap_or_else(|e| panic!("{e}"));
    let master_listed = all.iter().find(|programme| programme.slug == "master").expect("master");
    assert_eq!(master_listed.competences, [taught("DS.INF.01", 2), taught("DS.MST.07", 3)], "compétences jointes");
}

#[tokio::test]
async fn label_transitions_are_recorded_in_order_with_who_when_and_why() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let provider = user(&store, "alice@exemple.fr", Role::Provider, Some(org.id)).await;
    let reviewer = user(&store, "bob@ministere.fr", Role::Reviewer, None).await;
    let created = programme(&store, org.id, data("master-sd", "Master SD"), 100).await;
    let steps = [
        (LabelState::Draft, LabelState::Submitted, Actor::User(provider.id), 200, "première demande"),
        (LabelState::Submitted, LabelState::InReview, Actor::User(reviewer.id), 300, ""),
        (
            LabelState::InReview,
            LabelState::Refused,
            Actor::User(reviewer.id),
            400,
            "C7 : pas de projet sur données réelles",
        ),
        (LabelState::Refused, LabelState::Draft, Actor::User(provider.id), 500, "déclaration corrigée"),
        (LabelState::Draft, LabelState::Submitted, Actor::User(provider.id), 500, "seconde demande"),
    ];
    for (from, to, actor, at, reason) in steps {
        let transition = store
            .transition_label(created.id, &change(from, to, actor, at, reason))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((transition.from, transition.to, transition.actor), (Some(from), to, actor));
        assert_eq!((transition.at, transition.reason.as_str()), (at, reason));
        assert_eq!(transition.programme_id, created.id);
    }
    let history = store.label_history(created.id).await.unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<(Option<LabelState>, LabelState, i64, &str)> =
        history.iter().map(|t| (t.from, t.to, t.at, t.reason.as_str())).collect();
    let mut expected = vec![(None, LabelState::Draft, 100, "")];
    expected.extend(steps.iter().map(|(from, to, _, at, reason)| (Some(*from), *to, *at, *reason)));
    assert_eq!(seen, expected, "dans l'ordre, y compris deux transitions à la même seconde");
    assert!(history.windows(2).all(|pair| pair[0].id < pair[1].id));
    let now = store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}")).expect("formation");
    assert_eq!((now.label_state, now.updated_at), (LabelState::Submitted, 500));
}

#[tokio::test]
async fn a_stale_transition_changes_nothing() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let reviewer = user(&store, "bob@ministere.fr", Role::Reviewer, None).await;
    let created = programme(&store, org.id, data("master-sd", "Master SD"), 100).await;
    store
        .transition_label(created.id, &change(LabelState::Draft, LabelState::Submitted, Actor::System, 200, ""))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let error = store
        .transition_label(
            created.id,
            &change(LabelState::InReview, LabelState::Granted, Actor::User(reviewer.id), 300, "accordé"),
        )
        .await
        .expect_err("état périmé");
    assert!(matches!(error, Error::StateChanged { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "l'état du label de la formation {} a changé entre-temps : attendu « en cours d'examen », trouvé « soumise »",
            created.id
        )
    );
    assert_eq!(store.label_history(created.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 2);
    let now = store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}")).expect("formation");
    assert_eq!(now.label_state, LabelState::Submitted);
    let error = store
        .transition_label(ProgrammeId(404), &change(LabelState::Draft, LabelState::Submitted, Actor::System, 1, ""))
        .await
        .expect_err("absente");
    assert_eq!(error.to_string(), "formation introuvable : 404");
    let error = store
        .transition_label(
            created.id,
            &change(LabelState::Submitted, LabelState::InReview, Actor::User(store::UserId(999)), 400, ""),
        )
        .await
        .expect_err("acteur inconnu");
    assert!(matches!(error, Error::Invalid(_)), "{error}");
    assert_eq!(store.label_history(created.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 2);
    assert_eq!(
        store.programme(created.id).await.unwrap_or_else(|e| panic!("{e}")).expect("formation").label_state,
        LabelState::Submitted,
        "l'échec de l'historique annule aussi le changement d'état"
    );
}

#[tokio::test]
async fn granting_issues_the_credential_in_the_same_transaction() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let reviewer = user(&store, "bob@ministere.fr", Role::Reviewer, None).await;
    let first = programme(&store, org.id, data("master-sd", "Master SD"), 100).await;
    let second = programme(&store, org.id, data("licence", "Licence"), 100).await;
    for id in [first.id, second.id] {
        for (from, to) in [(LabelState::Draft, LabelState::Submitted), (LabelState::Submitted, LabelState::InReview)] {
            store
                .transition_label(id, &change(from, to, Actor::System, 200, ""))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let grant = |programme: ProgrammeId, credential_id: &str| LabelChange {
        issue: Some(credential("urn:uuid:0001", programme, 300)).map(|mut c| {
            c.id = credential_id.to_owned();
            c
        }),
        ..change(LabelState::InReview, LabelState::Granted, Actor::User(reviewer.id), 300, "conforme")
    };
    store.transition_label(first.id, &grant(first.id, "urn:uuid:0001")).await.unwrap_or_else(|e| panic!("{e}"));
    let issued = store.credentials_of_programme(first.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(issued.len(), 1);
    assert_eq!((issued[0].id.as_str(), issued[0].issued_at, issued[0].revoked_at), ("urn:uuid:0001", 300, None));
    // Same credential id for the second programme: the insert fails, so the state and the
    // history stay as they were.
    let error = store.transition_label(second.id, &grant(second.id, "urn:uuid:0001")).await.expect_err("id pris");
    assert!(matches!(error, Error::Duplicate(Unique::CredentialId)), "{error}");
    let second_now = store.programme(second.id).await.unwrap_or_else(|e| panic!("{e}")).expect("licence");
    assert_eq!(second_now.label_state, LabelState::InReview);
    assert_eq!(store.label_history(second.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 3);
    assert!(store.credentials_of_programme(second.id).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    // A credential for another programme is refused before anything is written.
    let error =
        store.transition_label(second.id, &grant(first.id, "urn:uuid:0002")).await.expect_err("mauvaise formation");
    assert!(error.to_string().contains(&format!("concerne la formation {}", first.id)), "{error}");
    store.transition_label(second.id, &grant(second.id, "urn:uuid:0002")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.credentials_of_programme(second.id).await.unwrap_or_else(|e| panic!("{e}")).len(), 1);
}

#[tokio::test]
async fn suspending_revokes_the_credentials_with_the_reason() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let created = programme(&store, org.id, data("master-sd", "Master SD"), 100).await;
    for (from, to) in [
        (LabelState::Draft, LabelState::Submitted),
        (LabelState::Submitted, LabelState::InReview),
        (LabelState::InReview, LabelState::Granted),
    ] {
        store
            .transition_label(created.id, &change(from, to, Actor::System, 200, ""))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    store.issue_credential(&credential("urn:uuid:a", created.id, 200)).await.unwrap_or_else(|e| panic!("{e}"));
    let suspend = LabelChange {
        revoke_credentials: true,
        ..change(LabelState::Granted, LabelState::Suspended, Actor::System, 900, "")
    };
    let error = store.transition_label(created.id, &suspend).await.expect_err("motif manquant");
    assert!(error.to_string().contains("demande un motif"), "{error}");
    let suspend = LabelChange { reason: "plainte fondée".to_owned(), ..suspend };
    store.transition_label(created.id, &suspend).await.unwrap_or_else(|e| panic!("{e}"));
    let revoked = store.credential("urn:uuid:a").await.unwrap_or_else(|e| panic!("{e}")).expect("label");
    assert_eq!((revoked.revoked_at, revoked.revocation_reason.as_deref()), (Some(900), Some("plainte fondée")));
    assert_eq!(store.current_credential(created.id, 901).await.unwrap_or_else(|e| panic!("{e}")), None);
}

#[tokio::test]
async fn deleting_a_programme_takes_its_history_but_never_an_issued_label() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let draft = programme(&store, org.id, data("brouillon", "Brouillon"), 1).await;
    let labelled = programme(&store, org.id, data("labellisee", "Labellisée"), 1).await;
    store.issue_credential(&credential("urn:uuid:b", labelled.id, 5)).await.unwrap_or_else(|e| panic!("{e}"));
    store.delete_programme(draft.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.programme(draft.id).await.unwrap_or_else(|e| panic!("{e}")), None);
    assert!(store.label_history(draft.id).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    let error = store.delete_programme(labelled.id).await.expect_err("label délivré");
    assert!(matches!(error, Error::Invalid(_)), "{error}");
    assert!(error.to_string().starts_with("suppression d'une formation impossible"), "{error}");
    assert!(store.programme(labelled.id).await.unwrap_or_else(|e| panic!("{e}")).is_some());
    let error = store.delete_programme(draft.id).await.expect_err("déjà supprimée");
    assert!(matches!(error, Error::NotFound { what: "formation", .. }), "{error}");
    assert!(store.integrity_check().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
}

#[test]
fn label_state_codes_round_trip() {
    for state in LabelState::ALL {
        assert_eq!(LabelState::from_code(state.code()), Some(state));
        assert!(!state.label().is_empty());
    }
    assert_eq!(LabelState::from_code("granted "), None);
}
