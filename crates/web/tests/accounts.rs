//! Accounts through the router, over a real database: login and its failures, rate limiting,
//! CSRF and origin refusals, logout, password change, cookie attributes, the return path after
//! login, security headers and the admin page of accounts.

mod common;

use axum::http::{Method, StatusCode};
use common::{PASSWORD, TestApp};
use store::{LoginAttempt, NewSession, Role};

const SESSION: &str = "socle_session";

async fn app_with_accounts() -> TestApp {
    let app = TestApp::new().await;
    app.user("fournisseur@exemple.fr", Role::Provider, Some("Université Exemple")).await;
    app.user("relecteur@exemple.fr", Role::Reviewer, None).await;
    app.user("admin@exemple.fr", Role::Admin, None).await;
    app
}

async fn sessions_of(app: &TestApp, email: &str) -> Vec<store::Session> {
    let user = app.store.user_by_email(email).await.expect("lecture").expect("compte");
    app.store.sessions_of_user(user.id).await.expect("sessions")
}

#[tokio::test]
async fn login_opens_a_session_whose_cookie_is_http_only_lax_and_only_hashed_in_the_store() {
    let app = app_with_accounts().await;
    let mut client = app.client();
    let answer = client.login("Fournisseur@Exemple.fr ", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.header("location"), "/compte");
    let cookie = answer.set_cookie(SESSION).expect("cookie de session");
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} absent de {cookie}");
    }
    assert!(!cookie.contains("Secure"), "http local : pas de Secure ({cookie})");
    let token = client.cookie(SESSION).expect("jeton").to_owned();
    assert!(web::auth::is_secret_shaped(&token), "{token}");
    let sessions = sessions_of(&app, "fournisseur@exemple.fr").await;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].token_hash, web::auth::session_token_hash(&token));
    assert_ne!(sessions[0].token_hash, token, "the store keeps the hash only");
    assert_eq!(sessions[0].expires_at - sessions[0].created_at, web::auth::SESSION_SECONDS);

    let page = client.get("/compte").await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        "fournisseur@exemple.fr",
        "organisme de formation (provider)",
        "Université Exemple",
        "Se déconnecter",
        "href=\"/espace\"",
    ] {
        assert!(page.body.contains(needle), "« {needle} » absent de /compte");
    }
    assert_eq!(page.header("cache-control"), "no-store");
    let home = client.get("/").await;
    assert!(home.body.contains("action=\"/deconnexion\"") && !home.body.contains(">Se connecter<"));
}

