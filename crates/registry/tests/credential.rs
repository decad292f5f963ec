//! The signed label: the registry's key (created once, private, never replaced), the Open Badges
//! 3.0 credential it signs, and offline verification, where every forgery — another key, `alg`
//! none, another issuer, a changed byte anywhere — and every expired or revoked label fails the
//! check that names it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use registry::credential::{
    CheckName, CredentialId, CredentialInput, IssueError, IssuedCredential, KeyError, KeyStatus, PublicKey, Revocation,
    RevocationInfo, SigningKey, Verification, issue, issuer_profile, jwks, verify,
};
use registry::workflow::{Action, Actor, Label, Role, State, Transition, transition};
use registry::{Declaration, Timestamp};
use serde_json::{Value, json};

use common::{master, referentiel};

const REGISTRY: &str = "https://registre.example.fr";
const PROGRAMME_URL: &str = "https://registre.example.fr/formations/universite-exemple/exemple-master-sd";

/// A fresh temporary folder, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "registry-credential-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("instant invalide : {text}"))
}

/// The grant of a label by a reviewer at an instant.
fn grant_at(instant: &str) -> Transition {
    let reviewer = Actor { role: Role::Reviewer, id: "instructrice@registre.example".to_owned() };
    transition(Label { state: State::InReview, expires_on: None }, Action::Grant, &reviewer, at(instant), None)
        .expect("octroi")
}

fn key_in(dir: &TempDir) -> SigningKey {
    SigningKey::load_or_create(&dir.path).expect("clé").0
}

fn input<'a>(id: CredentialId, declaration: &'a Declaration, grant: &'a Transition) -> CredentialInput<'a> {
    CredentialInput {
        id,
        registry_url: REGISTRY,
        programme_url: PROGRAMME_URL,
        declaration,
        referentiel: referentiel(),
        grant,
    }
}

/// A credential of the master fixture, granted on 2026-11-28 at 10:00 UTC.
fn issued(key: &SigningKey) -> IssuedCredential {
    let declaration = master();
    let grant = grant_at("2026-11-28T10:00:00Z");
    let id = CredentialId::parse("0b5c7a4e-2f1d-4c8e-9a3b-6d7e8f901234").expect("uuid");
    issue(key, &input(id, &declaration, &grant)).expect("titre délivré")
}

fn not_revoked(_id: &str) -> Revocation {
    Revocation::NotRevoked
}

/// Verifies with one trusted key, not revoked.
fn check(jwt: &str, key: &PublicKey, now: &str) -> Verification {
    verify(jwt, &[*key], at(now), &not_revoked)
}

/// During the label's validity.
const DURING: &str = "2027-06-01T12:00:00Z";

/// The failed checks of a verification, by name.
fn failed(verification: &Verification) -> Vec<CheckName> {
    verification.checks.iter().filter(|check| !check.ok).map(|check| check.name).collect()
}

/// Asserts that the verification fails on `name`, with a message mentioning every needle.
fn assert_fails(verification: &Verification, name: CheckName, needles: &[&str]) {
    assert!(!verification.valid, "valide alors que {name:?} devait échouer : {:#?}", verification.checks);
    let check = verification
        .checks
        .iter()
        .find(|check| check.name == name)
        .unwrap_or_else(|| panic!("contrôle {name:?} absent : {:#?}", verification.checks));
    assert!(!check.ok, "{name:?} réussit : {}", check.message_fr);
    common::assert_mentions(&check.message_fr, needles);
}

/// The decoded JSON of segment `idx` of a token.
fn segment(jwt: &str, idx: usize) -> Value {
    let text = jwt.split('.').nth(idx).expect("segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).expect("base64url")).expect("JSON")
}

/// Signs any header and payload with the private key file of a data folder, bypassing `issue`:
/// what a forger holding the registry's key, or a bug, could produce.
fn sign_with_key_file(data_dir: &Path, header: &Value, payload: &Value) -> String {
    let pkcs8 = std::fs::read(SigningKey::path(data_dir)).expect("clé");
    let pair = ring::signature::Ed25519KeyPair::from_pkcs8(&pkcs8).expect("PKCS#8");
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(payload.to_string()));
    let signature = pair.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
}

