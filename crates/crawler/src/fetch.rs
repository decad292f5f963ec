//! Fetching one URL politely and defensively: an identifying user agent, connect and total
//! timeouts, a body cap enforced while the body streams in, conditional requests, retries with
//! exponential backoff that honour `Retry-After`, manual redirects, and an optional HTTP proxy.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;
use url::Url;

use crate::canon;

/// The user agent sent with every request; the page it names explains the robot.
pub const USER_AGENT: &str = "socle-observatoire/0.1 (+https://socle.example/observatoire/robot)";
/// The product token matched against robots.txt `User-agent` lines.
pub const ROBOTS_AGENT: &str = "socle-observatoire";

/// Fetcher settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `User-Agent` header.
    pub user_agent: String,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending the request to the last byte of the body.
    pub total_timeout: Duration,
    /// Largest body kept, in bytes; reading stops there.
    pub max_body_bytes: usize,
    /// Redirects followed by [`Fetcher::fetch_following`].
    pub max_redirects: usize,
    /// Retries after a 429, a 503 or a failed connection.
    pub max_retries: u32,
    /// First backoff; doubled at each retry.
    pub base_backoff: Duration,
    /// Longest wait before a retry; a longer `Retry-After` ends the retries.
    pub max_retry_wait: Duration,
    /// HTTP proxy every request goes through (`http://127.0.0.1:8080`), if any.
    pub proxy: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            user_agent: USER_AGENT.to_string(),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            max_retries: 3,
            base_backoff: Duration::from_secs(2),
            max_retry_wait: Duration::from_secs(60),
            proxy: None,
        }
    }
}

/// Why a body was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// The body was longer than the cap.
    Length,
    /// The body did not end before the deadline.
    Time,
    /// The connection broke before the end of the body.
    Interrupted,
}

impl Truncation {
    /// Value of the WARC `WARC-Truncated` header.
    pub fn warc_value(self) -> &'static str {
        match self {
            Truncation::Length => "length",
            Truncation::Time => "time",
            Truncation::Interrupted => "disconnect",
        }
    }
}

/// What to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Canonical URL.
    pub url: Url,
    /// ETag stored from an earlier fetch (sent as `If-None-Match`).
    pub etag: Option<String>,
    /// Last-Modified stored from an earlier fetch (sent as `If-Modified-Since`).
    pub last_modified: Option<String>,
    /// Shortest wait before a retry (the host's politeness delay).
    pub min_delay: Duration,
}

impl Request {
    /// An unconditional request.
    pub fn get(url: Url) -> Request {
        Request { url, etag: None, last_modified: None, min_delay: Duration::ZERO }
    }
}

/// A response, with what the WARC archive needs to reproduce the exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The URL requested.
    pub url: Url,
    /// HTTP status code.
    pub status: u16,
    /// Reason phrase of the status.
    pub reason: String,
    /// `HTTP/1.1`, `HTTP/2.0`, …
    pub version: String,
    /// Response headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, at most `max_body_bytes`.
    pub body: Vec<u8>,
    /// Why the body is incomplete, if it is.
    pub truncated: Option<Truncation>,
    /// The request as sent: request line and headers (proxy-independent form).
    pub request_head: String,
    /// When the response started.
    pub fetched_at: DateTime<Utc>,
    /// Number of attempts made (1 without retries).
    pub attempts: u32,
}

impl Response {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// Whether the status is a redirect carrying a `Location`.
    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308) && self.header("location").is_some()
    }

    /// The canonical redirect target, resolved against the request URL.
    pub fn location(&self) -> Option<Url> {
        self.header("location").and_then(|location| canon::canonicalize(Some(&self.url), location))
    }

    /// Status line and headers as they would appear on the wire (the WARC response block head).
    pub fn head(&self) -> String {
        let mut head = format!("{} {} {}\r\n", self.version, self.status, self.reason);
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        head
    }
}

