//! The provider space (`/espace`): declaring by form and by upload, the live report, changing a
//! draft, downloading the declaration, submitting and withdrawing; and what it refuses: another
//! organisation's programmes (the same 404 as a programme that does not exist), forms without
//! their CSRF token, bad files (the previous version stays), invalid fields (each with a French
//! message next to it, every value kept).

mod common;
mod registry_support;

use axum::http::StatusCode;
use registry_support::{
    ADMIN, ELIGIBLE, NOT_ELIGIBLE, PROVIDER_A, PROVIDER_B, REVIEWER, app, declare, demo, demo_json, form_fields,
    post_with_token, programme_of, registry_fingerprint, token, upload,
};
use store::LabelState;

#[tokio::test]
async fn a_provider_declares_by_form_reads_the_report_and_submits() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let home = client.get("/espace").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Aucune formation déclarée"), "{}", home.body);
    let page = client.get("/espace/nouvelle").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"Université A\""), "the provider's name is proposed");
    let token = page.csrf_for("/espace/nouvelle");

    let declaration = demo_json(NOT_ELIGIBLE);
    let mut fields = form_fields(&declaration);
    fields.push(("csrf".to_owned(), token));
    fields.push(("action".to_owned(), "enregistrer".to_owned()));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    let saved = client.post("/espace/nouvelle", &fields).await;
    let id = programme_of(&saved);
    assert!(saved.header("location").ends_with("?enregistre=formulaire"));

    // The form gives the same declaration as the file.
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    let mut expected = declaration.clone();
    expected["programme"]["example"] = serde_json::Value::Bool(false);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stored.declaration).expect("json"), expected);
    assert_eq!(stored.label_state, LabelState::Draft);
    assert!(!stored.eligible);

    // The live report: every criterion, the verdict, the failing one with its message.
    let report = client.get(&format!("/espace/formations/{id}?enregistre=formulaire")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Déclaration enregistrée depuis le formulaire"));
    for criterion in 1..=14 {
        assert!(report.body.contains(&format!("<th scope=\"row\">C{criterion} — ")), "C{criterion} absent");
    }
    assert!(report.body.contains("Verdict : non éligible au label"));
    assert!(report.body.contains("critere-fail"), "C3 fails");
    assert!(report.body.contains("DS.INF.04, DS.INF.06, DS.INF.09"), "the figures of C3");

    // Submitting asks for confirmation, warns that it is not eligible, then submits.
    let confirm = client.get(&format!("/espace/formations/{id}/soumettre")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("n&#39;est pas éligible (1 critère(s) non conforme(s) : C3)"), "{}", confirm.body);
    let token = confirm.csrf_for(&format!("/espace/formations/{id}/soumettre"));
    let submitted = client.post(&format!("/espace/formations/{id}/soumettre"), &[("csrf", &token)]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    assert_eq!(stored.label_state, LabelState::Submitted);
    let history = app.store.label_history(id).await.expect("historique");
    assert_eq!(history.len(), 2);
    let page = client.get(&format!("/espace/formations/{id}?fait=submit")).await;
    assert!(page.body.contains("Demande de label déposée"));
    assert!(page.body.contains("demande déposée"), "the history names the move");
    assert!(!page.body.contains("/modifier\""), "no edit link while the application is examined");

    // The list shows it with its state.
    let home = client.get("/espace").await;
    assert!(home.body.contains("Master Mathématiques et applications"));
    assert!(home.body.contains("déposée"));
}

#[tokio::test]
async fn invalid_form_fields_each_get_a_french_message_and_keep_their_value() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let before = registry_fingerprint(&app).await;
    let answer = post_with_token(
        &app,
        &mut client,
        "/espace/nouvelle",
        &[
            ("programme-id", "Mon Master!"),
            ("programme-title", ""),
            ("programme-provider", "Université A"),
            ("programme-diploma", "master-bidon"),
            ("programme-level", "neuf"),
            ("programme-language", "français"),
            ("programme-total_ects", "-120"),
            ("programme-practitioner_share", "150"),
            ("programme-updated", "2026-02-30"),
            ("programme-public_url", "ftp://exemple.fr"),
            ("units-0-code", "UE1"),
            ("units-0-title", "Programmation"),
            ("units-0-hours", "trente"),
            ("units-0-kind", "specialisation"),
            ("units-0-competences", "DS.XXX.99 N2, DS.INF.01 N5"),
            ("projects-0-title", "Projet"),
            ("projects-0-data_provenance", "pas une adresse"),
            ("placements-0-kind", "stage"),
            ("placements-0-weeks", "0"),
            ("outcomes-employment_6m", "2"),
            ("action", "enregistrer"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    assert_eq!(registry_fingerprint(&app).await, before, "nothing saved");
    // Each field has its message, linked from the summary, naming the field in French.
    let expected = [
        ("programme-id", "Identifiant de la formation : "),
        ("programme-title", "Intitulé : "),
        ("programme-diploma", "Type de diplôme ou de formation : "),
        ("programme-level", "Niveau RNCP : "),
        ("programme-modality", "Modalités d'enseignement : "),
        ("programme-language", "Langue d'enseignement : "),
        ("programme-total_ects", "Crédits ECTS de toute la formation : "),
        ("programme-practitioner_share", "Part des enseignements assurés par des professionnels : "),
        ("programme-updated", "Date de mise à jour de la déclaration : "),
        ("programme-public_url", "Page publique de la formation : "),
        ("units-0-hours", "Unité 1, heures encadrées : "),
        ("units-0-sector", "Unité 1, secteur de spécialisation : "),
        ("units-0-competences", "Unité 1, compétences enseignées : "),
        ("projects-0-data_provenance", "Projet 1, adresse publique des données : "),
        ("placements-0-weeks", "Période en entreprise 1, durée en semaines : "),
        ("outcomes-employment_6m", "Devenir des diplômés, part des diplômés en emploi à six mois : "),
    ];
    let mut missing = Vec::new();
    for (field, name) in expected {
        let linked = answer.body.contains(&format!("<li><a href=\"#{field}\">{}", name.replace('\'', "&#39;")));
        let beside = answer.body.contains(&format!("id=\"{field}-erreur\""));
        if !linked || !beside {
            missing.push(format!("{field} (résumé : {linked}, à côté : {beside})"));
        }
    }
    assert!(missing.is_empty(), "messages manquants : {missing:?}\n{}", answer.body);
    for french in ["compétence inconnue « DS.XXX.99 »", "niveau « N5 » inconnu", "attendu : un entier de 1 à 156"]
    {
        assert!(answer.body.contains(french), "« {french} » absent");
    }
    // What was typed is shown again.
    for kept in [
        "value=\"Mon Master!\"",
        "value=\"trente\"",
        "DS.XXX.99 N2, DS.INF.01 N5</textarea>",
        "value=\"pas une adresse\"",
    ] {
        assert!(answer.body.contains(kept), "{kept} absent");
    }
    assert!(answer.body.contains("<option value=\"specialisation\" selected>"));
}

#[tokio::test]
async fn rows_are_added_and_removed_without_saving_or_losing_anything() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let added = post_with_token(
        &app,
        &mut client,
        "/espace/nouvelle",
        &[("programme-title", "Titre gardé"), ("units-0-code", "UE1"), ("action", "ajouter-units")],
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(added.body.contains("id=\"units-1-code\""), "a second unit row");
    assert!(added.body.contains("value=\"Titre gardé\"") && added.body.contains("value=\"UE1\""));
    assert!(added.body.contains("formaction=\"/espace/nouvelle#units-2\""), "the next row's anchor");
    let removed = post_with_token(
        &app,
        &mut client,
        "/espace/nouvelle",
        &[("units-0-code", "UE1"), ("units-1-code", "UE2"), ("action", "retirer-units-0")],
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert!(removed.body.contains("value=\"UE2\"") && !removed.body.contains("value=\"UE1\""));
    assert!(!removed.body.contains("id=\"units-1-code\""));
    assert!(app.store.programmes(&store::ProgrammeFilter::default()).await.expect("lecture").is_empty());
}

#[tokio::test]
async fn uploads_create_replace_and_a_bad_file_keeps_the_previous_version() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let page = client.get("/espace/televerser").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let id = declare(&app, &client, &demo(ELIGIBLE)).await;
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    assert!(stored.eligible);
    let path = format!("/espace/formations/{id}/televerser");
    let upload_token = token(&app, &client, &path).await;
    let before = registry_fingerprint(&app).await;

    // A file with several problems: every one listed with its line and field, nothing saved.
    let broken = demo(ELIGIBLE)
        .replace("hours = 60\n", "hours = -60\n")
        .replace("level = \"N3\" }", "level = \"N5\" }")
        .replace("diploma = \"master\"", "diploma = \"mastere\"");
    let refused = upload(&app, &client, &path, Some(&upload_token), "formation.toml", broken.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("rien n&#39;a été enregistré") || refused.body.contains("rien n'a été enregistré"));
    assert!(refused.body.contains("vouliez-vous dire « master » ?"), "{}", refused.body);
    assert!(refused.body.contains("<span class=\"identifiant\">programme.diploma</span>"));
    assert!(refused.body.contains("<span class=\"identifiant\">units[0].hours</span>"));
    assert!(
        refused.body.contains("<tr><td>9</td><td><span class=\"identifiant\">programme.diploma</span>"),
        "line numbers of the file"
    );
    assert!(refused.body.contains("href=\"#fichier\""), "the summary links to the file input");
    assert_eq!(registry_fingerprint(&app).await, before, "the previous version stays");

    // TOML syntax, JSON syntax, not UTF-8, too large, empty, another programme id: all refused.
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("a.toml", b"[programme\nid = 1".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "TOML invalide"),
        ("a.json", b"{\"programme\": ".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "JSON invalide"),
        ("a.toml", vec![0xff, 0xfe, 0x00, 0x41], StatusCode::UNPROCESSABLE_ENTITY, "n&#39;est pas un texte en UTF-8"),
        ("a.toml", vec![b'#'; 300 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "plus que les 256 Kio acceptés"),
        ("a.toml", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "aucun fichier reçu"),
        (
            "a.toml",
            demo(ELIGIBLE).replace("id = \"master-science-donnees-lyon\"", "id = \"autre-master\"").into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "il reste « master-science-donnees-lyon »",
        ),
    ];
    for (filename, content, status, message) in cases {
        let answer = upload(&app, &client, &path, Some(&upload_token), filename, &content).await;
        assert_eq!(answer.status, status, "{message}: {}", answer.body);
        assert!(answer.body.contains(message), "« {message} » absent :\n{}", answer.body);
        assert_eq!(registry_fingerprint(&app).await, before, "{message}: the previous version stays");
    }

    // A corrected version replaces it, in JSON this time.
    let mut corrected = demo_json(ELIGIBLE);
    corrected["programme"]["title"] = "Master Science des données (nouvelle maquette)".into();
    let saved =
        upload(&app, &client, &path, Some(&upload_token), "formation.json", corrected.to_string().as_bytes()).await;
    assert_eq!(programme_of(&saved), id);
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    assert_eq!(stored.title, "Master Science des données (nouvelle maquette)");
    assert_eq!(app.store.programmes(&store::ProgrammeFilter::default()).await.expect("lecture").len(), 1);

    // A new programme cannot take an existing id.
    let again = upload(
        &app,
        &client,
        "/espace/televerser",
        Some(&token(&app, &client, "/espace/televerser").await),
        "b.toml",
        demo(ELIGIBLE).as_bytes(),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("votre organisme a déjà une formation « master-science-donnees-lyon »"));
    let _ = &mut client;
}

#[tokio::test]
async fn the_declaration_downloads_as_toml_that_reads_back_the_same() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let id = declare(&app, &client, &demo(ELIGIBLE)).await;
    let answer = client.get(&format!("/espace/formations/{id}/declaration.toml")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "application/toml; charset=utf-8");
    assert_eq!(answer.header("content-disposition"), "attachment; filename=\"master-science-donnees-lyon.toml\"");
    let referentiel = common::referentiel();
    let read = registry::Declaration::from_toml(&answer.body, &referentiel, registry::Date::today()).expect("relue");
    assert_eq!(read.to_json(), demo_json(ELIGIBLE));
    // The form is filled with the stored declaration.
    let edit = client.get(&format!("/espace/formations/{id}/modifier")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("value=\"master-science-donnees-lyon\" readonly"));
    assert!(edit.body.contains("DS.INF.01 N3, DS.INF.03 N2</textarea>"));
}

#[tokio::test]
async fn another_provider_gets_the_same_404_as_for_a_programme_that_does_not_exist() {
    let app = app().await;
    let client_a = app.signed_in(PROVIDER_A).await;
    let id = declare(&app, &client_a, &demo(ELIGIBLE)).await;
    let mut client_b = app.signed_in(PROVIDER_B).await;
    let before = registry_fingerprint(&app).await;
    let missing = id.0 + 1000;
    for suffix in ["", "/modifier", "/declaration.toml", "/soumettre", "/retirer"] {
        let theirs = client_b.get(&format!("/espace/formations/{id}{suffix}")).await;
        let nobody = client_b.get(&format!("/espace/formations/{missing}{suffix}")).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "GET {suffix}");
        assert_eq!(theirs.body, nobody.body, "GET {suffix}: the answer must not tell that it exists");
        assert!(!theirs.body.contains("Master Science des données"));
    }
    for suffix in ["/modifier", "/soumettre", "/retirer", "/rouvrir"] {
        let path = format!("/espace/formations/{id}{suffix}");
        let answer = post_with_token(&app, &mut client_b, &path, &[("programme-title", "Volée")]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "POST {suffix}: {}", answer.body);
    }
    let path = format!("/espace/formations/{id}/televerser");
    let stolen = demo(ELIGIBLE).replace("Master Science des données", "Volée");
    let answer =
        upload(&app, &client_b, &path, Some(&token(&app, &client_b, &path).await), "a.toml", stolen.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(registry_fingerprint(&app).await, before, "nothing changed");
    let list = client_b.get("/espace").await;
    assert!(!list.body.contains("Master Science des données"), "B's list holds only B's programmes");
    // B may declare a programme with the same id: ids are unique per organisation.
    let own = declare(&app, &client_b, &demo(ELIGIBLE)).await;
    assert_ne!(own, id);
}

#[tokio::test]
async fn forms_without_their_token_change_nothing() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let id = declare(&app, &client, &demo(ELIGIBLE)).await;
    let before = registry_fingerprint(&app).await;
    let fields = form_fields(&demo_json(NOT_ELIGIBLE));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    for path in ["/espace/nouvelle".to_owned(), format!("/espace/formations/{id}/modifier")] {
        let answer = client.post(&path, &fields).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(answer.body.contains("jeton de sécurité"));
    }
    for path in [format!("/espace/formations/{id}/soumettre"), format!("/espace/formations/{id}/retirer")] {
        assert_eq!(client.post(&path, &[]).await.status, StatusCode::FORBIDDEN, "{path}");
        // A token made for another form is refused too.
        let wrong = token(&app, &client, "/espace/nouvelle").await;
        assert_eq!(client.post(&path, &[("csrf", &wrong)]).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in ["/espace/televerser".to_owned(), format!("/espace/formations/{id}/televerser")] {
        let answer = upload(&app, &client, &path, None, "a.toml", demo(NOT_ELIGIBLE).as_bytes()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(registry_fingerprint(&app).await, before);
}

#[tokio::test]
async fn a_withdrawn_application_is_recorded_with_its_reason_and_can_be_reopened_as_a_draft() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let id = declare(&app, &client, &demo(ELIGIBLE)).await;
    // Withdrawing a draft is not possible.
    let early = post_with_token(&app, &mut client, &format!("/espace/formations/{id}/retirer"), &[]).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    assert!(early.body.contains("n&#39;est pas possible") || early.body.contains("n'est pas possible"));
    post_with_token(&app, &mut client, &format!("/espace/formations/{id}/soumettre"), &[]).await;
    let confirm = client.get(&format!("/espace/formations/{id}/retirer")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("id=\"motif\""));
    let answer = post_with_token(
        &app,
        &mut client,
        &format!("/espace/formations/{id}/retirer"),
        &[("motif", "Nouvelle maquette à la rentrée")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    assert_eq!(stored.label_state, LabelState::Withdrawn);
    let history = app.store.label_history(id).await.expect("historique");
    let last = history.last().expect("étape");
    assert_eq!((last.from, last.to), (Some(LabelState::Submitted), LabelState::Withdrawn));
    assert_eq!(last.reason, "Nouvelle maquette à la rentrée");
    let page = client.get(&format!("/espace/formations/{id}?fait=withdraw")).await;
    assert!(
        page.body.contains("demande retirée par l&#39;organisme")
            || page.body.contains("demande retirée par l'organisme")
    );
    assert!(page.body.contains(&format!("/espace/formations/{id}/rouvrir")), "reopening offered");
    // The withdrawn application stays public, as « retirée ».
    let public = app.client().get(&format!("/formations/{id}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("retirée"), "{}", public.body);
    let reopened = post_with_token(&app, &mut client, &format!("/espace/formations/{id}/rouvrir"), &[]).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.body);
    let stored = app.store.programme(id).await.expect("lecture").expect("formation");
    assert_eq!(stored.label_state, LabelState::Draft);
    let page = client.get(&format!("/espace/formations/{id}")).await;
    assert!(page.body.contains(&format!("/espace/formations/{id}/modifier")), "editable again");
    // Submitting again works.
    let again = post_with_token(&app, &mut client, &format!("/espace/formations/{id}/soumettre"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn reviewers_administrators_and_visitors_have_no_provider_space() {
    let app = app().await;
    for email in [REVIEWER, ADMIN] {
        let mut client = app.signed_in(email).await;
        for path in ["/espace", "/espace/nouvelle", "/espace/televerser"] {
            let answer = client.get(path).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(answer.body.contains("réservée aux comptes « organisme de formation »"), "{}", answer.body);
        }
    }
    let mut visitor = app.client();
    let answer = visitor.get("/espace").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/connexion?suite=%2Fespace");
}
