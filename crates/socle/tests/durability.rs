//! Acceptance: killing `socle serve` with SIGKILL in the middle of a stream of writes loses no
//! acknowledged write.
//!
//! The test creates a provider with `socle admin create-user --password-stdin`, starts the real
//! server on a temporary data folder, logs in with the login form, and has three clients upload
//! declarations (multipart, with the form's CSRF token) as fast as the server takes them,
//! recording every upload answered « 303 See Other » (the server's acknowledgement: the
//! programme is saved). After the first acknowledgements, the server is killed with SIGKILL while
//! the uploads go on; it is then restarted on the same folder, and every acknowledged programme
//! must be there — on the provider's pages, and in the database. Every other programme is also
//! submitted for the label as soon as it is saved; an acknowledged submission must survive too.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::TempDir;

const EMAIL: &str = "durable@universite-exemple.fr";
const PASSWORD: &str = "phrase de passe du test de durabilité";
const ORGANISATION: &str = "Université Exemple durable";
/// Writers uploading at once.
const WRITERS: usize = 3;
/// Acknowledged writes to wait for before the kill.
const BEFORE_KILL: usize = 12;

/// Starts `socle serve` on `data` (without the course book, which is not needed here) and returns
/// it with its address.
fn serve(data: &Path) -> (Child, String) {
    support::spawn_serve(data, &data.join("pas-de-livre"))
}

/// One HTTP/1.1 exchange on a fresh connection: (status, head, body); `None` when the server is
/// gone.
fn exchange(address: &str, request: &[u8]) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_owned(), body.to_owned()))
}