/// Why a fetch failed, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built.
    #[error("impossible de créer le client HTTP : {0}")]
    Client(String),
    /// The proxy setting is not a usable URL.
    #[error("proxy invalide « {0} » : attendu une URL comme http://127.0.0.1:8080")]
    Proxy(String),
    /// No connection could be opened.
    #[error("connexion impossible à {url} : {detail}")]
    Connect {
        /// The URL.
        url: String,
        /// What the network layer said.
        detail: String,
    },
    /// No response headers before the deadline.
    #[error("pas de réponse de {url} en {seconds} s")]
    Timeout {
        /// The URL.
        url: String,
        /// The deadline, in seconds.
        seconds: u64,
    },
    /// Any other transport error.
    #[error("échec de la requête vers {url} : {detail}")]
    Http {
        /// The URL.
        url: String,
        /// What the network layer said.
        detail: String,
    },
    /// Redirects came back to a URL already visited.
    #[error("boucle de redirections à partir de {url}")]
    RedirectLoop {
        /// The first URL.
        url: String,
    },
    /// More redirects than allowed.
    #[error("plus de {max} redirections à partir de {url}")]
    TooManyRedirects {
        /// The first URL.
        url: String,
        /// The limit.
        max: usize,
    },
    /// A redirect pointed to a URL that may not be fetched.
    #[error("redirection de {url} vers {target} refusée (hors du périmètre, interdite ou invalide)")]
    RedirectRefused {
        /// The redirecting URL.
        url: String,
        /// Where it pointed.
        target: String,
    },
}

/// An HTTP client with the crawler's limits; cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Config,
}

