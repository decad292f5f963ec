//! Browser test: a real `socle serve`, every page opened in headless Chromium (Debian), checked
//! for its HTTP status, console errors and axe-core violations of WCAG 2.1 A/AA; a screenshot of
//! each page is kept under `target/test-artefacts/navigateur/`.
//!
//! The pages of a signed-in administrator (`/compte`, `/admin/utilisateurs`) are audited too:
//! the test creates an administrator with `socle admin create-user`, logs in with the real login
//! form over HTTP, and puts Chromium behind a small proxy that adds the session cookie to the
//! requests for those pages (the audit script opens every page in a fresh, cookie-less context).
//!
//! `cargo xtask setup` installs Chromium and the pinned npm packages; without them this test
//! fails and says so.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;

use support::{Server, TempDir, chromium, node_modules, workspace};

/// Every page of the site so far, with the status it must answer.
const PAGES: &[(&str, u16, &str)] = &[
    ("/", 200, "accueil"),
    ("/referentiel", 200, "referentiel"),
    ("/referentiel?pilier=MST&tronc=commun&q=mod%C3%A8le", 200, "referentiel-filtre"),
    ("/referentiel/DS.MST.06", 200, "competence-DS.MST.06"),
    ("/referentiel/DS.PRJ.04", 200, "competence-DS.PRJ.04"),
    ("/referentiel/DS.INCONNU.01", 404, "competence-inconnue"),
    ("/page/inexistante", 404, "page-inexistante"),
    ("/cours/", 200, "cours"),
    ("/cours/partie-0/correction-et-referentiel.html", 200, "cours-correction"),
    ("/cours/partie-1/regression.html", 200, "cours-regression"),
    ("/cours/partie-1/cadre-juridique.html", 200, "cours-rgpd"),
    ("/cours/partie-2/sante.html", 200, "cours-sante"),
    ("/labs/", 200, "labs"),
    ("/labs/09-regression/", 200, "labo-regression"),
    // The public registry, filled with the demonstration programmes on first start (in file order:
    // programme 2 is the master of Lyon, 15 a licence, 28 a MOOC).
    ("/formations", 200, "formations"),
    ("/formations?competence=DS.MST.07&niveau_min=N3", 200, "formations-competence"),
    ("/formations?niveau=9", 400, "formations-parametre-invalide"),
    ("/formations/2", 200, "formation-master"),
    ("/formations/28", 200, "formation-mooc"),
    ("/formations/comparer?ids=2,15,28", 200, "formations-comparer"),
    ("/label", 200, "label"),
    ("/connexion?suite=%2Fadmin%2Futilisateurs", 200, "connexion"),
    ("/compte", 200, "compte-admin"),
    ("/admin/utilisateurs", 200, "admin-utilisateurs"),
];

/// Pages requested with the administrator's session cookie (by the proxy).
const SIGNED_IN_PREFIXES: &[&str] = &["/compte", "/admin/"];

const ADMIN_EMAIL: &str = "admin@exemple.fr";
const ADMIN_PASSWORD: &str = "phrase de passe du test navigateur";

/// A running `socle serve` over a data folder that already holds an administrator.
fn start_server() -> Server {
    let data = TempDir::new("navigateur");
    support::create_user(&data.path, "admin", (ADMIN_EMAIL, ADMIN_PASSWORD), None);
    Server::with_data(data)
}

/// Sends one HTTP/1.1 request (closing the connection) and returns the whole raw answer.
fn http(address: &str, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connexion au serveur");
    stream.write_all(format!("{head}Host: {address}\r\nConnection: close\r\n\r\n{body}").as_bytes()).expect("envoi");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("réponse");
    answer
}

/// The value of cookie `name` set by a raw answer.
fn set_cookie(answer: &str, name: &str) -> String {
    answer
        .lines()
        .filter_map(|line| line.strip_prefix("set-cookie: ").or_else(|| line.strip_prefix("Set-Cookie: ")))
        .find_map(|cookie| cookie.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("cookie {name} absent de :\n{answer}"))
        .to_owned()
}

