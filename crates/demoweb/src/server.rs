//! The fixture server: HTTP/1.1 on raw TCP, so that trickled and huge bodies are under control.
//! It answers absolute-form requests (it is the proxy the crawler is configured with, routing by
//! host) and origin-form requests with a `Host` header, keeps connections alive, gives every page
//! a stable `ETag` and `Last-Modified`, answers 304 to matching conditional requests, and logs
//! every request.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::calendar::{http_date, parse_http_date};
use crate::hostile::{HUGE_BODY_BYTES, Special};
use crate::render::{self, Rendered};
use crate::{DemoWeb, HOST_API};

/// Longest request head accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Interval between two chunks of the never-ending body.
const TRICKLE_INTERVAL: Duration = Duration::from_millis(200);

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// When the request head was read.
    pub time: Instant,
    /// Host (without port), from the absolute URL or the `Host` header.
    pub host: String,
    /// Path and query.
    pub path: String,
    /// Method.
    pub method: String,
    /// Whether the request line held an absolute URL (proxy form).
    pub absolute_form: bool,
    /// `If-None-Match` header.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since` header.
    pub if_modified_since: Option<String>,
    /// Status answered.
    pub status: u16,
}

struct Shared {
    web: Arc<DemoWeb>,
    log: Mutex<Vec<LoggedRequest>>,
    too_fast_served: AtomicBool,
}

/// A running fixture server on 127.0.0.1.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves `web` until [`Server::shutdown`] or drop.
    pub async fn start(web: Arc<DemoWeb>) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { web, log: Mutex::new(Vec::new()), too_fast_served: AtomicBool::new(false) });
        let (stop, stopped) = watch::channel(false);
        let task_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            let mut stopped_accept = stopped.clone();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let shared = Arc::clone(&task_shared);
                        let stopped = stopped.clone();
                        tokio::spawn(async move { connection(stream, shared, stopped).await });
                    }
                    _ = stopped_accept.changed() => break,
                }
            }
        });
        Ok(Server { addr, shared, stop, task: Some(task) })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, to configure as the crawler's HTTP proxy.
    pub fn proxy_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Stops accepting, ends every open connection (trickles included) and waits for the
    /// accept loop to finish.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct Request {
    method: String,
    host: String,
    target: String,
    absolute_form: bool,
    headers: Vec<(String, String)>,
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Parses a request head; `None` when it is not HTTP/1.x.
fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect();
    let find = |name: &str| headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let (host, target, absolute_form) = match target.strip_prefix("http://") {
        Some(rest) => {
            let (authority, path) = rest.find('/').map(|i| rest.split_at(i)).unwrap_or((rest, "/"));
            (authority.to_string(), path.to_string(), true)
        }
        None => (find("host").unwrap_or_default(), target.to_string(), false),
    };
    let host = host.rsplit_once(':').map(|(name, _)| name.to_string()).unwrap_or(host).to_ascii_lowercase();
    let connection = find("connection").unwrap_or_default().to_ascii_lowercase();
    let close = connection.contains("close") || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    Some(Request { method: method.to_string(), host, target, absolute_form, headers, close })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn etag(body: &[u8]) -> String {
    let hash = body
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3));
    format!("\"{hash:016x}\"")
}

/// Pages are dated at 08:00 of their day.
const MODIFIED_SECONDS: u32 = 8 * 3600;

fn not_modified(request: &Request, tag: &str, modified: i64) -> bool {
    if let Some(value) = request.header("if-none-match") {
        return value.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == tag || t == "*");
    }
    request
        .header("if-modified-since")
        .and_then(parse_http_date)
        .is_some_and(|since| modified * 86_400 + i64::from(MODIFIED_SECONDS) <= since)
}

fn not_found(host: &str, target: &str) -> Special {
    let body = render::html_page(
        "Page introuvable",
        "",
        &format!(
            "<h1>Page introuvable</h1>\n<p>Aucune page « {} » sur l'hôte « {} ».</p>",
            render::esc(target),
            render::esc(host)
        ),
    );
    Special::Page(Rendered {
        status: 404,
        content_type: "text/html; charset=utf-8",
        body: body.into_bytes(),
        modified: 0,
        extra_headers: Vec::new(),
    })
}

