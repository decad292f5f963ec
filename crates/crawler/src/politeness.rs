//! Politeness: one queue per host, and a minimum delay between the end of one request to a
//! host and the start of the next; at most one request per host at a time.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// Longest Crawl-delay honoured, as StormCrawler and Nutch do; a site asking more gets this.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);

/// The delay for a host: the source's delay, or the site's Crawl-delay (capped at
/// [`MAX_CRAWL_DELAY`]) when it is longer; zero when politeness is off (benchmarks only).
pub fn host_delay(source_delay_seconds: f64, crawl_delay: Option<Duration>, enabled: bool) -> Duration {
    if !enabled {
        return Duration::ZERO;
    }
    let source = Duration::try_from_secs_f64(source_delay_seconds.max(0.0)).unwrap_or(MAX_CRAWL_DELAY);
    source.max(crawl_delay.unwrap_or_default().min(MAX_CRAWL_DELAY))
}

#[derive(Debug)]
struct HostQueue {
    urls: VecDeque<String>,
    next_start: Instant,
    busy: bool,
    delay: Duration,
}

/// Per-host queues of URLs waiting to be fetched.
#[derive(Debug, Default)]
pub struct Hosts {
    queues: HashMap<String, HostQueue>,
    /// Hosts in the order they appeared, for round-robin fairness.
    order: Vec<String>,
    cursor: usize,
}

impl Hosts {
    /// No host yet.
    pub fn new() -> Hosts {
        Hosts::default()
    }

    /// Appends a URL to its host's queue; a new host gets `delay` and may start at once.
    pub fn push(&mut self, host: &str, url: String, delay: Duration) {
        if !self.queues.contains_key(host) {
            self.order.push(host.to_string());
            let queue = HostQueue { urls: VecDeque::new(), next_start: Instant::now(), busy: false, delay };
            self.queues.insert(host.to_string(), queue);
        }
        if let Some(queue) = self.queues.get_mut(host) {
            queue.urls.push_back(url);
        }
    }

    /// Sets the delay of a host (once its robots.txt is known).
    pub fn set_delay(&mut self, host: &str, delay: Duration) {
        if let Some(queue) = self.queues.get_mut(host) {
            queue.delay = delay;
        }
    }

    /// The current delay of a host.
    pub fn delay(&self, host: &str) -> Option<Duration> {
        self.queues.get(host).map(|queue| queue.delay)
    }

    /// A host that may start a request now (not busy, delay elapsed, URLs waiting), taken in
    /// round-robin order, with the URL at the front of its queue (not removed).
    pub fn ready(&mut self, now: Instant) -> Option<(String, String)> {
        let count = self.order.len();
        for step in 0..count {
            let index = (self.cursor + step) % count;
            let host = &self.order[index];
            let queue = &self.queues[host];
            if !queue.busy
                && queue.next_start <= now
                && let Some(url) = queue.urls.front()
            {
                self.cursor = (index + 1) % count;
                return Some((host.clone(), url.clone()));
            }
        }
        None
    }

    /// Removes the URL at the front of a host's queue.
    pub fn pop(&mut self, host: &str) -> Option<String> {
        self.queues.get_mut(host)?.urls.pop_front()
    }

    /// Marks a host as having a request in flight.
    pub fn start(&mut self, host: &str) {
        if let Some(queue) = self.queues.get_mut(host) {
            queue.busy = true;
        }
    }

    /// Marks the end of a host's request: the next may start `delay` after `now`.
    pub fn finish(&mut self, host: &str, now: Instant) {
        if let Some(queue) = self.queues.get_mut(host) {
            queue.busy = false;
            queue.next_start = now + queue.delay;
        }
    }

    /// The earliest time a waiting host becomes ready, if any host waits and is not busy.
    pub fn next_ready_at(&self) -> Option<Instant> {
        self.queues.values().filter(|queue| !queue.busy && !queue.urls.is_empty()).map(|queue| queue.next_start).min()
    }

    /// Number of URLs waiting, all hosts together.
    pub fn waiting(&self) -> usize {
        self.queues.values().map(|queue| queue.urls.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_is_the_larger_of_source_and_capped_crawl_delay() {
        let second = Duration::from_secs(1);
        assert_eq!(host_delay(1.0, None, true), second);
        assert_eq!(host_delay(1.0, Some(Duration::from_secs(5)), true), Duration::from_secs(5));
        assert_eq!(host_delay(2.5, Some(second), true), Duration::from_millis(2500));
        assert_eq!(host_delay(1.0, Some(Duration::from_secs(3600)), true), MAX_CRAWL_DELAY);
        assert_eq!(host_delay(1.0, Some(Duration::from_secs(5)), false), Duration::ZERO);
        assert_eq!(host_delay(f64::NAN, None, true), Duration::ZERO);
    }

    #[test]
    fn a_host_waits_its_delay_and_hosts_take_turns() {
        let mut hosts = Hosts::new();
        let delay = Duration::from_secs(10);
        hosts.push("a", "a1".into(), delay);
        hosts.push("a", "a2".into(), delay);
        hosts.push("b", "b1".into(), delay);
        let now = Instant::now();
        let (host, url) = hosts.ready(now).unwrap();
        assert_eq!((host.as_str(), url.as_str()), ("a", "a1"));
        hosts.pop("a");
        hosts.start("a");
        let (host, _) = hosts.ready(now).unwrap();
        assert_eq!(host, "b");
        hosts.pop("b");
        hosts.start("b");
        assert!(hosts.ready(now).is_none(), "both hosts are busy");
        hosts.finish("a", now);
        assert!(hosts.ready(now).is_none(), "a must wait its delay");
        assert_eq!(hosts.next_ready_at(), Some(now + delay));
        assert_eq!(hosts.ready(now + delay).map(|(_, url)| url).as_deref(), Some("a2"));
        assert_eq!(hosts.waiting(), 1);
    }
}