#[test]
fn the_key_is_created_once_then_read_back_unchanged() {
    let dir = TempDir::new("cle");
    assert!(SigningKey::load(&dir.path).expect("lecture").is_none(), "pas de clé avant la première utilisation");
    assert!(!dir.path.join("cles").exists(), "load n'écrit rien");
    let (created, status) = SigningKey::load_or_create(&dir.path).expect("création");
    assert_eq!(status, KeyStatus::Created);
    let path = SigningKey::path(&dir.path);
    assert_eq!(path, dir.path.join("cles/registre-ed25519.pk8"));
    let bytes = std::fs::read(&path).expect("fichier de clé");
    let (again, status) = SigningKey::load_or_create(&dir.path).expect("relecture");
    assert_eq!(status, KeyStatus::Loaded);
    assert_eq!(again.public_key(), created.public_key());
    assert_eq!(std::fs::read(&path).expect("fichier de clé"), bytes, "le fichier n'est jamais réécrit");
    let loaded = SigningKey::load(&dir.path).expect("lecture").expect("clé présente");
    assert_eq!(loaded.public_key(), created.public_key());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path.join("cles"))
        .expect("dossier")
        .map(|entry| entry.expect("entrée").file_name())
        .collect();
    assert_eq!(leftovers, ["registre-ed25519.pk8"], "aucun fichier temporaire ne reste");
    // Another folder, another key.
    let other = TempDir::new("cle-autre");
    assert_ne!(key_in(&other).public_key(), created.public_key());
}

#[cfg(unix)]
#[test]
fn the_key_file_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("droits");
    key_in(&dir);
    let mode = |path: &Path| std::fs::metadata(path).expect("métadonnées").permissions().mode() & 0o777;
    assert_eq!(mode(&SigningKey::path(&dir.path)), 0o600);
    assert_eq!(mode(&dir.path.join("cles")), 0o700);
}

#[test]
fn a_corrupt_key_file_is_an_error_naming_it_and_is_never_replaced() {
    let dir = TempDir::new("corrompue");
    let valid = std::fs::read(SigningKey::path(&{
        key_in(&dir);
        dir.path.clone()
    }))
    .expect("clé");
    let path = SigningKey::path(&dir.path);
    for broken in [b"pas une cle".to_vec(), valid[..valid.len() - 5].to_vec(), Vec::new()] {
        std::fs::write(&path, &broken).expect("écriture");
        for result in [SigningKey::load_or_create(&dir.path).map(|_| ()), SigningKey::load(&dir.path).map(|_| ())] {
            let err = result.expect_err("clé corrompue acceptée");
            assert!(matches!(err, KeyError::Corrupt { .. }), "{err:?}");
            common::assert_mentions(&err.to_string(), &[&path.display().to_string(), "PKCS#8", "n'a pas été remplacé"]);
        }
        assert_eq!(std::fs::read(&path).expect("fichier"), broken, "le fichier corrompu est laissé tel quel");
    }
    // A folder where the file should be is an error too, not a new key.
    std::fs::remove_file(&path).expect("suppression");
    std::fs::create_dir(&path).expect("dossier");
    let err = SigningKey::load_or_create(&dir.path).expect_err("dossier accepté comme clé");
    common::assert_mentions(&err.to_string(), &[&path.display().to_string(), "c'est un dossier"]);
}

#[test]
fn the_public_key_is_published_as_jwk_did_key_and_issuer_profile() {
    let dir = TempDir::new("publique");
    let key = key_in(&dir);
    let public = key.public_key();
    let jwk = public.jwk();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["kid"], public.thumbprint());
    assert!(jwk.get("d").is_none(), "jamais la partie privée");
    assert_eq!(PublicKey::from_jwk(&jwk), Some(*public));
    assert_eq!(jwks(&[*public]), json!({ "keys": [jwk] }));
    assert!(public.did().starts_with("did:key:z6Mk"), "{}", public.did());
    let profile = issuer_profile(public, "https://registre.example.fr/");
    assert_eq!(profile["id"], public.did());
    assert_eq!(profile["type"], json!(["Profile"]));
    assert_eq!(profile["name"], "Registre socle — label science des données");
    assert_eq!(profile["url"], "https://registre.example.fr");
}

