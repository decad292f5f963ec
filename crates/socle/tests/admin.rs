//! `socle admin create-user` and `socle admin list-users` as an administrator runs them: exit
//! codes, French messages, and what lands in the database of the data folder.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use support::TempDir;

const PASSWORD: &str = "une phrase de passe pour l'essai";

/// Runs `socle admin ARGS… --data-dir DIR`, writing `stdin` to its standard input.
fn admin(data: &TempDir, args: &[&str], stdin: &str) -> Output {
    admin_with(Command::new(env!("CARGO_BIN_EXE_socle")), data, args, stdin)
}

fn admin_with(mut command: Command, data: &TempDir, args: &[&str], stdin: &str) -> Output {
    let mut child = command
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(&data.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lancement de socle");
    // socle may exit before reading (a usage error): a closed pipe is not a failure of the test.
    let _ = child.stdin.take().expect("entrée").write_all(stdin.as_bytes());
    child.wait_with_output().expect("fin de socle")
}

fn create(data: &TempDir, role: &str, email: &str, organisation: Option<&str>, password: &str) -> Output {
    let mut args = vec!["create-user", "--role", role, "--email", email, "--password-stdin"];
    if let Some(organisation) = organisation {
        args.extend(["--organisation", organisation]);
    }
    admin(data, &args, &format!("{password}\n"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The users of the data folder's database, read with the store itself.
fn users(data: &TempDir) -> Vec<store::User> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("moteur");
    runtime.block_on(async {
        let store = store::Store::open(data.path.join("socle.sqlite")).await.expect("base");
        let users = store.users().await.expect("comptes");
        store.close().await;
        users
    })
}

#[test]
fn create_user_makes_an_account_that_verifies_and_list_users_shows_it() {
    let data = TempDir::new("admin");
    let output = create(&data, "admin", "Admin@Exemple.fr", None, PASSWORD);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Compte créé : admin@exemple.fr (n° 1), rôle admin (administrateur)."), "{text}");
    assert!(text.contains("socle.sqlite"), "{text}");

    let created = users(&data);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].role, store::Role::Admin);
    assert!(created[0].password_hash.starts_with("$argon2id$"), "{}", created[0].password_hash);
    assert!(web::auth::verify_password(PASSWORD, &created[0].password_hash));
    assert!(!web::auth::verify_password("une autre phrase de passe", &created[0].password_hash));

    let output = create(&data, "provider", "a@universite.fr", Some("Université Exemple"), PASSWORD);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Organisme : « Université Exemple » (n° 1, créé avec le compte)."));
    let output = create(&data, "provider", "b@universite.fr", Some(" université exemple "), PASSWORD);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Organisme : « Université Exemple » (n° 1, existant)."), "{}", stdout(&output));

    let output = admin(&data, &["list-users"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<Vec<&str>> = text.lines().map(|line| line.split_whitespace().collect()).collect();
    assert_eq!(lines[0], ["ADRESSE", "RÔLE", "ORGANISME", "ÉTAT"]);
    assert_eq!(lines[1], ["a@universite.fr", "provider", "Université", "Exemple", "actif"]);
    assert_eq!(lines[2], ["admin@exemple.fr", "admin", "—", "actif"]);
    assert_eq!(lines[4], ["3", "compte(s)."]);
}

#[test]
fn list_users_on_an_empty_database_says_how_to_begin() {
    let data = TempDir::new("admin-vide");
    let output = admin(&data, &["list-users"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Aucun compte. Créez le premier avec : socle admin create-user --role admin"));
}

/// An account `socle admin create-user` must refuse, and what its message must say.
struct Refusal {
    role: &'static str,
    email: &'static str,
    organisation: Option<&'static str>,
    password: &'static str,
    expected: &'static [&'static str],
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        role: "reviewer",
        email: "RELECTEUR@exemple.fr",
        organisation: None,
        password: PASSWORD,
        expected: &["Un compte existe déjà avec l'adresse « relecteur@exemple.fr »"],
    },
    Refusal {
        role: "provider",
        email: "sans-organisme@exemple.fr",
        organisation: None,
        password: PASSWORD,
        expected: &["Un compte d'organisme de formation (provider) agit pour un organisme : indiquez son nom"],
    },
    Refusal {
        role: "admin",
        email: "chef@exemple.fr",
        organisation: Some("Université Exemple"),
        password: PASSWORD,
        expected: &["laissez l'organisme vide"],
    },
    Refusal {
        role: "admin",
        email: "pas une adresse",
        organisation: None,
        password: PASSWORD,
        expected: &["L'adresse électronique « pas une adresse » n'est pas valide"],
    },
    Refusal {
        role: "admin",
        email: "court@exemple.fr",
        organisation: None,
        password: "trop court",
        expected: &["au moins 12 caractères", "celui-ci en compte 10"],
    },
];

#[test]
fn refused_accounts_are_explained_in_french_and_create_nothing() {
    let data = TempDir::new("admin-refus");
    assert_eq!(create(&data, "reviewer", "relecteur@exemple.fr", None, PASSWORD).status.code(), Some(0));
    for refusal in REFUSALS {
        let output = create(&data, refusal.role, refusal.email, refusal.organisation, refusal.password);
        assert_eq!(output.status.code(), Some(1), "{} : {}", refusal.email, stderr(&output));
        let text = stderr(&output);
        assert!(text.starts_with("erreur : compte non créé"), "{text}");
        for needle in refusal.expected {
            assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
        }
    }
    let output = create(&data, "chef", "chef@exemple.fr", None, PASSWORD);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("valeurs acceptées : provider, reviewer, admin"), "{}", stderr(&output));
    let remaining: Vec<String> = users(&data).into_iter().map(|user| user.email).collect();
    assert_eq!(remaining, ["relecteur@exemple.fr"]);
    assert!(
        std::fs::read_dir(&data.path).expect("dossier").all(|entry| {
            let name = entry.expect("entrée").file_name();
            name.to_string_lossy().starts_with("socle.sqlite")
        }),
        "only the database in the data folder"
    );
}

#[test]
fn without_a_terminal_or_password_stdin_the_password_cannot_be_asked() {
    let data = TempDir::new("admin-sans-terminal");
    // `setsid` runs socle in a new session, without a controlling terminal to read from.
    let mut command = Command::new("setsid");
    command.arg("--wait").arg(env!("CARGO_BIN_EXE_socle"));
    let output = admin_with(command, &data, &["create-user", "--role", "admin", "--email", "a@exemple.fr"], "");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("aucun terminal pour saisir le mot de passe") && text.contains("--password-stdin"), "{text}");
    assert!(!text.contains("os error"), "no English system message: {text}");
    assert!(users(&data).is_empty());
}