#[tokio::test]
async fn cookies_are_secure_over_https_or_when_asked() {
    let app = app_with_accounts().await;
    let mut client = app.client();
    let page = client.send(Method::GET, "/connexion", None, &[("x-forwarded-proto", "https")]).await;
    assert!(page.set_cookie("socle_formulaire").expect("cookie du formulaire").ends_with("; Secure"));
    let token = page.csrf_for("/connexion");
    let fields = [("csrf", token.as_str()), ("email", "admin@exemple.fr"), ("mot-de-passe", PASSWORD)];
    let answer = client.send(Method::POST, "/connexion", Some(&fields), &[("x-forwarded-proto", "https")]).await;
    assert!(answer.set_cookie(SESSION).expect("session").contains("; Secure"));

    let app = TestApp::with(common::Options { secure_cookies: true, ..Default::default() }).await;
    app.user("admin@exemple.fr", Role::Admin, None).await;
    let mut client = app.client();
    let answer = client.login("admin@exemple.fr", PASSWORD).await;
    assert!(answer.set_cookie(SESSION).expect("session").contains("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = app_with_accounts().await;
    let mut answers = Vec::new();
    for (email, password) in [("admin@exemple.fr", "pas le bon mot de passe"), ("inconnu@exemple.fr", PASSWORD)] {
        let mut client = app.client();
        let answer = client.login(email, password).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.set_cookie(SESSION).is_none());
        assert!(answer.body.contains("Adresse électronique ou mot de passe incorrect."), "{}", answer.body);
        assert!(answer.body.contains("<a href=\"#email\">"), "le résumé renvoie au champ");
        assert!(answer.body.contains("<title>Erreur : Se connecter"));
        // Each visitor's form has its own token; everything else must be the same.
        answers.push(answer.body.replace(email, "ADRESSE").replace(&answer.csrf_for("/connexion"), "JETON"));
        assert_eq!(app.store.failed_logins_for_email(email, 0).await.expect("tentatives"), 1);
    }
    assert_eq!(answers[0], answers[1], "les deux réponses ne diffèrent que par l'adresse saisie et le jeton");
    let mut client = app.client();
    let missing = client.login("", "").await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("Saisissez l&#39;adresse électronique")
            && missing.body.contains("Saisissez votre mot de passe")
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in() {
    let app = app_with_accounts().await;
    let user = app.store.user_by_email("relecteur@exemple.fr").await.expect("lecture").expect("compte");
    app.store.set_user_disabled(user.id, true).await.expect("désactivation");
    let answer = app.client().login("relecteur@exemple.fr", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Adresse électronique ou mot de passe incorrect."));
}

#[tokio::test]
async fn five_failures_for_one_address_suspend_its_logins_whether_or_not_it_exists() {
    let app = app_with_accounts().await;
    for email in ["admin@exemple.fr", "personne@exemple.fr"] {
        let mut client = app.client();
        for _ in 0..web::MAX_FAILURES_PER_EMAIL {
            assert_eq!(client.login(email, "mauvais mot de passe").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let answer = client.login(email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert_eq!(answer.header("retry-after"), "900");
        assert!(answer.body.contains("réessayez dans 15 minutes"), "{}", answer.body);
        assert!(answer.set_cookie(SESSION).is_none());
    }
    // The suspension is per address: another account still logs in from the same place.
    let answer = app.client().login("relecteur@exemple.fr", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn twenty_failures_from_one_address_suspend_logins_from_it_and_old_failures_expire() {
    let app = app_with_accounts().await;
    let now = store::unix_now();
    for index in 0..web::MAX_FAILURES_PER_IP {
        let attempt = LoginAttempt {
            email: format!("essai{index}@exemple.fr"),
            ip: "192.0.2.66".to_owned(),
            at: now,
            success: false,
        };
        app.store.record_login_attempt(&attempt).await.expect("tentative");
    }
    let mut attacker = app.client();
    attacker.ip = "192.0.2.66".to_owned();
    assert_eq!(attacker.login("admin@exemple.fr", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.client().login("admin@exemple.fr", PASSWORD).await.status, StatusCode::SEE_OTHER);

    let old = now - web::ATTEMPT_WINDOW_SECONDS - 1;
    for _ in 0..web::MAX_FAILURES_PER_EMAIL {
        let attempt = LoginAttempt {
            email: "relecteur@exemple.fr".to_owned(),
            ip: "192.0.2.1".to_owned(),
            at: old,
            success: false,
        };
        app.store.record_login_attempt(&attempt).await.expect("tentative");
    }
    assert_eq!(app.client().login("relecteur@exemple.fr", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_their_token_or_from_another_site_are_refused_and_change_nothing() {
    let app = app_with_accounts().await;
    let mut client = app.client();
    let page = client.get("/connexion").await;
    let token = page.csrf_for("/connexion");
    let login = |csrf: &str| {
        vec![("csrf", csrf.to_owned()), ("email", "admin@exemple.fr".to_owned()), ("mot-de-passe", PASSWORD.to_owned())]
    };
    let as_refs = |fields: &[(&'static str, String)]| {
        fields.iter().map(|(name, value)| (*name, value.clone())).collect::<Vec<_>>()
    };

    let mut refusals = Vec::new();
    // No token, a wrong token, a token of another visitor's cookie.
    let mut stranger = app.client();
    let stranger_token = stranger.get("/connexion").await.csrf_for("/connexion");
    for csrf in ["", "0000", stranger_token.as_str()] {
        let fields = as_refs(&login(csrf));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
        refusals.push(client.post("/connexion", &fields).await);
    }
    // The right token, sent from another site.
    let fields = as_refs(&login(&token));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
    for header in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        refusals.push(client.send(Method::POST, "/connexion", Some(&fields), &[header]).await);
    }
    for answer in &refusals {
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
        assert!(
            answer.body.contains("Accès refusé") && answer.body.contains("rien n&#39;a été modifié"),
            "{}",
            answer.body
        );
        assert!(answer.set_cookie(SESSION).is_none());
    }
    assert_eq!(
        app.store.failed_logins_for_email("admin@exemple.fr", 0).await.expect("lecture"),
        0,
        "no attempt recorded"
    );
    assert!(sessions_of(&app, "admin@exemple.fr").await.is_empty());
    // The same request from this site goes through.
    let origin = format!("http://{}", common::HOST);
    let answer = client
        .send(
            Method::POST,
            "/connexion",
            Some(&fields),
            &[("origin", origin.as_str()), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);

    // Signed in: a password change without the token, or with another session's, changes nothing.
    let other = app.signed_in("fournisseur@exemple.fr").await;
    let other_token = other.cookie(SESSION).map(str::to_owned);
    let other_session = sessions_of(&app, "fournisseur@exemple.fr").await.remove(0);
    let borrowed = web::auth::form_token(&other_session.csrf_secret, "/compte/mot-de-passe");
    let change = |csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("actuel", PASSWORD.to_owned()),
            ("nouveau", "un tout nouveau mot de passe".to_owned()),
            ("confirmation", "un tout nouveau mot de passe".to_owned()),
        ]
    };
    for csrf in ["", borrowed.as_str()] {
        let fields = change(csrf);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
        assert_eq!(client.post("/compte/mot-de-passe", &fields).await.status, StatusCode::FORBIDDEN);
    }
    assert!(other_token.is_some());
    let again = app.client().login("admin@exemple.fr", PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "the password is unchanged");
}

#[tokio::test]
async fn the_token_is_also_read_from_a_header_and_from_a_multipart_body() {
    let app = app_with_accounts().await;
    let mut client = app.signed_in("admin@exemple.fr").await;
    let token = client.get("/compte").await.csrf_for("/deconnexion");
    let boundary = "----socle-essai";
    let body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}--\r\n");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let cookie = format!("{SESSION}={}", client.cookie(SESSION).expect("session"));
    let request = axum::http::Request::post("/deconnexion")
        .header("host", common::HOST)
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .expect("requête");
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.expect("réponse");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(sessions_of(&app, "admin@exemple.fr").await.is_empty());

    let mut client = app.signed_in("admin@exemple.fr").await;
    let token = client.get("/compte").await.csrf_for("/deconnexion");
    let answer = client.send(Method::POST, "/deconnexion", None, &[("x-csrf-token", token.as_str())]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(sessions_of(&app, "admin@exemple.fr").await.is_empty());
}

#[tokio::test]
async fn logout_deletes_the_session_and_the_cookie() {
    let app = app_with_accounts().await;
    let mut client = app.signed_in("relecteur@exemple.fr").await;
    let stolen = client.clone();
    let token = client.get("/compte").await.csrf_for("/deconnexion");
    let answer = client.post("/deconnexion", &[("csrf", &token)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/");
    assert!(answer.set_cookie(SESSION).expect("effacement").contains("Max-Age=0"));
    assert!(sessions_of(&app, "relecteur@exemple.fr").await.is_empty());
    let answer = client.get("/compte").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/connexion?suite=%2Fcompte");
    // A copy of the old cookie opens nothing, and the browser is told to forget it.
    let mut stolen = stolen;
    let answer = stolen.get("/compte").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.set_cookie(SESSION).expect("effacement").contains("Max-Age=0"));
    // Logging out without a session is harmless.
    assert_eq!(app.client().post("/deconnexion", &[]).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_expired_session_is_no_session() {
    let app = app_with_accounts().await;
    let user = app.store.user_by_email("admin@exemple.fr").await.expect("lecture").expect("compte");
    let token = web::auth::new_secret().expect("aléa");
    let now = store::unix_now();
    let session = NewSession {
        token_hash: web::auth::session_token_hash(&token),
        user_id: user.id,
        csrf_secret: web::auth::new_secret().expect("aléa"),
        created_at: now - web::auth::SESSION_SECONDS - 10,
        expires_at: now - 10,
    };
    app.store.create_session(&session).await.expect("session");
    let mut client = app.client();
    client.cookies.push((SESSION.to_owned(), token));
    assert_eq!(client.get("/admin/utilisateurs").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = app_with_accounts().await;
    let mut laptop = app.signed_in("fournisseur@exemple.fr").await;
    let mut phone = app.signed_in("fournisseur@exemple.fr").await;
    let new_password = "cheval agrafe pile correcte";
    let cases = [
        ("pas le bon", new_password, new_password, "Le mot de passe actuel est incorrect"),
        (PASSWORD, "trop court", "trop court", "au moins 12 caractères"),
        (PASSWORD, new_password, "autre chose encore", "sont différentes"),
        (PASSWORD, PASSWORD, PASSWORD, "doit être différent de l&#39;actuel"),
    ];
    for (current, new, confirmation, expected) in cases {
        let token = laptop.get("/compte").await.csrf_for("/compte/mot-de-passe");
        let fields = [("csrf", token.as_str()), ("actuel", current), ("nouveau", new), ("confirmation", confirmation)];
        let answer = laptop.post("/compte/mot-de-passe", &fields).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        assert!(answer.body.contains(expected), "« {expected} » absent de :\n{}", answer.body);
        assert!(answer.body.contains("aria-invalid=\"true\""));
    }
    let token = laptop.get("/compte").await.csrf_for("/compte/mot-de-passe");
    let fields =
        [("csrf", token.as_str()), ("actuel", PASSWORD), ("nouveau", new_password), ("confirmation", new_password)];
    let answer = laptop.post("/compte/mot-de-passe", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.header("location"), "/compte?mot_de_passe=change");
    let page = laptop.get("/compte?mot_de_passe=change").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Votre mot de passe a été changé"));
    assert_eq!(phone.get("/compte").await.status, StatusCode::SEE_OTHER, "the other session ended");
    assert_eq!(sessions_of(&app, "fournisseur@exemple.fr").await.len(), 1);
    assert_eq!(app.client().login("fournisseur@exemple.fr", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.client().login("fournisseur@exemple.fr", new_password).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn after_login_only_paths_of_this_site_are_followed() {
    let app = app_with_accounts().await;
    let cases = [
        ("/admin/utilisateurs?tri=role", "/admin/utilisateurs?tri=role"),
        ("//evil.example/", "/compte"),
        ("https://evil.example/", "/compte"),
        ("/\\evil.example", "/compte"),
        ("/\t/evil.example", "/compte"),
        ("javascript:alert(1)", "/compte"),
    ];
    for (suite, expected) in cases {
        let answer = app.client().login_then("admin@exemple.fr", PASSWORD, Some(suite)).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), expected, "suite={suite:?}");
    }
    let page = app.client().get("/connexion?suite=%2F%2Fevil.example").await;
    assert!(!page.body.contains("evil.example"), "an unsafe return path is not even put in the form");
    let page = app.client().get("/connexion?suite=%2Fadmin%2Futilisateurs").await;
    assert!(page.body.contains("name=\"suite\" value=\"/admin/utilisateurs\""));
    let answer = app.client().get("/admin/utilisateurs?tri=role&ordre=1").await;
    assert_eq!(answer.header("location"), "/connexion?suite=%2Fadmin%2Futilisateurs%3Ftri%3Drole%26ordre%3D1");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = app_with_accounts().await;
    let mut anonymous = app.client();
    let mut admin = app.signed_in("admin@exemple.fr").await;
    let mut answers = vec![
        anonymous.get("/").await,
        anonymous.get("/connexion").await,
        anonymous.get("/compte").await,
        anonymous.get("/nulle/part").await,
        anonymous.get("/static/socle.css").await,
        anonymous.post("/admin/utilisateurs", &[]).await,
        admin.get("/admin/utilisateurs").await,
    ];
    answers.push(anonymous.get("/api/referentiel/DS.MST.06").await);
    for answer in &answers {
        let csp = answer.header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{directive} absent de la CSP ({})", answer.status);
        }
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.header("x-frame-options"), "DENY");
        assert_eq!(answer.header("referrer-policy"), "same-origin");
    }
    // The templates need no inline script or style, so the strict policy holds them.
    for answer in &answers[..2] {
        assert!(!answer.body.contains("<script>") && !answer.body.contains("style="), "{}", answer.body);
    }
}

async fn created_user(app: &TestApp, email: &str) -> Option<store::User> {
    app.store.user_by_email(email).await.expect("lecture")
}

fn creation<'a>(
    token: &'a str,
    email: &'a str,
    role: &'a str,
    organisation: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("email", email),
        ("role", role),
        ("organisme", organisation),
        ("mot-de-passe", password),
        ("confirmation", password),
    ]
}

#[tokio::test]
async fn admins_create_disable_and_enable_accounts() {
    let app = app_with_accounts().await;
    let mut admin = app.signed_in("admin@exemple.fr").await;
    let page = admin.get("/admin/utilisateurs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("3 compte(s)") && page.body.contains("Université Exemple"));
    let token = page.csrf_for("/admin/utilisateurs");

    let fields = creation(&token, "nouvelle@ecole.fr", "provider", "École Nouvelle", "mot de passe provisoire");
    let answer = admin.post("/admin/utilisateurs", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let created = created_user(&app, "nouvelle@ecole.fr").await.expect("compte créé");
    assert_eq!(answer.header("location"), format!("/admin/utilisateurs?cree={}", created.id));
    let organisation =
        app.store.organisation_by_name("école nouvelle").await.expect("lecture").expect("organisme créé");
    assert_eq!((created.role, created.organisation_id), (Role::Provider, Some(organisation.id)));
    let page = admin.get(&format!("/admin/utilisateurs?cree={}", created.id)).await;
    assert!(page.body.contains("Compte créé : nouvelle@ecole.fr"));
    assert_eq!(app.client().login("nouvelle@ecole.fr", "mot de passe provisoire").await.status, StatusCode::SEE_OTHER);

    // Every problem at once, the form kept (but not the password), nothing created.
    let fields = creation(&token, "Fournisseur@exemple.fr", "provider", "", "court");
    let answer = admin.post("/admin/utilisateurs", &fields).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    for needle in [
        "Un compte existe déjà avec l&#39;adresse « fournisseur@exemple.fr »",
        "indiquez son nom",
        "au moins 12 caractères",
        "4 compte(s)",
        "3 point(s) à corriger",
        "<a href=\"#organisme\">",
    ] {
        assert!(answer.body.contains(needle), "« {needle} » absent de :\n{}", answer.body);
    }
    assert!(answer.body.contains("value=\"Fournisseur@exemple.fr\"") && !answer.body.contains("value=\"court\""));
    let fields = creation(&token, "relecteur2@exemple.fr", "reviewer", "Université Exemple", "mot de passe provisoire");
    let answer = admin.post("/admin/utilisateurs", &fields).await;
    assert!(answer.body.contains("laissez l&#39;organisme vide"));
    let fields = creation(&token, "x@exemple.fr", "chef", "", "mot de passe provisoire");
    let answer = admin.post("/admin/utilisateurs", &fields).await;
    assert!(answer.body.contains("Le rôle « chef » n&#39;existe pas"));
    assert!(
        created_user(&app, "relecteur2@exemple.fr").await.is_none()
            && created_user(&app, "x@exemple.fr").await.is_none()
    );

    // Hostile text comes back escaped.
    let fields = creation(&token, "<script>alert(1)</script>", "provider", "<img src=x onerror=alert(1)>", "court");
    let answer = admin.post("/admin/utilisateurs", &fields).await;
    assert!(!answer.body.contains("<script>alert(1)") && !answer.body.contains("<img src=x"));

    // Disabling ends the account's sessions; enabling lets it in again.
    let mut reviewer = app.signed_in("relecteur@exemple.fr").await;
    let reviewer_id = created_user(&app, "relecteur@exemple.fr").await.expect("compte").id;
    let action = format!("/admin/utilisateurs/{reviewer_id}/desactiver");
    let page = admin.get("/admin/utilisateurs").await;
    let answer = admin.post(&action, &[("csrf", &page.csrf_for(&action))]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(reviewer.get("/compte").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.client().login("relecteur@exemple.fr", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = admin.get(&format!("/admin/utilisateurs?desactive={reviewer_id}")).await;
    assert!(page.body.contains("Compte désactivé : relecteur@exemple.fr"));
    let action = format!("/admin/utilisateurs/{reviewer_id}/reactiver");
    let answer = admin.post(&action, &[("csrf", &page.csrf_for(&action))]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(app.client().login("relecteur@exemple.fr", PASSWORD).await.status, StatusCode::SEE_OTHER);

    // An admin cannot lock themself out; an unknown account is a 404.
    let admin_id = created_user(&app, "admin@exemple.fr").await.expect("compte").id;
    let action = format!("/admin/utilisateurs/{admin_id}/desactiver");
    let token = web::auth::form_token(&sessions_of(&app, "admin@exemple.fr").await[0].csrf_secret, &action);
    let answer = admin.post(&action, &[("csrf", &token)]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("votre propre compte"));
    let action = "/admin/utilisateurs/9999/desactiver";
    let token = web::auth::form_token(&sessions_of(&app, "admin@exemple.fr").await[0].csrf_secret, action);
    assert_eq!(admin.post(action, &[("csrf", &token)]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_form_that_cannot_be_read_is_refused_in_french() {
    let app = app_with_accounts().await;
    let mut client = app.signed_in("admin@exemple.fr").await;
    let token = client.get("/admin/utilisateurs").await.csrf_for("/admin/utilisateurs");
    let answer = client
        .send(
            Method::POST,
            "/admin/utilisateurs",
            None,
            &[("x-csrf-token", token.as_str()), ("content-type", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("Le formulaire envoyé n&#39;a pas pu être lu"), "{}", answer.body);
}