#[test]
fn credential_ids_are_random_uuids_with_urn_and_status_url() {
    let first = CredentialId::random().expect("aléa");
    let second = CredentialId::random().expect("aléa");
    assert_ne!(first, second);
    let text = first.to_string();
    assert_eq!(CredentialId::parse(&text), Some(first));
    assert_eq!(CredentialId::from_urn(&first.urn()), Some(first));
    assert_eq!(text.as_bytes()[14], b'4', "UUID version 4 : {text}");
    assert_eq!(
        first.status_url("https://registre.example.fr/"),
        format!("https://registre.example.fr/label/statut/{text}")
    );
    for refused in [text.to_uppercase(), text.replace('-', ""), format!("{{{text}}}"), "pas-un-uuid".to_owned()] {
        assert_eq!(CredentialId::parse(&refused), None, "{refused}");
    }
    assert_eq!(CredentialId::from_urn(&text), None, "sans urn:uuid:");
}

#[test]
fn an_issued_credential_is_an_open_badge_signed_as_a_vc_jwt() {
    let dir = TempDir::new("delivrance");
    let key = key_in(&dir);
    let issued = issued(&key);
    let credential = &issued.credential;
    let uuid = "0b5c7a4e-2f1d-4c8e-9a3b-6d7e8f901234";
    assert_eq!(issued.id, format!("urn:uuid:{uuid}"));
    assert_eq!(credential["id"], issued.id);
    assert_eq!(
        credential["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
        ])
    );
    assert_eq!(credential["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
    assert_eq!(credential["name"], "Label science des données : Master Science des données (Université Exemple)");
    assert_eq!(credential["issuer"]["id"], key.public_key().did());
    assert_eq!(credential["issuer"]["name"], "Registre socle — label science des données");
    assert_eq!(credential["validFrom"], "2026-11-28T10:00:00Z");
    assert_eq!(credential["validUntil"], "2029-11-28T00:00:00Z", "trois ans, fin exclue");
    assert_eq!(issued.valid_until, at("2029-11-28T00:00:00Z"));
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["id"], PROGRAMME_URL);
    assert_eq!(subject["type"], json!(["AchievementSubject"]));
    assert_eq!(subject["identifier"][0]["identityHash"], "Master Science des données — Université Exemple");
    assert_eq!(subject["identifier"][1]["identityHash"], "https://exemple.fr/master-sd");
    let achievement = &subject["achievement"];
    assert_eq!(achievement["type"], json!(["Achievement"]));
    assert_eq!(achievement["name"], "Label science des données");
    assert_eq!(achievement["criteria"]["id"], "https://registre.example.fr/label");
    let narrative = achievement["criteria"]["narrative"].as_str().expect("récit");
    common::assert_mentions(
        narrative,
        &[
            "Verdict : éligible au label (13 conformes, 1 déclaratif, 0 non conforme, 0 sans objet)",
            "valable jusqu'au 2029-11-27 inclus",
            "référentiel de compétences socle 2026.1",
            "- C1 Complétude des trois piliers : conforme",
            "- C13 Part de praticiens : déclaratif",
            "- C14 Validité et mise à jour annuelle : conforme",
        ],
    );
    // One alignment per competence claimed, at its highest level, sorted by id.
    let declaration = master();
    let mut claimed: Vec<&str> = declaration.claims().map(|(_, claim)| claim.id.as_str()).collect();
    claimed.sort_unstable();
    claimed.dedup();
    let alignment = achievement["alignment"].as_array().expect("alignements");
    let codes: Vec<&str> = alignment.iter().map(|entry| entry["targetCode"].as_str().expect("code")).collect();
    assert_eq!(codes, claimed);
    let first = &alignment[0];
    let id = claimed[0];
    assert_eq!(first["type"], json!(["Alignment"]));
    assert_eq!(first["targetUrl"], format!("https://registre.example.fr/referentiel/{id}"));
    assert_eq!(first["targetFramework"], "Référentiel socle 2026.1");
    assert_eq!(first["targetName"], referentiel().competence(id).expect("compétence").label.fr);
    assert_eq!(
        credential["credentialStatus"],
        json!({ "id": format!("https://registre.example.fr/label/statut/{uuid}"), "type": "1EdTechRevocationList" })
    );

    // The JWT: Open Badges' header, the credential with its registered claims as payload.
    let parts: Vec<&str> = issued.jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        segment(&issued.jwt, 0),
        json!({ "alg": "EdDSA", "kid": key.public_key().verification_method(), "typ": "JWT" })
    );
    let mut payload = segment(&issued.jwt, 1);
    assert_eq!(payload["iss"], credential["issuer"]["id"]);
    assert_eq!(payload["jti"], credential["id"]);
    assert_eq!(payload["sub"], PROGRAMME_URL);
    assert_eq!(payload["nbf"], at("2026-11-28T10:00:00Z").unix_seconds);
    assert_eq!(payload["exp"], at("2029-11-28T00:00:00Z").unix_seconds);
    assert!(payload.get("vc").is_none(), "pas de revendication vc (modèle VC 2.0)");
    for claim in ["iss", "jti", "sub", "nbf", "exp"] {
        payload.as_object_mut().expect("objet").remove(claim);
    }
    assert_eq!(&payload, credential);
}