impl Fetcher {
    /// Builds the client. Without a proxy, proxy environment variables are ignored.
    pub fn new(config: Config) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(proxy) = &config.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str()).map_err(|_| FetchError::Proxy(proxy.clone()))?;
            builder = builder.proxy(proxy);
        }
        let client = builder.build().map_err(|error| FetchError::Client(error.to_string()))?;
        Ok(Fetcher { client, config })
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Fetches one URL without following redirects, retrying after 429, 503 and failed
    /// connections. After the last retry the 429 or 503 response itself is returned.
    pub async fn fetch(&self, request: &Request) -> Result<Response, FetchError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let retries_left = attempt <= self.config.max_retries;
            match self.attempt(request).await {
                Ok(mut response) => {
                    response.attempts = attempt;
                    if matches!(response.status, 429 | 503) && retries_left {
                        let wait = match retry_after(response.header("retry-after"), Utc::now()) {
                            Some(wait) if wait > self.config.max_retry_wait => return Ok(response),
                            Some(wait) => wait,
                            None => self.backoff(attempt),
                        };
                        tokio::time::sleep(wait.max(request.min_delay)).await;
                        continue;
                    }
                    return Ok(response);
                }
                Err(error @ FetchError::Connect { .. }) => {
                    if !retries_left {
                        return Err(error);
                    }
                    tokio::time::sleep(self.backoff(attempt).max(request.min_delay)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Fetches a URL and follows up to `max_redirects` redirects; every hop is canonicalised
    /// and must pass `allow` (scope, robots.txt). A redirect chain longer than the limit or
    /// coming back to a visited URL is an error.
    pub async fn fetch_following(
        &self,
        request: &Request,
        allow: &(dyn Fn(&Url) -> bool + Send + Sync),
    ) -> Result<Response, FetchError> {
        let first = request.url.to_string();
        let mut visited = vec![request.url.clone()];
        let mut current = request.clone();
        loop {
            let response = self.fetch(&current).await?;
            if !response.is_redirect() {
                return Ok(response);
            }
            let target =
                response.location().filter(|target| allow(target)).ok_or_else(|| FetchError::RedirectRefused {
                    url: response.url.to_string(),
                    target: response.header("location").unwrap_or_default().to_string(),
                })?;
            if visited.contains(&target) {
                return Err(FetchError::RedirectLoop { url: first });
            }
            if visited.len() > self.config.max_redirects {
                return Err(FetchError::TooManyRedirects { url: first, max: self.config.max_redirects });
            }
            visited.push(target.clone());
            current = Request { url: target, etag: None, last_modified: None, min_delay: request.min_delay };
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
        self.config.base_backoff.saturating_mul(factor).min(self.config.max_retry_wait)
    }

    /// One request; the body is read chunk by chunk until the cap or the deadline.
    async fn attempt(&self, request: &Request) -> Result<Response, FetchError> {
        let url = request.url.clone();
        let deadline = Instant::now() + self.config.total_timeout;
        let mut builder = self.client.get(url.clone());
        let mut request_head = format!(
            "GET {}{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\n",
            url.path(),
            url.query().map(|query| format!("?{query}")).unwrap_or_default(),
            canon::host_key(&url),
            self.config.user_agent
        );
        if let Some(etag) = &request.etag {
            builder = builder.header("If-None-Match", etag.as_str());
            request_head.push_str(&format!("If-None-Match: {etag}\r\n"));
        }
        if let Some(last_modified) = &request.last_modified {
            builder = builder.header("If-Modified-Since", last_modified.as_str());
            request_head.push_str(&format!("If-Modified-Since: {last_modified}\r\n"));
        }
        request_head.push_str("\r\n");
        let fetched_at = Utc::now();
        let seconds = self.config.total_timeout.as_secs();
        let mut response = match tokio::time::timeout_at(deadline, builder.send()).await {
            Err(_) => return Err(FetchError::Timeout { url: url.to_string(), seconds }),
            Ok(Err(error)) => return Err(transport_error(&url, &error, seconds)),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let version = format!("{:?}", response.version());
        let cap = self.config.max_body_bytes;
        let mut body = Vec::new();
        let mut truncated = None;
        loop {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => {
                    truncated = Some(Truncation::Time);
                    break;
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => {
                    let room = cap - body.len();
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = Some(Truncation::Length);
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                // A connection cut mid-body: keep what arrived, marked incomplete.
                Ok(Err(_)) => {
                    truncated = Some(Truncation::Interrupted);
                    break;
                }
            }
        }
        Ok(Response {
            url,
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            version,
            headers,
            body,
            truncated,
            request_head,
            fetched_at,
            attempts: 1,
        })
    }
}

fn transport_error(url: &Url, error: &reqwest::Error, seconds: u64) -> FetchError {
    let detail = std::error::Error::source(error).map_or_else(|| error.to_string(), ToString::to_string);
    if error.is_timeout() {
        FetchError::Timeout { url: url.to_string(), seconds }
    } else if error.is_connect() {
        FetchError::Connect { url: url.to_string(), detail }
    } else {
        FetchError::Http { url: url.to_string(), detail }
    }
}

/// The wait a `Retry-After` value asks for: delay-seconds or an HTTP date (past dates mean
/// no wait). `None` when absent or unreadable.
pub fn retry_after(value: Option<&str>, now: DateTime<Utc>) -> Option<Duration> {
    let value = value?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(retry_after(Some(" 120 "), now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT"), now), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:00:00 GMT"), now), Some(Duration::ZERO));
        assert_eq!(retry_after(Some("demain"), now), None);
        assert_eq!(retry_after(Some("-5"), now), None);
        assert_eq!(retry_after(None, now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = Config {
            base_backoff: Duration::from_millis(100),
            max_retry_wait: Duration::from_millis(500),
            ..Config::default()
        };
        let fetcher = Fetcher::new(config).unwrap();
        let waits: Vec<u128> = (1..=5).map(|attempt| fetcher.backoff(attempt).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
    }

    #[test]
    fn a_bad_proxy_is_reported_in_french() {
        let error = Fetcher::new(Config { proxy: Some("::nonsense::".into()), ..Config::default() }).unwrap_err();
        assert!(error.to_string().contains("proxy invalide"), "{error}");
    }
}