fn route(shared: &Shared, host: &str, target: &str) -> Special {
    if let Some(special) = crate::hostile::answer(host, target, || !shared.too_fast_served.swap(true, Ordering::SeqCst))
    {
        return special;
    }
    let web = &shared.web;
    if let Some(page) = web.routes.get(&format!("http://{host}{target}")) {
        return Special::Page(render::render(&web.model, page));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if host == HOST_API && path == "/partenaire/offresdemploi/v2/offres/search" {
        let range = query.split('&').find_map(|pair| pair.strip_prefix("range=")).unwrap_or("0-149");
        let parsed =
            range.split_once('-').and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
        return match parsed {
            Some((start, end)) => Special::Page(render::api_search(&web.model, start, end)),
            None => Special::Page(render::api_search(&web.model, 1, 0)),
        };
    }
    if let Some(rendered) = render::disallowed_page(host, path) {
        return Special::Page(rendered);
    }
    not_found(host, target)
}

async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            buffer.drain(..end + 4);
            return Some(head);
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await.ok()?.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut buffer = Vec::new();
    loop {
        let head = tokio::select! {
            head = read_head(&mut stream, &mut buffer) => head,
            _ = stopped.changed() => None,
        };
        let Some(head) = head else { return };
        let time = Instant::now();
        let Some(request) = parse_head(&head) else {
            let _ =
                stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
            return;
        };
        // Request bodies are not used: drop what was announced (bounded).
        if let Some(length) = request.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            if length > 1024 * 1024 {
                return;
            }
            while buffer.len() < length {
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                }
            }
            buffer.drain(..length);
        }
        let head_only = request.method == "HEAD";
        let answer = if request.method == "GET" || head_only {
            route(&shared, &request.host, &request.target)
        } else {
            Special::Page(Rendered {
                status: 405,
                content_type: "text/plain; charset=utf-8",
                body: format!("Méthode « {} » non acceptée : GET ou HEAD.\n", request.method).into_bytes(),
                modified: 0,
                extra_headers: vec![("Allow".into(), "GET, HEAD".into())],
            })
        };
        let log = |status: u16| {
            if let Ok(mut log) = shared.log.lock() {
                log.push(LoggedRequest {
                    time,
                    host: request.host.clone(),
                    path: request.target.clone(),
                    method: request.method.clone(),
                    absolute_form: request.absolute_form,
                    if_none_match: request.header("if-none-match").map(str::to_string),
                    if_modified_since: request.header("if-modified-since").map(str::to_string),
                    status,
                });
            }
        };
        let keep_alive = !request.close;
        let connection_header = if keep_alive { "keep-alive" } else { "close" };
        match answer {
            Special::Page(rendered) => {
                let mut status = rendered.status;
                let mut head = String::new();
                let mut body = rendered.body;
                if status == 200 {
                    let tag = etag(&body);
                    if not_modified(&request, &tag, rendered.modified) {
                        status = 304;
                        body.clear();
                    }
                    head.push_str(&format!(
                        "ETag: {tag}\r\nLast-Modified: {}\r\n",
                        http_date(rendered.modified, MODIFIED_SECONDS)
                    ));
                }
                let mut text = format!("HTTP/1.1 {status} {}\r\n{head}", reason(status));
                if status != 304 && status != 204 {
                    text.push_str(&format!(
                        "Content-Type: {}\r\nContent-Length: {}\r\n",
                        rendered.content_type,
                        body.len()
                    ));
                }
                for (name, value) in &rendered.extra_headers {
                    text.push_str(&format!("{name}: {value}\r\n"));
                }
                text.push_str(&format!("Connection: {connection_header}\r\n\r\n"));
                log(status);
                let mut bytes = text.into_bytes();
                if !head_only {
                    bytes.extend_from_slice(&body);
                }
                if stream.write_all(&bytes).await.is_err() || !keep_alive {
                    return;
                }
            }
            Special::Redirect(location) => {
                log(302);
                let text = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: {connection_header}\r\n\r\n"
                );
                if stream.write_all(text.as_bytes()).await.is_err() || !keep_alive {
                    return;
                }
            }
            Special::Trickle => {
                log(200);
                let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><body>";
                if stream.write_all(head.as_bytes()).await.is_err() || head_only {
                    return;
                }
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(TRICKLE_INTERVAL) => {
                            if stream.write_all(b"<p>.</p>").await.is_err() {
                                return;
                            }
                        }
                        _ = stopped.changed() => return,
                    }
                }
            }
            Special::Huge => {
                log(200);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {HUGE_BODY_BYTES}\r\nConnection: close\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() || head_only {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let mut sent = 0u64;
                while sent < HUGE_BODY_BYTES {
                    let n = (HUGE_BODY_BYTES - sent).min(chunk.len() as u64) as usize;
                    let write = tokio::select! {
                        result = stream.write_all(&chunk[..n]) => result,
                        _ = stopped.changed() => return,
                    };
                    if write.is_err() {
                        return;
                    }
                    sent += n as u64;
                }
                return;
            }
        }
    }
}