#[test]
fn a_fresh_credential_passes_every_check() {
    let dir = TempDir::new("valide");
    let key = key_in(&dir);
    let issued = issued(&key);
    let asked = std::cell::RefCell::new(Vec::new());
    let revocation = |id: &str| {
        asked.borrow_mut().push(id.to_owned());
        Revocation::NotRevoked
    };
    let verification = verify(&issued.jwt, &[*key.public_key()], at(DURING), &revocation);
    assert!(verification.valid, "{:#?}", verification.checks);
    assert!(verification.revocation_checked);
    let names: Vec<CheckName> = verification.checks.iter().map(|check| check.name).collect();
    assert_eq!(names, CheckName::ALL);
    assert_eq!(*asked.borrow(), std::slice::from_ref(&issued.id), "la révocation est cherchée par l'id du titre");
    assert_eq!(verification.credential.as_ref(), Some(&issued.credential));
    let messages: Vec<&str> = verification.checks.iter().map(|check| check.message_fr.as_str()).collect();
    common::assert_mentions(
        &messages.join("\n"),
        &[
            "signature Ed25519 valide",
            "« Registre socle — label science des données »",
            "valable du 2026-11-28T10:00:00Z au 2029-11-28T00:00:00Z exclu",
            "non révoqué",
        ],
    );
    // A key known among others is found; the validity bounds are inclusive, then exclusive.
    let other = TempDir::new("valide-autre");
    assert!(verify(&issued.jwt, &[*key_in(&other).public_key(), *key.public_key()], at(DURING), &not_revoked).valid);
    assert!(check(&issued.jwt, key.public_key(), "2026-11-28T10:00:00Z").valid);
    assert!(check(&issued.jwt, key.public_key(), "2029-11-27T23:59:59Z").valid);
}

#[test]
fn a_credential_signed_by_another_key_fails_on_the_key() {
    let registry_dir = TempDir::new("cle-registre");
    let forger_dir = TempDir::new("cle-faussaire");
    let registry_key = key_in(&registry_dir);
    let forged = issued(&key_in(&forger_dir));
    let verification = check(&forged.jwt, registry_key.public_key(), DURING);
    assert_fails(&verification, CheckName::Key, &["inconnue", &registry_key.public_key().did()]);
    assert_eq!(verification.checks.len(), 3, "rien n'est cru après une clé inconnue");
    assert_eq!(verification.credential, None);
    // Naming the registry's key in the header does not help: the signature fails.
    let mut header = segment(&forged.jwt, 0);
    header["kid"] = json!(registry_key.public_key().verification_method());
    let relabelled = sign_with_key_file(&forger_dir.path, &header, &segment(&forged.jwt, 1));
    assert_fails(&check(&relabelled, registry_key.public_key(), DURING), CheckName::Signature, &["ne correspond pas"]);
    // Without any trusted key, nothing is valid.
    let verification = verify(&forged.jwt, &[], at(DURING), &not_revoked);
    assert_fails(&verification, CheckName::Key, &["aucune clé de confiance"]);
}