/// Logs in with the real form and returns the session token.
fn login(address: &str) -> String {
    let page = http(address, "GET /connexion HTTP/1.1\r\n", "");
    let nonce = set_cookie(&page, "socle_formulaire");
    let marker = "name=\"csrf\" value=\"";
    let at = page.find(marker).expect("jeton du formulaire") + marker.len();
    let token = page[at..].split('"').next().expect("jeton");
    let body = format!("csrf={token}&email={ADMIN_EMAIL}&mot-de-passe={}", ADMIN_PASSWORD.replace(' ', "+"));
    let head = format!(
        "POST /connexion HTTP/1.1\r\nCookie: socle_formulaire={nonce}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        body.len()
    );
    let answer = http(address, &head, &body);
    assert!(answer.starts_with("HTTP/1.1 303"), "connexion refusée :\n{answer}");
    set_cookie(&answer, "socle_session")
}

/// A proxy in front of the server that adds the session cookie to requests for the signed-in
/// pages. Each connection carries one request (`Connection: close` both ways).
fn start_proxy(upstream: String, session: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("port du mandataire");
    let address = listener.local_addr().expect("adresse").to_string();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (upstream, session) = (upstream.clone(), session.clone());
            std::thread::spawn(move || forward(client, &upstream, &session));
        }
    });
    address
}

fn forward(mut client: TcpStream, upstream: &str, session: &str) {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split(' ').nth(1).unwrap_or("/");
    let mut lines: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|line| {
            let name = line.split(':').next().unwrap_or_default().to_ascii_lowercase();
            name != "connection" && name != "keep-alive"
        })
        .collect();
    let cookie = format!("Cookie: socle_session={session}");
    if SIGNED_IN_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        lines.push(&cookie);
    }
    lines.push("Connection: close");
    let Ok(mut server) = TcpStream::connect(upstream) else { return };
    if server.write_all(format!("{}\r\n\r\n", lines.join("\r\n")).as_bytes()).is_err() {
        return;
    }
    let _ = std::io::copy(&mut server, &mut client);
}

#[test]
fn every_page_is_accessible_and_clean() {
    let node_modules = node_modules();
    let chromium = chromium();
    let server = start_server();
    let session = login(&server.address);
    let base = format!("http://{}", start_proxy(server.address.clone(), session));
    let out = workspace().join("target/test-artefacts/navigateur");
    std::fs::create_dir_all(&out).expect("dossier des captures");
    let spec = serde_json::json!({
        "base": base,
        "out": out,
        "chromium": chromium,
        "pages": PAGES.iter().map(|(path, status, name)| serde_json::json!({ "path": path, "status": status, "name": name })).collect::<Vec<_>>(),
        "viewports": [
            { "width": 1280, "height": 900, "suffix": "" },
            { "width": 390, "height": 844, "suffix": "-mobile" },
        ],
    });
    let spec_path = out.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).expect("écriture de la spec");
    let output = Command::new("node")
        .arg(workspace().join("tools/browser/audit.cjs"))
        .arg(&spec_path)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("lancement de node");
    assert!(output.status.success(), "audit navigateur en échec :\n{}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("résultat JSON de l'audit");
    assert_eq!(results.len(), PAGES.len() * 2, "chaque page dans les deux tailles d'écran");
    let mut failures = Vec::new();
    for result in &results {
        let path = result["path"].as_str().unwrap_or_default();
        if result["status"] != result["expected"] {
            failures.push(format!("{path} : statut {} au lieu de {}", result["status"], result["expected"]));
        }
        for message in result["console"].as_array().into_iter().flatten() {
            failures.push(format!("{path} : erreur de console {message}"));
        }
        for request in result["failed"].as_array().into_iter().flatten() {
            failures.push(format!("{path} : ressource en échec {request}"));
        }
        for violation in result["violations"].as_array().into_iter().flatten() {
            failures.push(format!(
                "{path} : violation axe-core {} ({}) sur {}",
                violation["id"], violation["help"], violation["nodes"]
            ));
        }
        let screenshot = result["screenshot"].as_str().unwrap_or_default();
        let size = std::fs::metadata(screenshot).map(|meta| meta.len()).unwrap_or(0);
        if size < 1000 {
            failures.push(format!("{path} : capture d'écran absente ou vide ({screenshot})"));
        }
    }
    assert!(failures.is_empty(), "{} problème(s) :\n{}", failures.len(), failures.join("\n"));
}
