//! `socle label check` and `socle label schema` as a training provider runs them: text and JSON
//! reports, exit codes, every problem of an invalid file listed in French.

mod support;

use std::path::{Path, PathBuf};

use support::{TempDir, socle, workspace};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("crates/registry/tests/fixtures").join(name)
}

/// Runs `socle label check FILE --date 2026-11-28 EXTRA…`.
fn check(file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["label", "check", file.to_str().expect("chemin"), "--date", "2026-11-28"];
    args.extend_from_slice(extra);
    socle(&args)
}

/// The master fixture with one replacement, written to a temporary file.
fn edited_master(dir: &TempDir, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture("master.toml")).expect("lecture");
    assert!(text.contains(from), "« {from} » absent");
    let path = dir.path.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).expect("écriture");
    path
}

fn json_report(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| panic!("JSON illisible ({err}) :\n{}", stdout(output)))
}

#[test]
fn check_prints_each_criterion_and_the_verdict_in_french() {
    let output = check(&fixture("master.toml"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for needle in [
        "exemple-master-sd — Master Science des données (Université Exemple)",
        "master, niveau 7 ; vérifiée le 2026-11-28 avec le référentiel 2026.1",
        "C1   Complétude des trois piliers ................. conforme",
        "INF 38,4 %",
        "C10  Droit et éthique des données ................. conforme",
        "C13  Part de praticiens ........................... déclaratif",
        "Chiffres — part de praticiens : 0,15 ; part minimale : 0,1",
        "Verdict : éligible au label (13 conformes, 1 déclaratif, 0 non conforme, 0 sans objet).",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
    assert!(text.lines().all(|line| line.chars().count() <= 100), "ligne de plus de 100 colonnes :\n{text}");
}

#[test]
fn check_json_has_exactly_the_documented_shape() {
    let output = check(&fixture("master.toml"), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_report(&output);
    let keys: Vec<&String> = report.as_object().expect("objet").keys().collect();
    assert_eq!(keys, ["programme", "verdict", "criteria"]);
    assert_eq!(report["programme"], "exemple-master-sd");
    assert_eq!(report["verdict"], "eligible");
    let criteria = report["criteria"].as_array().expect("critères");
    assert_eq!(criteria.len(), 14);
    for (idx, criterion) in criteria.iter().enumerate() {
        let keys: Vec<&String> = criterion.as_object().expect("critère").keys().collect();
        assert_eq!(keys, ["id", "status", "figures", "message"]);
        assert_eq!(criterion["id"], format!("C{}", idx + 1));
        assert!(
            ["pass", "fail", "not_applicable", "declarative"].contains(&criterion["status"].as_str().unwrap_or(""))
        );
    }
    assert_eq!(criteria[0]["figures"]["share_met"], 0.2548);
    assert_eq!(criteria[12]["status"], "declarative");
}

#[test]
fn a_programme_that_is_not_eligible_still_exits_0_and_says_what_to_change() {
    let dir = TempDir::new("label");
    let path = edited_master(&dir, "stage-court.toml", "weeks = 24", "weeks = 12");
    let output = check(&path, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_report(&output);
    assert_eq!(report["verdict"], "not_eligible");
    assert_eq!(report["criteria"][7]["status"], "fail");
    assert_eq!(report["criteria"][7]["figures"]["mandatory_weeks"], 12);
    let output = check(&path, &[]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("C8   Immersion en entreprise ...................... non conforme"), "{text}");
    assert!(text.contains("allongez le stage obligatoire de 8 semaine(s)"), "{text}");
    assert!(
        text.contains("Verdict : non éligible au label (12 conformes, 1 déclaratif, 1 non conforme, 0 sans objet)."),
        "{text}"
    );
}

#[test]
fn an_invalid_declaration_exits_2_with_every_problem_and_its_line() {
    let output = check(&fixture("invalide.toml"), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty(), "rien sur la sortie standard : {}", stdout(&output));
    let text = stderr(&output);
    for needle in [
        "n'est pas valide : 27 problème(s).",
        "  - ligne 5, programme.id : « Master SD » n'est pas accepté",
        "  - ligne 18, programme.tittle : clé inconnue « tittle » ; vouliez-vous dire « title » ?",
        "  - ligne 26, units[0].competences[1].level : niveau « N5 » inconnu ; niveaux acceptés : N1, N2, N3, N4",
        "  - ligne 23, units[0].hours : valeur -60 refusée ; attendu : un nombre strictement positif",
        "  - ligne 20, units[0].sector : l'unité UE11 est une spécialisation sans secteur",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
}

#[test]
fn the_reference_date_decides_what_is_in_the_future() {
    let output = socle(&["label", "check", fixture("master.toml").to_str().expect("chemin"), "--date", "2026-08-31"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("programme.updated : date de mise à jour 2026-09-01 dans le futur"),
        "{}",
        stderr(&output)
    );
    let output = socle(&["label", "check", fixture("master.toml").to_str().expect("chemin"), "--date", "2026-02-30"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("date « 2026-02-30 » invalide"), "{}", stderr(&output));
}

#[test]
fn json_declarations_are_read_by_extension_or_content() {
    let dir = TempDir::new("label-json");
    let referentiel = skills::embedded().expect("référentiel");
    let today = registry::Date::parse("2026-11-28").expect("date");
    let text = std::fs::read_to_string(fixture("master.toml")).expect("lecture");
    let declaration = registry::Declaration::from_toml(&text, &referentiel, today).expect("valide");
    let json = serde_json::to_string_pretty(&declaration.to_json()).expect("JSON");
    for name in ["master.json", "master-sans-extension"] {
        let path = dir.path.join(name);
        std::fs::write(&path, &json).expect("écriture");
        let from_json = check(&path, &["--format", "json"]);
        assert_eq!(from_json.status.code(), Some(0), "{name} : {}", stderr(&from_json));
        let from_toml = check(&fixture("master.toml"), &["--format", "json"]);
        assert_eq!(json_report(&from_json), json_report(&from_toml), "{name}");
    }
    let broken = dir.path.join("casse.json");
    std::fs::write(&broken, "{ \"programme\": { \"id\": \"x\", }\n}").expect("écriture");
    let output = check(&broken, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("ligne 1 : JSON invalide : virgule en trop"), "{}", stderr(&output));
}

#[test]
fn a_missing_file_exits_2_and_says_so() {
    let output = check(Path::new("/nonexistent/formation.toml"), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Impossible de lire /nonexistent/formation.toml : fichier introuvable."),
        "{}",
        stderr(&output)
    );
    let output = socle(&["label", "check", "x.toml", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("format inconnu « xml » ; formats acceptés : text, json"), "{}", stderr(&output));
}

#[test]
fn schema_prints_a_draft_2020_12_json_schema() {
    let output = socle(&["label", "schema"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["required"], serde_json::json!(["programme", "units"]));
    let diplomas = &schema["$defs"]["programme"]["properties"]["diploma"]["enum"];
    assert_eq!(diplomas.as_array().map(Vec::len), Some(11));
}

// ---------------------------------------------------------------------------------------------
// `socle label key` and `socle label verify`: the registry's key and the signed label.

/// A data folder with the registry's key, and the master fixture's label signed with it, granted
/// an hour ago (declaration updated that day, so that it is eligible whatever the clock says) and
/// written to `label.jwt` followed by a line break, as downloaded.
struct SignedLabel {
    dir: TempDir,
    file: PathBuf,
    issued: registry::credential::IssuedCredential,
}

fn signed_label(tag: &str) -> SignedLabel {
    use registry::credential::{CredentialId, CredentialInput, SigningKey, issue};
    use registry::workflow::{Action, Actor, Label, Role, State, transition};
    let dir = TempDir::new(tag);
    let (key, _) = SigningKey::load_or_create(&dir.path).expect("clé du registre");
    let referentiel = skills::embedded().expect("référentiel");
    let hour_ago = registry::Timestamp { unix_seconds: registry::Timestamp::now().unix_seconds - 3600 };
    let day = hour_ago.date();
    let text = std::fs::read_to_string(fixture("master.toml")).expect("lecture").replacen(
        "updated = 2026-09-01",
        &format!("updated = {day}"),
        1,
    );
    let declaration = registry::Declaration::from_toml(&text, &referentiel, day).expect("déclaration valide");
    let reviewer = Actor { role: Role::Reviewer, id: "instructrice@registre.example".to_owned() };
    let grant =
        transition(Label { state: State::InReview, expires_on: None }, Action::Grant, &reviewer, hour_ago, None)
            .expect("octroi");
    let input = CredentialInput {
        id: CredentialId::random().expect("aléa"),
        registry_url: "https://registre.example.fr",
        programme_url: "https://registre.example.fr/formations/universite-exemple/exemple-master-sd",
        declaration: &declaration,
        referentiel: &referentiel,
        grant: &grant,
    };
    let issued = issue(&key, &input).expect("label signé");
    let file = dir.path.join("label.jwt");
    std::fs::write(&file, format!("{}\n", issued.jwt)).expect("écriture");
    SignedLabel { dir, file, issued }
}

fn verify_label(file: &Path, data_dir: &Path) -> std::process::Output {
    socle(&["label", "verify", file.to_str().expect("chemin"), "--data-dir", data_dir.to_str().expect("chemin")])
}

/// Records the label in the data folder's database, as the web layer does when it grants one;
/// revokes it too when a reason is given.
fn record_in_database(label: &SignedLabel, revocation_reason: Option<&str>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("moteur");
    runtime.block_on(async {
        let store = store::Store::open(label.dir.path.join("socle.sqlite")).await.expect("base");
        let organisation = store
            .create_organisation(&store::NewOrganisation {
                name: "Université Exemple".to_owned(),
                kind: "universite".to_owned(),
                created_at: 1_700_000_000,
            })
            .await
            .expect("organisme");
        let data = store::ProgrammeData {
            slug: "exemple-master-sd".to_owned(),
            title: "Master Science des données".to_owned(),
            diploma: "master".to_owned(),
            level: Some(7),
            region: Some("84".to_owned()),
            modalities: vec!["presentiel".to_owned()],
            declaration: "{}".to_owned(),
            report: "{}".to_owned(),
            eligible: true,
            competences: Vec::new(),
        };
        let programme = store
            .create_programme(&store::NewProgramme {
                organisation_id: organisation.id,
                data,
                example: true,
                created_by: store::Actor::System,
                created_at: 1_700_000_000,
            })
            .await
            .expect("formation");
        store
            .issue_credential(&store::NewCredential {
                id: label.issued.id.clone(),
                programme_id: programme.id,
                issued_at: label.issued.valid_from.unix_seconds,
                valid_until: label.issued.valid_until.unix_seconds,
                jwt: label.issued.jwt.clone(),
            })
            .await
            .expect("label enregistré");
        if let Some(reason) = revocation_reason {
            let at = label.issued.valid_from.unix_seconds + 60;
            store.revoke_credential(&label.issued.id, at, reason).await.expect("révocation");
        }
        store.close().await;
    });
}

#[test]
fn label_key_prints_the_public_jwk_and_creates_the_key_once() {
    let dir = TempDir::new("label-key");
    let data_dir = dir.path.join("donnees");
    let first = socle(&["label", "key", "--data-dir", data_dir.to_str().expect("chemin")]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let key_file = data_dir.join("cles/registre-ed25519.pk8");
    assert!(
        stderr(&first).contains(&format!("Clé de signature du registre créée : {}", key_file.display())),
        "{}",
        stderr(&first)
    );
    let jwk: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JWK");
    let key = registry::credential::SigningKey::load(&data_dir).expect("lecture").expect("clé créée");
    assert_eq!(jwk, key.public_key().jwk());
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert!(jwk.get("d").is_none(), "jamais la partie privée : {jwk}");
    assert!(stderr(&first).contains(&format!("Émetteur des labels signés : {}", key.public_key().did())));
    let bytes = std::fs::read(&key_file).expect("clé");
    let second = socle(&["label", "key", "--data-dir", data_dir.to_str().expect("chemin")]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(!stderr(&second).contains("créée"), "{}", stderr(&second));
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(std::fs::read(&key_file).expect("clé"), bytes);
}

#[test]
fn label_key_refuses_a_corrupt_key_file_and_keeps_it() {
    let dir = TempDir::new("label-key-corrompue");
    let key_file = dir.path.join("cles/registre-ed25519.pk8");
    std::fs::create_dir_all(key_file.parent().expect("dossier")).expect("dossier");
    std::fs::write(&key_file, "pas une clé").expect("écriture");
    let output = socle(&["label", "key", "--data-dir", dir.path.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(
        text.contains(&format!("le fichier {} n'est pas une clé de signature lisible", key_file.display())),
        "{text}"
    );
    assert!(text.contains("Il n'a pas été remplacé"), "{text}");
    assert_eq!(std::fs::read_to_string(&key_file).expect("lecture"), "pas une clé");
}

#[test]
fn verify_says_every_check_of_a_valid_label_and_exits_0() {
    let label = signed_label("verify-valide");
    let output = verify_label(&label.file, &label.dir.path);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    for needle in [
        &format!("Label signé {}", label.file.display()),
        "Formation : Master Science des données — Université Exemple\n",
        "Page au registre : https://registre.example.fr/formations/universite-exemple/exemple-master-sd\n",
        "  ok     Structure du jeton : trois segments base64url",
        "  ok     Algorithme : EdDSA (Ed25519), jeton de type JWT",
        "  ok     Clé de signature : clé du registre did:key:z6Mk",
        "  ok     Signature : signature Ed25519 valide",
        "  ok     Émetteur : « Registre socle — label science des données »",
        "  ok     Revendications JWT : jti, sub, nbf et exp concordent",
        "  ok     Type de titre : OpenBadgeCredential (Open Badges 3.0) « Label science des données »",
        "  ok     Période de validité : valable du ",
        "  ?      Révocation : non vérifiée : aucune base de données du registre",
        "Résultat : label valide, révocation non vérifiée.",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
    assert!(text.lines().all(|line| line.chars().count() <= 100), "ligne de plus de 100 colonnes :\n{text}");
}

#[test]
fn verify_reads_revocations_from_the_data_folder_database() {
    let label = signed_label("verify-base");
    record_in_database(&label, None);
    let output = verify_label(&label.file, &label.dir.path);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("  ok     Révocation : non révoqué d'après le registre"), "{text}");
    assert!(text.contains("Résultat : label valide.\n"), "{text}");

    let revoked = signed_label("verify-revoque");
    record_in_database(&revoked, Some("stage obligatoire supprimé de la maquette"));
    let output = verify_label(&revoked.file, &revoked.dir.path);
    assert_eq!(output.status.code(), Some(1), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("  ÉCHEC  Révocation : révoqué par le registre le "), "{text}");
    assert!(text.contains("motif : stage obligatoire"), "{text}");
    assert!(text.contains("Résultat : label NON VALIDE — contrôle en échec : Révocation."), "{text}");
}

#[test]
fn verify_refuses_a_label_with_any_changed_byte_and_exits_1() {
    let label = signed_label("verify-modifie");
    let original = std::fs::read(&label.file).expect("lecture");
    let jwt_len = label.issued.jwt.len();
    let first_dot = label.issued.jwt.find('.').expect("point");
    let last_dot = label.issued.jwt.rfind('.').expect("point");
    // A byte of the header, of the payload (start, middle, end), both separators, the signature,
    // and the final line break.
    for idx in [
        3,
        first_dot,
        first_dot + 10,
        (first_dot + last_dot) / 2,
        last_dot - 1,
        last_dot,
        last_dot + 5,
        jwt_len - 1,
        jwt_len,
    ] {
        let mut bytes = original.clone();
        bytes[idx] = if bytes[idx] == b'A' { b'B' } else { b'A' };
        let file = label.dir.path.join(format!("modifie-{idx}.jwt"));
        std::fs::write(&file, &bytes).expect("écriture");
        let output = verify_label(&file, &label.dir.path);
        assert_eq!(output.status.code(), Some(1), "octet {idx} :\n{}{}", stdout(&output), stderr(&output));
        assert!(stdout(&output).contains("Résultat : label NON VALIDE"), "octet {idx} :\n{}", stdout(&output));
    }
    let mut bytes = original.clone();
    let middle = (first_dot + last_dot) / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    std::fs::write(&label.file, &bytes).expect("écriture");
    let text = stdout(&verify_label(&label.file, &label.dir.path));
    assert!(text.contains("  ÉCHEC  Signature : la signature ne correspond pas au contenu"), "{text}");
    assert!(!text.contains("Formation :"), "rien n'est lu d'un contenu dont la signature ne tient pas :\n{text}");
}

#[test]
fn verify_trusts_only_the_key_of_the_data_folder() {
    let label = signed_label("verify-cle");
    let other = TempDir::new("verify-autre-registre");
    registry::credential::SigningKey::load_or_create(&other.path).expect("autre clé");
    let output = verify_label(&label.file, &other.path);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("  ÉCHEC  Clé de signature : clé"), "{text}");
    assert!(text.contains("inconnue : ce label n'a pas été signé par la clé de ce registre"), "{text}");

    let empty = TempDir::new("verify-sans-cle");
    let output = verify_label(&label.file, &empty.path);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains(&format!("Aucune clé de registre dans {}", empty.path.display())), "{text}");
    assert!(text.contains("aucune clé de confiance"), "{text}");
    assert!(!empty.path.join("cles").exists(), "verify ne crée jamais de clé");
}

#[test]
fn verify_exits_2_when_the_file_cannot_be_read() {
    let dir = TempDir::new("verify-illisible");
    let output = verify_label(Path::new("/nonexistent/label.jwt"), &dir.path);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Impossible de lire /nonexistent/label.jwt : fichier introuvable."),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
    let output = verify_label(&dir.path, &dir.path);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("c'est un dossier, pas un fichier"), "{}", stderr(&output));
}

#[test]
fn verify_trusts_the_keys_of_a_jwks_file_given_with_jwks() {
    let label = signed_label("verify-jwks");
    let key = registry::credential::SigningKey::load(&label.dir.path).expect("lecture").expect("clé du registre");
    let jwks = TempDir::new("verify-jwks-fichier");
    let file = jwks.path.join("jwks.json");
    std::fs::write(&file, registry::credential::jwks(&[*key.public_key()]).to_string()).expect("écriture");
    // Another folder, with no key of its own: the JWK Set alone is trusted.
    let elsewhere = TempDir::new("verify-jwks-ailleurs");
    let run = |jwks: &Path| {
        socle(&[
            "label",
            "verify",
            label.file.to_str().expect("chemin"),
            "--jwks",
            jwks.to_str().expect("chemin"),
            "--data-dir",
            elsewhere.path.to_str().expect("chemin"),
        ])
    };
    let output = run(&file);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("  ok     Signature : signature Ed25519 valide"), "{}", stdout(&output));
    assert!(!stdout(&output).contains("Aucune clé de registre"), "{}", stdout(&output));
    // A JWK Set of another key: refused; a file that is not one: exit 2 with what is expected.
    let other = TempDir::new("verify-jwks-autre");
    let (other_key, _) = registry::credential::SigningKey::load_or_create(&other.path).expect("autre clé");
    std::fs::write(&file, registry::credential::jwks(&[*other_key.public_key()]).to_string()).expect("écriture");
    assert_eq!(run(&file).status.code(), Some(1));
    for (content, needle) in [
        ("pas du json", "n'est pas du JSON valide"),
        (r#"{"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}"#, "ne contient aucune clé publique Ed25519"),
    ] {
        std::fs::write(&file, content).expect("écriture");
        let output = run(&file);
        assert_eq!(output.status.code(), Some(2), "{content}");
        assert!(stderr(&output).contains(needle), "{}", stderr(&output));
        assert!(stderr(&output).contains("un JWK Set"), "{}", stderr(&output));
    }
}