#[test]
fn the_key_may_be_named_by_did_url_thumbprint_or_jwk() {
    let dir = TempDir::new("kid");
    let key = key_in(&dir);
    let issued = issued(&key);
    let payload = segment(&issued.jwt, 1);
    let public = key.public_key();
    for header in [
        json!({ "alg": "EdDSA", "kid": public.thumbprint(), "typ": "JWT" }),
        json!({ "alg": "EdDSA", "jwk": { "kty": "OKP", "crv": "Ed25519", "x": public.jwk()["x"] } }),
    ] {
        let jwt = sign_with_key_file(&dir.path, &header, &payload);
        let verification = check(&jwt, public, DURING);
        assert!(verification.valid, "{header} : {:#?}", verification.checks);
    }
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    assert_fails(
        &check(&sign_with_key_file(&dir.path, &header, &payload), public, DURING),
        CheckName::Key,
        &["ni kid ni jwk"],
    );
}

#[test]
fn only_eddsa_is_accepted_and_never_alg_none() {
    let dir = TempDir::new("alg");
    let key = key_in(&dir);
    let issued = issued(&key);
    let parts: Vec<&str> = issued.jwt.split('.').collect();
    let kid = key.public_key().verification_method();
    for (header, needle) in [
        (json!({ "alg": "none", "kid": kid, "typ": "JWT" }), "« none » (jeton non signé) est refusé"),
        (json!({ "alg": "None", "kid": kid }), "« None » (jeton non signé) est refusé"),
        (json!({ "alg": "HS256", "kid": kid, "typ": "JWT" }), "algorithme « HS256 » refusé"),
        (json!({ "alg": "RS256", "kid": kid }), "seul EdDSA (Ed25519) est accepté"),
        (json!({ "kid": kid, "typ": "JWT" }), "ne donne pas d'algorithme"),
        (json!({ "alg": "EdDSA", "kid": kid, "typ": "vc+jwt" }), "attendu : « JWT »"),
        (json!({ "alg": "EdDSA", "kid": kid, "crit": ["exp"] }), "paramètre d'en-tête « crit » non admis"),
    ] {
        // The original signature bytes, or a fresh signature over the new header: both fail here.
        let unsigned = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), parts[1], parts[2]);
        let signed = sign_with_key_file(&dir.path, &header, &segment(&issued.jwt, 1));
        for jwt in [unsigned, signed] {
            let verification = check(&jwt, key.public_key(), DURING);
            assert_fails(&verification, CheckName::Algorithm, &[needle]);
            assert_eq!(verification.checks.len(), 2, "{header}");
        }
    }
}

#[test]
fn validity_dates_decide_expired_and_not_yet_valid() {
    let dir = TempDir::new("dates");
    let key = key_in(&dir);
    let issued = issued(&key);
    assert_fails(
        &check(&issued.jwt, key.public_key(), "2029-11-28T00:00:00Z"),
        CheckName::Validity,
        &["expiré", "valable jusqu'au 2029-11-28T00:00:00Z exclu", "vérifié le 2029-11-28T00:00:00Z"],
    );
    assert_fails(&check(&issued.jwt, key.public_key(), "2035-01-01T00:00:00Z"), CheckName::Validity, &["expiré"]);
    let early = check(&issued.jwt, key.public_key(), "2026-11-28T09:59:59Z");
    assert_fails(&early, CheckName::Validity, &["pas encore valable", "prend effet le 2026-11-28T10:00:00Z"]);
    assert_eq!(failed(&early), [CheckName::Validity], "seule la période échoue");
    // A credential without end of validity is not one of the registry's.
    let dir_payload = segment(&issued.jwt, 1);
    let mut payload = dir_payload.clone();
    let object = payload.as_object_mut().expect("objet");
    object.remove("validUntil");
    object.remove("exp");
    let jwt = sign_with_key_file(&dir.path, &segment(&issued.jwt, 0), &payload);
    assert_fails(&check(&jwt, key.public_key(), DURING), CheckName::Validity, &["validUntil absent"]);
}

