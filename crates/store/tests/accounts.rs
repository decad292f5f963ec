//! Organisations, users, sessions and login attempts: creation, look-ups, constraints and the
//! writes that go together.

mod common;

use common::{memory, organisation, user};
use store::{Error, LoginAttempt, NewOrganisation, NewSession, NewUser, Role, Unique, UserId};

fn session(token: &str, user: UserId, created_at: i64, expires_at: i64) -> NewSession {
    NewSession {
        token_hash: token.to_owned(),
        user_id: user,
        csrf_secret: format!("csrf-{token}"),
        created_at,
        expires_at,
    }
}

#[tokio::test]
async fn organisations_are_created_found_and_listed_by_name() {
    let store = memory().await;
    let lyon = organisation(&store, "  Université de Lyon ").await;
    assert_eq!(lyon.name, "Université de Lyon", "les espaces autour du nom sont retirés");
    assert_eq!(lyon.kind, "universite");
    let ecole = organisation(&store, "École des données").await;
    let found = store.organisation(lyon.id).await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(found.as_ref(), Some(&lyon));
    let by_name = store.organisation_by_name("université de lyon").await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(by_name.map(|found| found.id), Some(lyon.id));
    assert_eq!(store.organisation(store::OrganisationId(999)).await.unwrap_or_else(|error| panic!("{error}")), None);
    let names: Vec<String> =
        store.organisations().await.unwrap_or_else(|error| panic!("{error}")).into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["Université de Lyon", "École des données"]);
    assert_ne!(lyon.id, ecole.id);
}

#[tokio::test]
async fn organisation_names_are_unique_without_regard_to_case_and_never_blank() {
    let store = memory().await;
    organisation(&store, "Université Exemple").await;
    let new = |name: &str| NewOrganisation { name: name.to_owned(), kind: "universite".to_owned(), created_at: 1 };
    for duplicate in ["UNIVERSITÉ EXEMPLE", " université exemple "] {
        let error = store.create_organisation(&new(duplicate)).await.expect_err("doublon");
        assert!(matches!(error, Error::Duplicate(Unique::OrganisationName)), "{duplicate} : {error}");
        assert_eq!(error.to_string(), "un organisme porte déjà ce nom");
    }
    // Accents are part of the name: another spelling is another organisation.
    store.create_organisation(&new("Universite Exemple")).await.unwrap_or_else(|e| panic!("{e}"));
    let error = store.create_organisation(&new("   ")).await.expect_err("nom vide");
    assert!(matches!(error, Error::Invalid(_)), "{error}");
    assert_eq!(error.to_string(), "création d'un organisme impossible : le nom de l'organisme est vide");
}

#[tokio::test]
async fn users_are_created_with_normalised_emails_and_found_again() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let provider = user(&store, "  Alice.Martin@Exemple.FR ", Role::Provider, Some(org.id)).await;
    assert_eq!(provider.email, "alice.martin@exemple.fr");
    assert_eq!(provider.role, Role::Provider);
    assert_eq!(provider.organisation_id, Some(org.id));
    assert!(!provider.disabled);
    let reviewer = user(&store, "relecteur@ministere.fr", Role::Reviewer, None).await;
    let admin = user(&store, "admin@socle.fr", Role::Admin, None).await;
    assert_eq!(store.user(provider.id).await.unwrap_or_else(|e| panic!("{e}")).as_ref(), Some(&provider));
    let found = store.user_by_email("ALICE.MARTIN@exemple.fr").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.map(|found| found.id), Some(provider.id));
    assert_eq!(store.user_by_email("inconnu@exemple.fr").await.unwrap_or_else(|e| panic!("{e}")), None);
    let emails: Vec<String> =
        store.users().await.unwrap_or_else(|e| panic!("{e}")).into_iter().map(|user| user.email).collect();
    assert_eq!(emails, [admin.email.as_str(), provider.email.as_str(), reviewer.email.as_str()]);
    let members = store.users_of_organisation(org.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(members, [provider]);
}

