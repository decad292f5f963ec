"""Scrapy spider of `cargo xtask bench crawl`: the baseline socle's crawler is measured against.

It crawls the same sources as `socle crawl` (the bench writes them as JSON: the sources of
observatory/sources/demo.toml for the hosts asked, in records::source's shape) through the demo
fixture server used as HTTP proxy (`http_proxy` in the environment, read by Scrapy's
HttpProxyMiddleware), follows the same links (allowed hosts and path prefixes of the source the
page belongs to, `<a href>`/`<area href>` without rel="nofollow", sitemap `<loc>` entries, feed
item links, depth at most 25 as socle), obeys robots.txt, and extracts schema.org JobPosting
objects from JSON-LD and microdata into JSON lines items.

Run: python -m scrapy runspider tools/bench/spider.py -a sources=SOURCES.json -a stats=STATS.json
     -O ITEMS.jsonl -s CONCURRENT_REQUESTS=N -s CONCURRENT_REQUESTS_PER_DOMAIN=N
"""

import json
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from w3lib.html import remove_tags, replace_entities


def in_scope(source, url):
    """Whether `url` is inside the source's allowed hosts and path prefixes (socle's Scope)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    hosts = [h.strip().lower() for h in source.get("allowed_hosts", [])]
    if not any(allowed == netloc or (":" not in allowed and allowed == host) for allowed in hosts):
        return False
    paths = source.get("allowed_paths") or []
    return not paths or any((parts.path or "/").startswith(prefix) for prefix in paths)


def types_of(node):
    kind = node.get("@type")
    return kind if isinstance(kind, list) else [kind]


def json_ld_objects(value, depth=0):
    """Every JSON object of a JSON-LD document (arrays, @graph and nesting walked), bounded."""
    if depth > 20:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            if isinstance(child, (dict, list)):
                yield from json_ld_objects(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from json_ld_objects(child, depth + 1)


def first(value):
    return value[0] if isinstance(value, list) and value else value


def name_of(value):
    value = first(value)
    return value.get("name") if isinstance(value, dict) else value


def clean_text(value):
    if not isinstance(value, str):
        return value
    return " ".join(replace_entities(remove_tags(value)).split())


def job_item(url, origin, node):
    """The JobPosting fields socle's extractor reads, from a JSON-LD or microdata object."""
    location = first(node.get("jobLocation"))
    address = first(location.get("address")) if isinstance(location, dict) else None
    address = address if isinstance(address, dict) else {}
    salary = first(node.get("baseSalary"))
    salary = salary if isinstance(salary, dict) else {}
    amount = first(salary.get("value"))
    amount = amount if isinstance(amount, dict) else {"value": amount}
    return {
        "source_url": url,
        "origin": origin,
        "title": clean_text(first(node.get("title"))),
        "description": clean_text(first(node.get("description"))),
        "date_posted": first(node.get("datePosted")),
        "valid_through": first(node.get("validThrough")),
        "employer": name_of(node.get("hiringOrganization")),
        "city": first(address.get("addressLocality")),
        "postal_code": first(address.get("postalCode")),
        "region": first(address.get("addressRegion")),
        "country": name_of(address.get("addressCountry")),
        "remote": first(node.get("jobLocationType")),
        "contract": node.get("employmentType"),
        "salary_min": amount.get("minValue", amount.get("value")),
        "salary_max": amount.get("maxValue", amount.get("value")),
        "salary_currency": first(salary.get("currency")),
        "salary_period": first(amount.get("unitText") or salary.get("unitText")),
        "sector": first(node.get("industry")),
        "rome_code": first(node.get("occupationalCategory")),
    }