#[test]
fn a_revoked_credential_fails_with_the_date_and_the_reason() {
    let dir = TempDir::new("revocation");
    let key = key_in(&dir);
    let issued = issued(&key);
    let revoked = |id: &str| {
        assert_eq!(id, "urn:uuid:0b5c7a4e-2f1d-4c8e-9a3b-6d7e8f901234");
        Revocation::Revoked(RevocationInfo {
            revoked_at: at("2027-03-01T08:30:00Z"),
            reason: "stage obligatoire supprimé".to_owned(),
        })
    };
    let verification = verify(&issued.jwt, &[*key.public_key()], at(DURING), &revoked);
    assert_fails(
        &verification,
        CheckName::Revocation,
        &["révoqué", "2027-03-01T08:30:00Z", "stage obligatoire supprimé"],
    );
    assert_eq!(failed(&verification), [CheckName::Revocation]);
    // When the caller cannot tell, the check says so and does not invalidate by itself.
    let unknown = |_: &str| Revocation::Unknown("aucune base de données".to_owned());
    let verification = verify(&issued.jwt, &[*key.public_key()], at(DURING), &unknown);
    assert!(verification.valid, "{:#?}", verification.checks);
    assert!(!verification.revocation_checked);
    let message = &verification.checks.last().expect("révocation").message_fr;
    assert_eq!(message, "non vérifiée : aucune base de données");
}

#[test]
fn a_credential_of_another_issuer_fails_even_when_signed_with_the_registry_key() {
    let dir = TempDir::new("emetteur");
    let key = key_in(&dir);
    let issued = issued(&key);
    let header = segment(&issued.jwt, 0);
    let other = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    let mut payload = segment(&issued.jwt, 1);
    payload["issuer"]["id"] = json!(other);
    payload["iss"] = json!(other);
    let jwt = sign_with_key_file(&dir.path, &header, &payload);
    let verification = check(&jwt, key.public_key(), DURING);
    assert_fails(
        &verification,
        CheckName::Issuer,
        &[&format!("l'émetteur « {other} » n'est pas ce registre"), &key.public_key().did()],
    );
    assert_eq!(failed(&verification), [CheckName::Issuer]);
    // iss must equal issuer.id.
    let mut payload = segment(&issued.jwt, 1);
    payload["iss"] = json!(other);
    let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
    assert_fails(&verification, CheckName::Issuer, &["la revendication iss", "diffère de issuer.id"]);
}

#[test]
fn jwt_claims_must_agree_with_the_credential() {
    let dir = TempDir::new("revendications");
    let key = key_in(&dir);
    let issued = issued(&key);
    let header = segment(&issued.jwt, 0);
    let cases: [(&str, Value, &str); 5] = [
        ("jti", json!("urn:uuid:00000000-0000-4000-8000-000000000000"), "jti « urn:uuid:00000000"),
        ("sub", json!("https://ailleurs.example/formation"), "diffère de credentialSubject.id"),
        ("nbf", json!(0), "nbf 0 (1970-01-01T00:00:00Z) diffère de validFrom"),
        ("exp", json!(4_102_444_800_i64), "diffère de validUntil"),
        ("nbf", json!("demain"), "nbf qui n'est pas un entier"),
    ];
    for (claim, value, needle) in cases {
        let mut payload = segment(&issued.jwt, 1);
        payload[claim] = value;
        let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
        assert_fails(&verification, CheckName::Claims, &[needle]);
    }
    let mut payload = segment(&issued.jwt, 1);
    payload.as_object_mut().expect("objet").remove("exp");
    let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
    assert_fails(&verification, CheckName::Claims, &["revendication exp absente"]);
}