#[tokio::test]
async fn duplicate_emails_are_refused_whatever_their_case() {
    let store = memory().await;
    user(&store, "alice@exemple.fr", Role::Reviewer, None).await;
    let new = NewUser {
        email: "ALICE@Exemple.fr".to_owned(),
        role: Role::Admin,
        organisation_id: None,
        password_hash: "hash".to_owned(),
        created_at: 2,
    };
    let error = store.create_user(&new).await.expect_err("doublon");
    assert!(matches!(error, Error::Duplicate(Unique::UserEmail)), "{error}");
    assert_eq!(error.to_string(), "cette adresse électronique est déjà celle d'un autre compte");
    assert_eq!(store.users().await.unwrap_or_else(|e| panic!("{e}")).len(), 1);
}

#[tokio::test]
async fn roles_and_organisations_go_together() {
    let store = memory().await;
    let org = organisation(&store, "Université Exemple").await;
    let new = |email: &str, role: Role, organisation_id| NewUser {
        email: email.to_owned(),
        role,
        organisation_id,
        password_hash: "hash".to_owned(),
        created_at: 2,
    };
    let error = store.create_user(&new("a@exemple.fr", Role::Provider, None)).await.expect_err("sans organisme");
    assert!(error.to_string().contains("doit être rattaché à un organisme"), "{error}");
    let error = store.create_user(&new("b@exemple.fr", Role::Reviewer, Some(org.id))).await.expect_err("évaluateur");
    assert!(error.to_string().contains("un compte reviewer n'est rattaché à aucun organisme"), "{error}");
    let error = store
        .create_user(&new("c@exemple.fr", Role::Provider, Some(store::OrganisationId(404))))
        .await
        .expect_err("organisme absent");
    assert!(matches!(error, Error::Invalid(_)), "{error}");
    assert!(error.to_string().starts_with("création d'un compte impossible : l'élément lié"), "{error}");
    let error = store.create_user(&new("sans-arobase", Role::Admin, None)).await.expect_err("adresse invalide");
    assert!(error.to_string().contains("doit contenir un « @ »"), "{error}");
    assert!(store.users().await.unwrap_or_else(|e| panic!("{e}")).is_empty(), "aucun compte créé");
}

#[test]
fn role_codes_round_trip() {
    for role in Role::ALL {
        assert_eq!(Role::from_code(role.code()), Some(role));
        assert!(!role.label().is_empty());
    }
    assert_eq!(Role::from_code("Admin"), None);
    assert_eq!(Role::from_code("root"), None);
}

