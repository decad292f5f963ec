//! `socle serve` on a fresh data folder: the demonstration programmes are loaded once, unless
//! `--sans-demo` asks for an empty registry.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use support::TempDir;

/// A programme of the demonstration data that is public once loaded (it is granted).
const DEMO_TITLE: &str = "Master Science des données";

/// The body of `GET path` on the server at `address`.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connexion");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("requête");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("réponse");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{path} : {}", answer.lines().next().unwrap_or_default());
    answer
}

/// The registry's list as a fresh server on `data` shows it.
fn registry_page(data: &Path, options: &[&str]) -> String {
    let (mut server, address) = support::spawn_serve_with(data, &data.join("pas-de-livre"), options);
    let page = get(&address, "/formations");
    server.kill().expect("arrêt");
    server.wait().expect("attente");
    page
}

#[test]
fn sans_demo_keeps_an_empty_registry_empty_and_the_default_loads_the_demo_once() {
    let data = TempDir::new("serve-sans-demo");
    let empty = registry_page(&data.path, &["--sans-demo"]);
    assert!(!empty.contains(DEMO_TITLE), "aucune formation de démonstration avec --sans-demo");
    assert!(empty.contains("0 formation"), "{empty}");
    // Without the option, the registry (still empty, never loaded) receives the demonstration.
    let loaded = registry_page(&data.path, &[]);
    assert!(loaded.contains(DEMO_TITLE), "{loaded}");
    // A later start with --sans-demo keeps what is there.
    let kept = registry_page(&data.path, &["--sans-demo"]);
    assert!(kept.contains(DEMO_TITLE));
}
