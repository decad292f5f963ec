//! The fetcher against a local server: body cap, never-ending body, redirects, charsets,
//! retries with Retry-After, conditional headers, the proxy.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Body, Reply, Server};
use crawler::charset;
use crawler::fetch::{Config, FetchError, Fetcher, Request, Truncation};
use url::Url;

fn fetcher(config: Config) -> Fetcher {
    Fetcher::new(config).unwrap()
}

fn quick() -> Config {
    Config {
        total_timeout: Duration::from_secs(2),
        base_backoff: Duration::from_millis(50),
        max_retry_wait: Duration::from_secs(2),
        ..Config::default()
    }
}

fn url(server: &Server, path: &str) -> Url {
    Url::parse(&format!("{}{path}", server.base())).unwrap()
}

#[tokio::test]
async fn a_50_mib_body_stops_at_the_cap() {
    let server =
        Server::start(|_| Reply { status: 200, headers: Vec::new(), body: Body::Huge(50 * 1024 * 1024) }).await;
    let fetcher = fetcher(Config::default());
    let response = fetcher.fetch(&Request::get(url(&server, "/enorme"))).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.truncated, Some(Truncation::Length));
    assert_eq!(response.body.len(), 2 * 1024 * 1024);
}

#[tokio::test]
async fn a_never_ending_body_stops_at_the_deadline() {
    let server = Server::start(|_| Reply { status: 200, headers: Vec::new(), body: Body::Endless }).await;
    let config = Config { total_timeout: Duration::from_secs(1), ..quick() };
    let response = fetcher(config).fetch(&Request::get(url(&server, "/sans-fin"))).await.unwrap();
    assert_eq!(response.truncated, Some(Truncation::Time));
    assert!(!response.body.is_empty() && response.body.len() < 2 * 1024 * 1024);
}

#[tokio::test]
async fn a_body_cut_short_is_kept_and_marked() {
    let server =
        Server::start(|_| Reply { status: 200, headers: Vec::new(), body: Body::Cut(1000, b"debut".to_vec()) }).await;
    let response = fetcher(quick()).fetch(&Request::get(url(&server, "/coupe"))).await.unwrap();
    assert_eq!((response.truncated, response.body.as_slice()), (Some(Truncation::Interrupted), &b"debut"[..]));
}

#[tokio::test]
async fn silent_server_times_out_with_a_french_message() {
    // Accepts connections but never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let config = Config { total_timeout: Duration::from_millis(500), ..quick() };
    let error =
        fetcher(config).fetch(&Request::get(Url::parse(&format!("http://{addr}/")).unwrap())).await.unwrap_err();
    assert!(matches!(error, FetchError::Timeout { .. }), "{error:?}");
    assert!(error.to_string().starts_with("pas de réponse de"), "{error}");
}

#[tokio::test]
async fn redirect_loops_and_endless_chains_stop() {
    let server = Server::start(|seen| match seen.path.as_str() {
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("/a#ancre"),
        path if path.starts_with("/r/") => {
            let next: u32 = path[3..].parse().unwrap_or(0) + 1;
            Reply::redirect(&format!("/r/{next}"))
        }
        "/hors" => Reply::redirect("http://ailleurs.test/"),
        _ => Reply::html("fin"),
    })
    .await;
    let fetcher = fetcher(quick());
    let allow_local = |target: &Url| target.host_str() == Some("127.0.0.1");
    let error = fetcher.fetch_following(&Request::get(url(&server, "/a")), &allow_local).await.unwrap_err();
    assert!(matches!(error, FetchError::RedirectLoop { .. }), "{error:?}");
    let error = fetcher.fetch_following(&Request::get(url(&server, "/r/0")), &allow_local).await.unwrap_err();
    assert!(matches!(error, FetchError::TooManyRedirects { max: 5, .. }), "{error:?}");
    let chain = server.paths().iter().filter(|path| path.starts_with("/r/")).count();
    assert_eq!(chain, 6, "the first request and five redirects");
    let error = fetcher.fetch_following(&Request::get(url(&server, "/hors")), &allow_local).await.unwrap_err();
    assert!(matches!(error, FetchError::RedirectRefused { .. }), "{error:?}");
    assert!(!server.seen().iter().any(|seen| seen.host.contains("ailleurs")));
}