#[test]
fn only_open_badge_credentials_are_accepted() {
    let dir = TempDir::new("type");
    let key = key_in(&dir);
    let issued = issued(&key);
    let header = segment(&issued.jwt, 0);
    let mut payload = segment(&issued.jwt, 1);
    payload["type"] = json!(["VerifiableCredential"]);
    let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
    assert_fails(&verification, CheckName::Type, &["type ne contient pas OpenBadgeCredential"]);
    let mut payload = segment(&issued.jwt, 1);
    payload["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
    let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
    assert_fails(&verification, CheckName::Type, &["@context doit commencer par https://www.w3.org/ns/credentials/v2"]);
}

#[test]
fn malformed_tokens_fail_on_structure_and_say_why() {
    let dir = TempDir::new("structure");
    let key = key_in(&dir);
    let issued = issued(&key);
    let parts: Vec<&str> = issued.jwt.split('.').collect();
    let array = URL_SAFE_NO_PAD.encode("[1,2]");
    let cases = [
        (String::new(), "en compte 1"),
        (format!("{}.{}", parts[0], parts[1]), "en compte 2"),
        (format!("{}.{}", issued.jwt, parts[2]), "en compte 4"),
        (format!("{}.{}.", parts[0], parts[1]), "la signature (segment 3) est vide"),
        (format!("{}.{}+.{}", parts[0], parts[1], parts[2]), "le contenu (segment 2) n'est pas du base64url"),
        (format!("{}=.{}.{}", parts[0], parts[1], parts[2]), "l'en-tête (segment 1) n'est pas du base64url"),
        (format!("{array}.{}.{}", parts[1], parts[2]), "l'en-tête décodé est du JSON mais pas un objet"),
        (format!("{}.{}.{}", URL_SAFE_NO_PAD.encode("{\"a\":"), parts[1], parts[2]), "n'est pas du JSON valide"),
        (format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]), "une signature Ed25519 en fait 64"),
        (
            format!("{}.{}.{}B", parts[0], parts[1], &parts[2][..85]),
            "la signature (segment 3) n'est pas du base64url valide",
        ),
        (format!("{}\n", issued.jwt), "n'est pas du base64url"),
    ];
    for (jwt, needle) in cases {
        let verification = check(&jwt, key.public_key(), DURING);
        assert_fails(&verification, CheckName::Structure, &[needle]);
        assert_eq!(verification.checks.len(), 1);
    }
    // A payload that is not a JSON object, yet signed with the registry's key, is not a credential.
    let header = segment(&issued.jwt, 0);
    for (payload, needle) in [(json!([1, 2]), "c'est du JSON mais pas un objet"), (json!("texte"), "pas un objet")] {
        let verification = check(&sign_with_key_file(&dir.path, &header, &payload), key.public_key(), DURING);
        assert_fails(&verification, CheckName::Type, &["le contenu signé n'est pas un titre", needle]);
        assert_eq!(verification.credential, None);
    }
}

/// Replaces the byte at `idx` by another byte; `variant` picks which.
fn change_byte(jwt: &str, idx: usize, variant: usize) -> Vec<u8> {
    let mut bytes = jwt.as_bytes().to_vec();
    let original = bytes[idx];
    bytes[idx] = match variant {
        0 => original ^ 0x01,
        1 => original ^ 0x20,
        _ => {
            if original == b'A' {
                b'B'
            } else {
                b'A'
            }
        }
    };
    assert_ne!(bytes[idx], original);
    bytes
}

/// The byte positions the tampering test changes: every byte of the header, of the signature and
/// of the separators, the first and last 64 bytes of the payload, and one payload byte in 37 (a
/// stride prime to 4, so that every position within a base64 quantum is hit). Every position
/// would take minutes unoptimised, the payload being long (one alignment per competence).
fn positions(jwt: &str) -> Vec<usize> {
    let payload_start = jwt.find('.').expect("point") + 1;
    let payload_end = jwt.rfind('.').expect("point");
    (0..jwt.len())
        .filter(|idx| *idx < payload_start + 64 || *idx >= payload_end - 64 || (idx - payload_start).is_multiple_of(37))
        .collect()
}

#[test]
fn changing_any_byte_of_the_token_makes_it_invalid() {
    let dir = TempDir::new("octets");
    let key = key_in(&dir);
    let issued = issued(&key);
    let jwt = issued.jwt.as_str();
    assert!(check(jwt, key.public_key(), DURING).valid);
    let trusted = [*key.public_key()];
    let now = at(DURING);
    let header_end = jwt.find('.').expect("point");
    let signature_start = jwt.rfind('.').expect("point") + 1;
    let positions = positions(jwt);
    assert!(positions.len() > 400, "{} positions seulement", positions.len());
    for idx in positions {
        for variant in 0..3 {
            let bytes = change_byte(jwt, idx, variant);
            // A changed byte may not be valid UTF-8: read it as the command line reads a file.
            let text = String::from_utf8_lossy(&bytes);
            let verification = verify(&text, &trusted, now, &not_revoked);
            assert!(!verification.valid, "octet {idx} (variante {variant}) modifié et pourtant valide");
            // Nothing after the signature is even looked at: the change is caught by then, and a
            // payload byte changed into another base64url character is reported as a signature
            // that no longer holds.
            let first_failure = failed(&verification)[0];
            let base64url = bytes[idx].is_ascii_alphanumeric() || bytes[idx] == b'-' || bytes[idx] == b'_';
            let allowed: &[CheckName] = if idx < header_end {
                &[CheckName::Structure, CheckName::Algorithm, CheckName::Key, CheckName::Signature]
            } else if idx == header_end || idx == signature_start - 1 || (idx < signature_start && !base64url) {
                &[CheckName::Structure]
            } else if idx < signature_start {
                &[CheckName::Signature]
            } else {
                &[CheckName::Structure, CheckName::Signature]
            };
            assert!(allowed.contains(&first_failure), "octet {idx} : échec inattendu {first_failure:?}");
        }
    }
}