fn get(address: &str, path: &str, session: &str) -> Option<(u16, String, String)> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: socle_session={session}\r\nConnection: close\r\n\r\n"
    );
    exchange(address, request.as_bytes())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn cookie(head: &str, name: &str) -> String {
    head.lines()
        .filter(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .find_map(|line| line.split_once(':')?.1.trim().strip_prefix(&format!("{name}="))?.split(';').next())
        .unwrap_or_else(|| panic!("cookie {name} absent de :\n{head}"))
        .to_owned()
}

/// The CSRF token of the form posting to `action` in a page.
fn csrf(body: &str, action: &str) -> String {
    let form = body.find(&format!("action=\"{action}\"")).unwrap_or_else(|| panic!("pas de formulaire vers {action}"));
    let marker = "name=\"csrf\" value=\"";
    let at = body[form..].find(marker).expect("jeton") + form + marker.len();
    body[at..].split('"').next().expect("jeton").to_owned()
}

/// Logs in with the real form; returns the session token.
fn login(address: &str) -> String {
    let (_, head, body) = exchange(
        address,
        format!("GET /connexion HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .expect("page de connexion");
    let nonce = cookie(&head, "socle_formulaire");
    let token = csrf(&body, "/connexion");
    let fields: String = form_urlencoded_pairs(&[("csrf", &token), ("email", EMAIL), ("mot-de-passe", PASSWORD)]);
    let request = format!(
        "POST /connexion HTTP/1.1\r\nHost: {address}\r\nCookie: socle_formulaire={nonce}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{fields}",
        fields.len()
    );
    let (status, head, _) = exchange(address, request.as_bytes()).expect("connexion");
    assert_eq!(status, 303, "connexion refusée :\n{head}");
    cookie(&head, "socle_session")
}

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|byte| match byte {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (byte as char).to_string(),
                b' ' => "+".to_owned(),
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    pairs.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect::<Vec<_>>().join("&")
}

/// A small valid declaration (a short remote course) with the given id.
fn declaration(slug: &str) -> String {
    let today = registry::Date::today();
    format!(
        "[programme]\nid = \"{slug}\"\ntitle = \"Formation courte {slug}\"\nprovider = \"{ORGANISATION}\"\n\
         diploma = \"court\"\nmodality = [\"distanciel\"]\nlanguage = \"fr\"\ntotal_hours = 40\nupdated = {today}\n\n\
         [[units]]\ncode = \"U1\"\ntitle = \"Introduction aux données\"\nhours = 40\nkind = \"core\"\n\
         competences = [{{ id = \"DS.INF.01\", level = \"N2\" }}]\nassessments = [\"exam\"]\n"
    )
}

/// Uploads a declaration as a new programme: `Some(location)` when acknowledged (303), `None`
/// when the server did not acknowledge it (gone, or any other answer).
fn upload(address: &str, session: &str, token: &str, slug: &str) -> Option<String> {
    let boundary = "----durabilite-socle";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{slug}.toml\"\r\n\
         Content-Type: application/toml\r\n\r\n{}\r\n--{boundary}--\r\n",
        declaration(slug)
    );
    let request = format!(
        "POST /espace/televerser HTTP/1.1\r\nHost: {address}\r\nCookie: socle_session={session}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, head, _) = exchange(address, request.as_bytes())?;
    (status == 303).then(|| header(&head, "location").unwrap_or_default().to_owned())
}

/// Submits a programme for the label with the confirmation form: `true` when acknowledged (303).
fn submit(address: &str, session: &str, programme_path: &str) -> bool {
    let path = format!("{programme_path}/soumettre");
    let Some((200, _, page)) = get(address, &path, session) else { return false };
    let body = form_urlencoded_pairs(&[("csrf", &csrf(&page, &path))]);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nCookie: socle_session={session}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(address, request.as_bytes()).is_some_and(|(status, _, _)| status == 303)
}

#[test]
fn a_killed_server_loses_no_acknowledged_write() {
    let data = TempDir::new("durabilite");
    support::create_user(&data.path, "provider", (EMAIL, PASSWORD), Some(ORGANISATION));

    let (mut server, address) = serve(&data.path);
    let session = login(&address);
    let (status, _, page) = get(&address, "/espace/televerser", &session).expect("formulaire de dépôt");
    assert_eq!(status, 200);
    let token = csrf(&page, "/espace/televerser");

    // The stream of writes: each writer uploads new programmes, and submits every other one for
    // the label, until the server is gone. Each acknowledged write is recorded: (slug, page,
    // whether its submission was acknowledged too).
    let acknowledged: Arc<Mutex<Vec<(String, String, bool)>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (address, session, token) = (address.clone(), session.clone(), token.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut sent = 0;
                for index in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let slug = format!("durable-{writer}-{index}");
                    sent += 1;
                    let Some(location) = upload(&address, &session, &token, &slug) else {
                        // The server is gone (or refused): this writer stops.
                        break;
                    };
                    acknowledged.lock().expect("verrou").push((slug.clone(), location.clone(), false));
                    if index % 2 == 1 {
                        sent += 1;
                        let page = location.split('?').next().unwrap_or_default();
                        if !submit(&address, &session, page) {
                            break;
                        }
                        let mut acknowledged = acknowledged.lock().expect("verrou");
                        if let Some(entry) = acknowledged.iter_mut().find(|(known, _, _)| *known == slug) {
                            entry.2 = true;
                        }
                    }
                }
                sent
            })
        })
        .collect();
    while acknowledged.lock().expect("verrou").len() < BEFORE_KILL {
        assert!(server.try_wait().expect("état du serveur").is_none(), "le serveur s'est arrêté de lui-même");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL, writes still in flight.
    server.kill().expect("SIGKILL");
    let killed_at = acknowledged.lock().expect("verrou").len();
    server.wait().expect("fin du serveur");
    stop.store(true, Ordering::SeqCst);
    let sent: usize = writers.into_iter().map(|writer| writer.join().expect("écrivain")).sum();
    let acknowledged = acknowledged.lock().expect("verrou").clone();
    assert!(acknowledged.len() >= BEFORE_KILL);
    assert!(sent > acknowledged.len(), "some writes were in flight when the server was killed ({sent} sent)");
    let submitted = acknowledged.iter().filter(|(_, _, submitted)| *submitted).count();
    assert!(submitted > 0, "some submissions were acknowledged before the kill");
    eprintln!(
        "{sent} écritures envoyées ; {} formations et {submitted} dépôts acquittés ({killed_at} formations au moment du SIGKILL)",
        acknowledged.len()
    );

    // Restarted on the same folder: every acknowledged programme is there, on the pages.
    let (mut server, address) = serve(&data.path);
    let session = login(&address);
    let (status, _, list) = get(&address, "/espace", &session).expect("liste");
    assert_eq!(status, 200);
    let mut missing = Vec::new();
    for (slug, location, submitted) in &acknowledged {
        let path = location.split('?').next().unwrap_or_default();
        let page = get(&address, path, &session);
        let found = page.as_ref().is_some_and(|(status, _, body)| {
            *status == 200 && body.contains(slug.as_str()) && (!submitted || body.contains("demande déposée"))
        });
        if !found || !list.contains(slug.as_str()) {
            missing.push(slug.clone());
        }
    }
    server.kill().expect("arrêt");
    server.wait().expect("fin du serveur");
    assert!(missing.is_empty(), "écritures acquittées perdues : {missing:?}");

    // And in the database, read directly.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("moteur");
    runtime.block_on(async {
        let store = store::Store::open(data.path.join("socle.sqlite")).await.expect("base");
        let organisation = store.organisation_by_name(ORGANISATION).await.expect("lecture").expect("organisme");
        for (slug, _, submitted) in &acknowledged {
            let programme = store.programme_by_slug(organisation.id, slug).await.expect("lecture");
            let programme = programme.unwrap_or_else(|| panic!("{slug} absent de la base"));
            let history = store.label_history(programme.id).await.expect("historique");
            if *submitted {
                assert_eq!(programme.label_state, store::LabelState::Submitted, "{slug}");
                assert_eq!(history.len(), 2, "{slug}: its submission is recorded with it");
            } else {
                // A submission sent but not acknowledged may or may not have been committed.
                assert!(history.len() <= 2, "{slug}");
            }
        }
        store.close().await;
    });
}