#[tokio::test]
async fn charsets_are_detected() {
    let server = Server::start(|seen| match seen.path.as_str() {
        "/latin1" => Reply::ok("text/html", b"<p>Ing\xe9nieur donn\xe9es \xe0 Besan\xe7on</p>".to_vec()),
        "/cp1252" => Reply::ok("text/html; charset=windows-1252", b"<p>\x93Data\x94 \x80 40k</p>".to_vec()),
        "/invalide" => Reply::ok("text/html; charset=utf-8", b"<p>\xff\xfe\xc3\x28 ok</p>".to_vec()),
        _ => Reply::status(404),
    })
    .await;
    let fetcher = fetcher(quick());
    let text = |path: &'static str| {
        let fetcher = fetcher.clone();
        let url = url(&server, path);
        async move {
            let response = fetcher.fetch(&Request::get(url)).await.unwrap();
            charset::decode(response.content_type(), &response.body)
        }
    };
    let latin1 = text("/latin1").await;
    assert_eq!(latin1.encoding, "windows-1252");
    assert!(latin1.text.contains("Ingénieur données à Besançon"), "{}", latin1.text);
    let cp1252 = text("/cp1252").await;
    assert!(cp1252.text.contains("“Data” € 40k"), "{}", cp1252.text);
    let invalid = text("/invalide").await;
    assert!(invalid.had_errors && invalid.text.contains(" ok"));
}

#[tokio::test]
async fn retry_after_is_honoured_then_success() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = Server::start(move |seen| match seen.path.as_str() {
        "/occupe" => {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::status(429).with("Retry-After", "1")
            } else {
                Reply::html("enfin")
            }
        }
        "/trop-long" => Reply::status(503).with("Retry-After", "3600"),
        _ => Reply::status(503),
    })
    .await;
    let fetcher = fetcher(Config { max_retries: 2, ..quick() });
    let response = fetcher.fetch(&Request::get(url(&server, "/occupe"))).await.unwrap();
    assert_eq!((response.status, response.attempts), (200, 2));
    let times: Vec<_> = server.seen().iter().map(|seen| seen.at).collect();
    assert!(times[1] - times[0] >= Duration::from_secs(1), "waited {:?}", times[1] - times[0]);
    // A Retry-After longer than the cap ends the retries at once.
    let response = fetcher.fetch(&Request::get(url(&server, "/trop-long"))).await.unwrap();
    assert_eq!((response.status, response.attempts), (503, 1));
    // Without Retry-After: exponential backoff, then the 503 itself.
    let response = fetcher.fetch(&Request::get(url(&server, "/toujours"))).await.unwrap();
    assert_eq!((response.status, response.attempts), (503, 3));
    let tries: Vec<_> = server.seen().into_iter().filter(|seen| seen.path == "/toujours").map(|seen| seen.at).collect();
    assert!(tries[1] - tries[0] >= Duration::from_millis(50));
    assert!(tries[2] - tries[1] >= Duration::from_millis(100));
}

#[tokio::test]
async fn conditional_headers_and_user_agent_are_sent() {
    let server = Server::start(|seen| {
        if seen.header("if-none-match") == Some("\"v1\"") { Reply::status(304) } else { Reply::html("x") }
    })
    .await;
    let request = Request {
        url: url(&server, "/page"),
        etag: Some("\"v1\"".into()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        min_delay: Duration::ZERO,
    };
    let response = fetcher(quick()).fetch(&request).await.unwrap();
    assert_eq!(response.status, 304);
    let seen = &server.seen()[0];
    assert_eq!(seen.header("if-modified-since"), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(seen.header("user-agent"), Some(crawler::USER_AGENT));
    assert!(response.request_head.contains("If-None-Match: \"v1\"\r\n"));
    assert!(response.head().starts_with("HTTP/1.1 304 Not Modified\r\n"));
}

#[tokio::test]
async fn every_request_goes_through_the_proxy() {
    let server = Server::start(|seen| Reply::html(&format!("hôte {}", seen.host))).await;
    let config = Config { proxy: Some(server.base()), ..quick() };
    let response =
        fetcher(config).fetch(&Request::get(Url::parse("http://emplois.test/offres/1").unwrap())).await.unwrap();
    assert_eq!(response.body, "hôte emplois.test".as_bytes());
    assert_eq!(server.paths(), ["/offres/1"]);
}