#[test]
fn issuing_refuses_what_is_not_a_granted_eligible_label() {
    let dir = TempDir::new("refus");
    let key = key_in(&dir);
    let id = CredentialId::random().expect("aléa");
    let declaration = master();
    let grant = grant_at("2026-11-28T10:00:00Z");

    // Not eligible on the day of the grant: the mandatory placement is too short (C8).
    let text = common::fixture_text("master.toml").replacen("weeks = 24", "weeks = 12", 1);
    let short = Declaration::from_toml(&text, referentiel(), common::today()).expect("valide");
    let err = issue(&key, &input(id, &short, &grant)).expect_err("formation non éligible");
    assert!(matches!(err, IssueError::NotEligible { .. }), "{err:?}");
    common::assert_mentions(&err.to_string(), &["exemple-master-sd", "C8", "aucun titre"]);

    // A move that does not grant.
    let reviewer = Actor { role: Role::Reviewer, id: "instructrice@registre.example".to_owned() };
    let granted = Label { state: State::Granted, expires_on: grant.expires_on };
    let suspension = transition(granted, Action::Suspend, &reviewer, at("2027-01-10T09:00:00Z"), Some("plainte"))
        .expect("suspension");
    let err = issue(&key, &input(id, &declaration, &suspension)).expect_err("suspension");
    assert_eq!(err, IssueError::NotGranted { to: State::Suspended });
    common::assert_mentions(&err.to_string(), &["label suspendu", "seul l'octroi"]);

    // A grant record without expiry date (or expiring before it starts) has no validity period.
    for expires_on in [None, Some(registry::Date::parse("2026-11-28").expect("date"))] {
        let broken = Transition { expires_on, ..grant.clone() };
        let err = issue(&key, &input(id, &declaration, &broken)).expect_err("période vide");
        assert!(matches!(err, IssueError::Validity { .. }), "{err:?}");
        common::assert_mentions(&err.to_string(), &["période de validité du label invalide", "2026-11-28T10:00:00Z"]);
    }

    // Reinstating a suspended label gives a credential with the same end of validity.
    let suspended = suspension.label();
    let reinstated = transition(suspended, Action::Reinstate, &reviewer, at("2027-02-01T09:00:00Z"), Some("levée"))
        .expect("rétabli");
    let again = issue(&key, &input(id, &declaration, &reinstated)).expect("titre après rétablissement");
    assert_eq!(again.valid_until, at("2029-11-28T00:00:00Z"));

    // A registry URL given with a final slash makes the same links.
    let slashed = CredentialInput { registry_url: "https://registre.example.fr/", ..input(id, &declaration, &grant) };
    let credential = issue(&key, &slashed).expect("titre").credential;
    assert_eq!(credential["credentialStatus"]["id"], id.status_url(REGISTRY));
    assert_eq!(credential["issuer"]["url"], REGISTRY);
    assert!(!credential.to_string().contains(".fr//"), "{credential}");

    // URLs must be absolute http(s).
    for (registry_url, programme_url, field) in [
        ("registre.example.fr", PROGRAMME_URL, "du registre"),
        (REGISTRY, "/formations/42", "de la formation"),
        ("https://", PROGRAMME_URL, "du registre"),
        (REGISTRY, "https://exemple.fr/a b", "de la formation"),
    ] {
        let input = CredentialInput { registry_url, programme_url, ..input(id, &declaration, &grant) };
        let err = issue(&key, &input).expect_err("adresse refusée");
        assert!(matches!(err, IssueError::Url { .. }), "{err:?}");
        common::assert_mentions(&err.to_string(), &[field, "https://"]);
    }
}