#[tokio::test]
async fn sessions_expire_and_end_with_logout() {
    let store = memory().await;
    let alice = user(&store, "alice@exemple.fr", Role::Reviewer, None).await;
    store.create_session(&session("t1", alice.id, 100, 200)).await.unwrap_or_else(|e| panic!("{e}"));
    let (found, owner) = store.session("t1", 150).await.unwrap_or_else(|e| panic!("{e}")).expect("session active");
    assert_eq!(found, session("t1", alice.id, 100, 200));
    assert_eq!(owner, alice);
    assert_eq!(store.session("t1", 200).await.unwrap_or_else(|e| panic!("{e}")), None, "expirée à l'échéance");
    assert_eq!(store.session("autre", 150).await.unwrap_or_else(|e| panic!("{e}")), None);
    let error = store.create_session(&session("t1", alice.id, 100, 300)).await.expect_err("jeton en double");
    assert!(matches!(error, Error::Duplicate(Unique::SessionToken)), "{error}");
    let error = store.create_session(&session("t2", alice.id, 100, 100)).await.expect_err("expire à sa création");
    assert!(error.to_string().contains("une session doit expirer après sa création"), "{error}");
    assert!(store.delete_session("t1").await.unwrap_or_else(|e| panic!("{e}")));
    assert!(!store.delete_session("t1").await.unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(store.session("t1", 150).await.unwrap_or_else(|e| panic!("{e}")), None);
}

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    let store = memory().await;
    let alice = user(&store, "alice@exemple.fr", Role::Admin, None).await;
    for (token, expires) in [("a", 150), ("b", 200), ("c", 300)] {
        store.create_session(&session(token, alice.id, 100, expires)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(store.delete_expired_sessions(200).await.unwrap_or_else(|e| panic!("{e}")), 2);
    let left: Vec<String> = store
        .sessions_of_user(alice.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|session| session.token_hash)
        .collect();
    assert_eq!(left, ["c"]);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_only() {
    let store = memory().await;
    let alice = user(&store, "alice@exemple.fr", Role::Reviewer, None).await;
    let bob = user(&store, "bob@exemple.fr", Role::Reviewer, None).await;
    for token in ["ici", "ailleurs", "encore"] {
        store.create_session(&session(token, alice.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    store.create_session(&session("bob", bob.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    store.set_password_hash(alice.id, "nouveau-hash", Some("ici")).await.unwrap_or_else(|e| panic!("{e}"));
    let alice_now = store.user(alice.id).await.unwrap_or_else(|e| panic!("{e}")).expect("alice");
    assert_eq!(alice_now.password_hash, "nouveau-hash");
    let tokens: Vec<String> = store
        .sessions_of_user(alice.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|session| session.token_hash)
        .collect();
    assert_eq!(tokens, ["ici"]);
    assert!(store.session("bob", 500).await.unwrap_or_else(|e| panic!("{e}")).is_some(), "bob reste connecté");
    store.set_password_hash(alice.id, "encore-un", None).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(store.sessions_of_user(alice.id).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    let error = store.set_password_hash(UserId(999), "x", None).await.expect_err("compte absent");
    assert_eq!(error.to_string(), "compte introuvable : 999");
}

#[tokio::test]
async fn a_disabled_account_is_logged_out_everywhere() {
    let store = memory().await;
    let alice = user(&store, "alice@exemple.fr", Role::Reviewer, None).await;
    store.create_session(&session("t", alice.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    store.set_user_disabled(alice.id, true).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(store.user(alice.id).await.unwrap_or_else(|e| panic!("{e}")).expect("alice").disabled);
    assert!(store.sessions_of_user(alice.id).await.unwrap_or_else(|e| panic!("{e}")).is_empty());
    // A session created while disabled (a race with a login) is not honoured either.
    store.create_session(&session("t2", alice.id, 100, 1_000)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.session("t2", 500).await.unwrap_or_else(|e| panic!("{e}")), None);
    store.set_user_disabled(alice.id, false).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(store.session("t2", 500).await.unwrap_or_else(|e| panic!("{e}")).is_some());
    let error = store.set_user_disabled(UserId(77), true).await.expect_err("compte absent");
    assert!(matches!(error, Error::NotFound { what: "compte", .. }), "{error}");
}

#[tokio::test]
async fn failed_logins_are_counted_by_email_and_by_ip_since_a_time() {
    let store = memory().await;
    let attempts = [
        ("alice@exemple.fr", "10.0.0.1", 100, false),
        ("ALICE@exemple.fr", "10.0.0.2", 200, false),
        ("alice@exemple.fr", "10.0.0.1", 300, true),
        ("alice@exemple.fr", "10.0.0.1", 400, false),
        ("bob@exemple.fr", "10.0.0.1", 500, false),
    ];
    for (email, ip, at, success) in attempts {
        let attempt = LoginAttempt { email: email.to_owned(), ip: ip.to_owned(), at, success };
        store.record_login_attempt(&attempt).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let by_email = |since| {
        let store = store.clone();
        async move { store.failed_logins_for_email("Alice@Exemple.fr", since).await.unwrap_or_else(|e| panic!("{e}")) }
    };
    assert_eq!(by_email(0).await, 3);
    assert_eq!(by_email(200).await, 2, "« depuis T » inclut T");
    assert_eq!(by_email(201).await, 1);
    assert_eq!(by_email(401).await, 0);
    assert_eq!(store.failed_logins_from_ip("10.0.0.1", 0).await.unwrap_or_else(|e| panic!("{e}")), 3);
    assert_eq!(store.failed_logins_from_ip("10.0.0.2", 0).await.unwrap_or_else(|e| panic!("{e}")), 1);
    assert_eq!(store.failed_logins_from_ip("10.0.0.9", 0).await.unwrap_or_else(|e| panic!("{e}")), 0);
    assert_eq!(store.delete_login_attempts_before(300).await.unwrap_or_else(|e| panic!("{e}")), 2);
    assert_eq!(by_email(0).await, 1);
}
