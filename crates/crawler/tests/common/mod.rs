//! A small hand-written HTTP/1.1 server for the crawler's tests, on 127.0.0.1:0. It answers
//! both origin-form requests and proxy (absolute-form) requests, so that one server can play
//! several fictional hosts; it records every request with its time and headers.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When its head was read.
    pub at: Instant,
    /// Host (from the absolute URI, else the Host header), lowercase, with port if any.
    pub host: String,
    /// Path and query.
    pub path: String,
    /// Headers, names lowercase.
    pub headers: Vec<(String, String)>,
}

impl Seen {
    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// What the server sends as body.
#[derive(Debug, Clone)]
pub enum Body {
    /// These bytes, with a Content-Length.
    Bytes(Vec<u8>),
    /// `n` bytes of `x`, announced with a Content-Length, written as fast as the client reads.
    Huge(usize),
    /// A body that never ends (a few bytes every 50 ms, no Content-Length).
    Endless,
    /// These bytes, after a pause before the status line.
    Delayed(Duration, Vec<u8>),
    /// A Content-Length of `n`, fewer bytes, then the connection is closed.
    Cut(usize, Vec<u8>),
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers (Content-Length and Connection are added).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
}

impl Reply {
    /// 200 with a body and a Content-Type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
        }
    }

    /// 200 text/html in UTF-8.
    pub fn html(body: &str) -> Reply {
        Reply::ok("text/html; charset=utf-8", body)
    }

    /// A status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Body::Bytes(Vec::new()) }
    }

    /// A redirect.
    pub fn redirect(location: &str) -> Reply {
        Reply::status(302).with("Location", location)
    }

    /// Adds a header.
    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A running server.
pub struct Server {
    /// Its address.
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

impl Server {
    /// Starts a server on 127.0.0.1:0 in the current runtime.
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let handler = handler.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, handler, log).await;
                });
            }
        });
        Server { addr, seen }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Paths requested so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.seen().into_iter().map(|seen| seen.path).collect()
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Seen>>>) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let (host, path) = match target.strip_prefix("http://") {
        Some(rest) => match rest.find('/') {
            Some(slash) => (rest[..slash].to_string(), rest[slash..].to_string()),
            None => (rest.to_string(), "/".to_string()),
        },
        None => {
            let host =
                headers.iter().find(|(name, _)| name == "host").map(|(_, value)| value.clone()).unwrap_or_default();
            (host, target)
        }
    };
    let seen = Seen { at: Instant::now(), host: host.to_ascii_lowercase(), path, headers };
    log.lock().unwrap().push(seen.clone());
    let reply = handler(&seen);
    let mut out = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = match reply.body {
        Body::Delayed(pause, bytes) => {
            tokio::time::sleep(pause).await;
            Body::Bytes(bytes)
        }
        other => other,
    };
    match body {
        Body::Delayed(_, bytes) | Body::Bytes(bytes) => {
            out.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            stream.write_all(out.as_bytes()).await?;
            stream.write_all(&bytes).await?;
        }
        Body::Huge(length) => {
            out.push_str(&format!("Content-Length: {length}\r\n\r\n"));
            stream.write_all(out.as_bytes()).await?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = length;
            while left > 0 {
                let size = left.min(chunk.len());
                stream.write_all(&chunk[..size]).await?;
                left -= size;
            }
        }
        Body::Cut(announced, bytes) => {
            out.push_str(&format!("Content-Length: {announced}\r\n\r\n"));
            stream.write_all(out.as_bytes()).await?;
            stream.write_all(&bytes).await?;
        }
        Body::Endless => {
            out.push_str("\r\n");
            stream.write_all(out.as_bytes()).await?;
            loop {
                stream.write_all(b"<p>encore</p>\n").await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    stream.flush().await?;
    stream.shutdown().await
}

/// Test-only link finder: every `href="…"` value (the real one is built on the extract crate).
pub fn hrefs(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("href=\"") {
        rest = &rest[start + 6..];
        let Some(end) = rest.find('"') else { break };
        links.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    links
}

/// A fresh folder under the system temporary folder.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let count = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("socle-crawler-{name}-{}-{count}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