def microdata_item(element, depth=0):
    """The properties of one `itemscope` element, nested items read recursively (bounded)."""
    level = len(element.xpath("ancestor-or-self::*[@itemscope]"))
    item = {"@type": (element.attrib.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]}
    for prop in element.xpath(f".//*[@itemprop][count(ancestor::*[@itemscope]) = {level}]"):
        if "itemscope" in prop.attrib and depth < 10:
            value = microdata_item(prop, depth + 1)
        elif prop.root.tag == "meta":
            value = prop.attrib.get("content", "")
        elif prop.root.tag in ("a", "link", "area"):
            value = prop.attrib.get("href", "")
        elif prop.root.tag == "time":
            value = prop.attrib.get("datetime") or " ".join(prop.xpath("string()").get("").split())
        else:
            value = " ".join(prop.xpath("string()").get("").split())
        for name in prop.attrib["itemprop"].split():
            item.setdefault(name, value)
    return item


class BenchSpider(scrapy.Spider):
    """The equivalent spider: same seeds, same scope, same links, JobPosting items."""

    name = "socle-bench"
    # A fair, documented baseline: robots.txt obeyed like socle, no politeness delay (socle runs
    # with --no-politeness), no throttling, no cache, depth at most 25 like socle's crawler,
    # breadth-first order like socle's frontier. Concurrency comes from the command line (-s).
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DEPTH_LIMIT": 25,
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "DOWNLOAD_MAXSIZE": 2 * 1024 * 1024,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 2,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "socle-bench-scrapy (banc d'essai local)",
    }

    def __init__(self, sources=None, stats=None, **kwargs):
        super().__init__(**kwargs)
        if not sources:
            raise ValueError("argument manquant : -a sources=FICHIER.json (les sources de socle en JSON)")
        with open(sources, encoding="utf-8") as handle:
            self.sources = json.load(handle)["source"]
        self.stats_path = stats

    async def start(self):
        for index, source in enumerate(self.sources):
            for seed in source.get("seeds", []):
                kind = seed.get("type", "page")
                if kind in ("page", "sitemap", "feed"):
                    yield scrapy.Request(seed["url"], callback=self.parse, meta={"source": index, "kind": kind})

    def follow(self, response, url, kind):
        source = self.sources[response.meta["source"]]
        url = response.urljoin(url.strip())
        if in_scope(source, url):
            return response.follow(url, callback=self.parse, meta={"source": response.meta["source"], "kind": kind})
        return None

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        kind = response.meta.get("kind", "page")
        source = self.sources[response.meta["source"]]
        if kind == "sitemap":
            selector = response.selector
            selector.remove_namespaces()
            index = selector.xpath("name(/*)").get() == "sitemapindex"
            for loc in selector.xpath("//loc/text()").getall()[:50_000]:
                request = self.follow(response, loc, "sitemap" if index else "page")
                if request is not None:
                    yield request
            return
        if kind == "feed" and "xml" in response.headers.get("Content-Type", b"").decode("latin-1"):
            selector = response.selector
            selector.remove_namespaces()
            if not source.get("follow_links", True):
                return
            for link in selector.xpath("//item/link/text() | //entry/link/@href").getall():
                request = self.follow(response, link, "page")
                if request is not None:
                    yield request
            return
        yield from self.items(response)
        if not source.get("follow_links", True):
            return
        if "nofollow" in (response.xpath("//meta[@name='robots']/@content").get() or "").lower():
            return
        for anchor in response.xpath("//a[@href] | //area[@href]"):
            if "nofollow" in (anchor.attrib.get("rel") or "").lower().split():
                continue
            request = self.follow(response, anchor.attrib["href"], "page")
            if request is not None:
                yield request

    def items(self, response):
        for script in response.xpath("//script[@type='application/ld+json']/text()").getall():
            try:
                document = json.loads(script)
            except ValueError:
                continue
            for node in json_ld_objects(document):
                if "JobPosting" in types_of(node):
                    yield job_item(response.url, "json-ld", node)
        for element in response.xpath("//*[@itemscope][contains(@itemtype, 'JobPosting')]"):
            yield job_item(response.url, "microdata", microdata_item(element))

    def closed(self, reason):
        if self.stats_path:
            stats = {key: value for key, value in self.crawler.stats.get_stats().items()
                     if isinstance(value, (int, float, str))}
            stats["finish_reason"] = reason
            with open(self.stats_path, "w", encoding="utf-8") as handle:
                json.dump(stats, handle, default=str)
