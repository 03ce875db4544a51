"""The "documentation" family: the technical web of open-source projects, their docs and forums.

Owns its own site plan, dependency-graph link model, prose and HTML; shares only the WARC writer.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from html import escape
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from linkindex.urls import canonicalize
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, DomainTruth, FamilyWeb
from linkindex.validation.families.warc_out import Capture, write_warc

FAMILY = "documentation"
CRAWLS = (
    ("documentation-2026-01-20", datetime(2026, 1, 20, tzinfo=UTC)),
    ("documentation-2026-04-20", datetime(2026, 4, 20, tzinfo=UTC)),
)
_PARTS = 2  # WARC files per crawl, so ingest sees more than one input
_DOC_PAGES = 1000  # doc-site pages the crawls may capture: keeps a family under ~2,500 captures
_T = TypeVar("_T")

# --- deterministic draws ------------------------------------------------------------------------
# Every decision draws from a generator keyed by what it decides (site, page, release...), never
# from one shared sequence: leaving spam out cannot shift an organic choice, and a page's content
# does not depend on the order pages are rendered in.


def _digest(seed: int, key: tuple[object, ...]) -> bytes:
    text = "\x1f".join(str(k) for k in (seed, *key))
    return hashlib.blake2b(text.encode(), digest_size=16, person=b"docs-family").digest()


def _rng(seed: int, *key: object) -> random.Random:
    return random.Random(int.from_bytes(_digest(seed, key), "big"))


def _unit(seed: int, *key: object) -> float:
    return int.from_bytes(_digest(seed, key)[:7], "big") / 2**56


def _wsample(rng: random.Random, items: Sequence[_T], weights: Sequence[float], k: int) -> list[_T]:
    """k distinct items, drawn with chances in proportion to their weights (Efraimidis-Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _, i in keyed[:k]]


def _wpick(rng: random.Random, items: Sequence[_T], weights: Sequence[float]) -> _T:
    return rng.choices(items, weights=weights)[0]


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


# --- word lists -------------------------------------------------------------------------------

_NOUNS = (
    "anvil", "aster", "basalt", "beacon", "bramble", "cinder", "cobalt", "comet", "cormorant",
    "dynamo", "ember", "falcon", "fjord", "gannet", "garnet", "glacier", "harbor", "heron",
    "juniper", "kestrel", "kiln", "lantern", "lattice", "loom", "lumen", "magpie", "marble",
    "mesa", "nimbus", "nectar", "obsidian", "orbit", "otter", "parsec", "pebble", "petrel",
    "prism", "pylon", "quartz", "quasar", "quill", "rivet", "rook", "saffron", "sparrow",
    "sprocket", "tern", "thimble", "tundra", "umber", "vortex", "willow", "yarrow", "zinc",
)  # fmt: skip
_TECH = (
    "async", "auth", "cache", "cli", "config", "crypt", "csv", "diff", "graph", "grpc", "http",
    "i18n", "image", "json", "lint", "log", "mail", "markdown", "orm", "parse", "plot", "queue",
    "regex", "rpc", "schema", "sql", "stats", "stream", "task", "template", "test", "time",
    "toml", "vec", "xml", "yaml", "zip", "ws", "dns", "geo",
)  # fmt: skip
_SUBMODULES = (
    "core", "io", "utils", "config", "client", "server", "models", "types", "errors", "parser",
    "cli", "testing", "compat", "plugins", "cache", "auth", "schema", "stream", "sync", "tasks",
    "backends", "encoding", "events", "fields", "filters", "hooks", "middleware", "registry",
    "runtime", "serializers", "signals", "storage", "transport", "validators", "workers",
)  # fmt: skip
_LANG_MODULES = (
    "stdtypes", "functions", "constants", "typing", "collections", "pathlib", "asyncio", "json",
    "re", "os", "datetime", "itertools", "logging", "unittest", "sqlite3", "socket", "threading",
    "subprocess", "dataclasses", "contextlib", "functools", "argparse", "hashlib", "zipfile",
)  # fmt: skip
_TOPICS = (
    "first-steps", "configuration", "deployment", "testing", "async-usage", "extending",
    "performance", "migrating", "logging", "security", "caching", "custom-backends",
    "command-line", "packaging", "internationalization", "error-handling", "streaming",
    "authentication", "plugins", "debugging", "concurrency", "serialization", "profiling",
)  # fmt: skip
_HOWTO = (
    "sorting", "unicode", "regex", "logging-cookbook", "descriptors", "ipaddress", "curses",
    "sockets", "functional", "argparse", "annotations", "isolating-extensions", "perf-profiling",
    "timeouts", "retries", "pagination", "file-uploads", "signals", "cancellation", "shutdown",
)  # fmt: skip
_VERB_STEMS = (
    "load", "parse", "dump", "open", "fetch", "build", "render", "validate", "register",
    "resolve", "flush", "connect", "encode", "decode", "iter", "merge", "split", "watch",
)  # fmt: skip
_FUNC_NOUNS = (
    "config", "stream", "record", "schema", "buffer", "session", "node", "token", "chunk",
    "table", "path", "event", "frame", "key", "entry", "batch", "header", "plugin",
)  # fmt: skip
_CLASSES = (
    "Client", "Session", "Parser", "Registry", "Pool", "Reader", "Writer", "Encoder", "Schema",
    "Graph", "Router", "Loader", "Worker", "Frame", "Index", "Context", "Backend", "Config",
)  # fmt: skip
_PARAMS = (
    "timeout", "encoding", "strict", "max_size", "retries", "follow", "lazy", "workers",
    "chunk_size", "verify", "default", "callback", "path", "mode", "loop",
)  # fmt: skip
_VALUES = ("None", "True", "False", "30", "'utf-8'", "1024", "4", "0.5", "'auto'")
_TYPES = (
    ("str", "stdtypes"), ("int", "functions"), ("bool", "functions"), ("bytes", "stdtypes"),
    ("dict", "stdtypes"), ("list", "stdtypes"), ("Path", "pathlib"), ("Iterable", "typing"),
    ("Callable", "typing"), ("datetime", "datetime"), ("None", "constants"),
    ("float", "functions"), ("Mapping", "collections"), ("Optional", "typing"),
)  # fmt: skip
_VERBS = (
    "parses", "validates", "caches", "streams", "serializes", "schedules", "renders",
    "resolves", "indexes", "compresses", "retries", "batches", "signs", "normalizes",
)  # fmt: skip
_OBJECTS = (
    "configuration files", "HTTP responses", "database rows", "event streams", "large CSV files",
    "nested JSON documents", "background jobs", "TLS certificates", "time zones", "Unicode text",
    "binary blobs", "log records", "query plans", "websocket messages", "YAML manifests",
    "image thumbnails", "dependency graphs", "form submissions", "cron schedules",
)  # fmt: skip
_QUALS = (
    "in constant memory", "lazily", "on every request", "across processes",
    "without blocking the event loop", "with sensible defaults", "in a background thread",
    "at import time", "behind a feature flag", "one chunk at a time", "in a single pass",
)  # fmt: skip
_PAINS = (
    "global state", "boilerplate", "a running server", "extra dependencies", "copying data",
    "monkey-patching", "a compiler toolchain", "a custom event loop",
)  # fmt: skip
_CONDS = (
    "the connection pool is shared", "a callback raises", "the input is not UTF-8",
    "two workers write the same key", "the clock jumps backwards", "the cache is cold",
    "the file is larger than memory", "the server closes the connection early",
)  # fmt: skip
_SENTENCES = (
    "{Name} {verb} {obj} {qual}.",
    "The {mod} module {verb} {obj} and hands back a plain {cls} object.",
    "If you need {obj} handled {qual}, pass {param}={val} to {func}().",
    "Since version {ver}, {Name} {verb} {obj} without {pain}.",
    "Most projects never call {func}() directly; the defaults are tuned for {obj}.",
    "Note that {func}() is not thread-safe when {cond}.",
    "A common mistake is to create a new {cls} for every request instead of reusing one.",
    "Internally, {cls} keeps a small buffer so that it {verb} {obj} {qual}.",
    "The example below {verb} {obj} and prints what it found.",
    "Errors are raised as {cls}Error, which carries the offending {param}.",
    "When {cond}, {Name} falls back to the slower pure-{lang} path.",
    "Benchmarks on a laptop show {func}() handling {num} items per second.",
    "You can combine {func}() with {func2}() to keep {obj} consistent.",
    "The {param} argument defaults to {val}, which suits most {obj}.",
    "Older releases needed {pain}; that is no longer the case.",
    "We recommend pinning {Name} to {ver} until the deprecation of {func}() is complete.",
    "Each {cls} owns its resources, so close it or use it as a context manager.",
)
_LANG_NAMES = {"py": "Pylang", "js": "JS", "rs": "Rust"}
_FIRST = (
    "anna", "bruno", "chidi", "dana", "elif", "farid", "greta", "hiro", "ines", "jonas", "kofi",
    "lena", "mateo", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tomasz", "uma",
    "vera", "wei", "ximena", "yusuf", "zofia", "arjun", "beatriz", "colm", "dmitri",
)  # fmt: skip
_LAST = (
    "kowalski", "okafor", "lindqvist", "tanaka", "moreau", "haddad", "novak", "schmidt",
    "ferreira", "nguyen", "oduya", "petrov", "rossi", "silva", "takahashi", "varga", "weber",
    "yilmaz", "zhang", "abara", "brennan", "castillo", "dubois", "eriksen",
)  # fmt: skip

# Infrastructure every project links to; most is never crawled (coverage 0).
_CODE_HOSTS = (
    ("gitnest.com", "GitNest", 70),
    ("forgeyard.org", "ForgeYard", 20),
    ("srchut.net", "SrcHut", 10),
)
_PKG_INDEX = {
    "py": ("pkgindex.org", "PkgIndex", "https://pkgindex.org/project/{name}/"),
    "js": ("modshelf.dev", "ModShelf", "https://modshelf.dev/package/{name}"),
    "rs": ("cratebay.io", "CrateBay", "https://cratebay.io/crates/{name}"),
}
_CHATS = (
    ("chatlane.io", "https://chatlane.io/invite/{name}"),
    ("ircweb-net.org", "https://ircweb-net.org/?channels={name}"),
)
_CI = ("ci-runner.io", "covertrack.io")
_DOCS_HOST = "readthedocs.org"
_SOCIAL = "linkedin.com"
_FOUNDATIONS = (
    "opensource-foundation.org",
    "softwarecommons.org",
    "pylang-foundation.org",
    "osi-licenses.org",
)
_LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "MPL-2.0", "LGPL-3.0")
_STANDARDS = {
    "w3consortium.org": tuple(
        (f"https://www.w3consortium.org/TR/{s}/", n)
        for s, n in (("html52", "HTML 5.2"), ("css-grid-1", "CSS Grid Layout"),
                     ("webauthn-2", "Web Authentication"), ("json-ld11", "JSON-LD 1.1"),
                     ("xmlschema11-1", "XML Schema 1.1"), ("wcag22", "WCAG 2.2"),
                     ("fetch-3", "Fetch"), ("websockets-1", "WebSockets API"))
    ),
    "internet-rfc.org": tuple(
        (f"https://www.internet-rfc.org/rfc/rfc{n}.html", f"RFC {n}")
        for n in (3339, 3986, 5322, 6455, 7519, 8259, 9110, 9112, 8446, 4180, 1951, 7946)
    ),
    "unicode-consortium.org": tuple(
        (f"https://www.unicode-consortium.org/reports/tr{n}/", f"UAX #{n}")
        for n in (9, 15, 29, 31, 35, 44)
    ),
}  # fmt: skip
_UNIVERSITIES = ("northfield.edu", "lakemont.edu", "tu-varrow.de", "kestrel-university.ac.uk")
_QA = (("stackanswers.com", "StackAnswers"), ("devqa.net", "DevQA"))
# Forums: how each marks a user's link (a phpBB-era board leaves signatures followed).
_FORUMS = (
    ("discuss-dev.org", "DiscussDev", "ugc", "https"),
    ("codersboard.net", "CodersBoard", "nofollow", "http"),
)
_LISTS = (("listarchive.org", "https"), ("mail-archive-devel.net", "http"))
_WIKIS = (("techwiki.org", "/wiki/"), ("devopedia-wiki.net", "/w/"))
_MIRROR = "docmirror-archive.net"

# Clients: sites spam pushes. Their money anchors are what a buyer pays to rank for.
_CLIENTS = (
    ("tunnelshield-vpn.com", "vpn_affiliate", "TunnelShield VPN",
     ("best vpn for developers", "cheap vpn deal", "secure vpn 70% off")),
    ("essaywritingpros.net", "essay_mill", "EssayWritingPros",
     ("write my essay", "cheap essay writing service", "pay someone to do my homework")),
    ("luckysats-casino.io", "crypto_casino", "LuckySats Casino",
     ("crypto casino bonus", "best bitcoin casino", "online casino no deposit")),
    ("codecamp-fasttrack.com", "bootcamp", "CodeCamp FastTrack",
     ("learn to code in 12 weeks", "best coding bootcamp", "job guarantee bootcamp")),
    ("vpsdeals-hosting.net", "hosting_reseller", "VPSDeals",
     ("cheap vps hosting", "best web hosting deals", "unlimited hosting 1$")),
)  # fmt: skip
_FARMS = (
    "codeacademyhub.com", "devtutorialspoint.net", "learnpythonpro.com", "codingguidehub.com",
    "techstackacademy.com", "programmingcorner.net", "softwaretutorhub.com", "devskillsdaily.com",
    "bytesizedlessons.com", "stackmastery.io", "quickcodeguides.com", "fullstacklessons.net",
    "codermentorzone.com", "pythonistaguides.com",
)  # fmt: skip
_HUBS = ("top100devresources.com", "best-dev-resources-list.com", "ultimate-coding-links.com")
_SATELLITES = (
    "best-coding-tools-2026.net", "dev-tools-review.xyz", "top-programming-sites.info",
    "coding-resources-daily.top", "free-dev-links.online", "programmer-bookmarks.site",
    "learn-code-links.club", "devlinks-directory.biz", "software-list-pro.xyz",
    "webdev-picks.icu", "tech-resource-radar.live", "coders-top-picks.work",
)  # fmt: skip
_SPAMMERS = (
    ("cheap-meds-online-rx.xyz", "Cheap Viagra & Cialis Online Pharmacy",
     ("buy cialis online", "cheap viagra", "online pharmacy no prescription")),
    ("casino-bonus-slots.club", "Best Online Casino Slots and Poker 2026",
     ("best online casino", "free slots bonus", "poker betting tips")),
    ("quick-payday-loans-now.top", "Payday Loans Approved in Minutes",
     ("payday loans online", "fast cash loans", "bad credit loans")),
    ("seo-backlinks-fast.info", "Buy High DA Backlinks",
     ("buy backlinks", "seo services", "high da links")),
    ("replica-watches-deal.shop", "Replica Watches Outlet",
     ("replica watches", "luxury replica deals", "cheap watches")),
    ("free-followers-gen.site", "Free Followers Generator",
     ("free followers", "get followers fast", "click here")),
    ("rx-pills-discount.online", "Discount Pills Pharmacy",
     ("discount pills", "pharmacy deals", "cheap pills online")),
    ("betting-tips-pro.win", "Sports Betting Tips and Casino Roulette",
     ("betting tips", "roulette strategy", "casino roulette")),
)  # fmt: skip
_SPIN = {
    "parses": "analyzes", "validates": "checks", "caches": "stores", "streams": "flows",
    "module": "component", "function": "routine", "returns": "gives back", "large": "huge",
    "memory": "RAM", "version": "release", "library": "package", "users": "people",
    "projects": "applications", "common": "frequent", "mistake": "blunder", "small": "tiny",
    "example": "sample", "recommend": "suggest", "errors": "faults", "defaults": "presets",
    "handled": "managed", "request": "query", "complete": "finished", "path": "route",
    "prints": "outputs", "found": "discovered", "consistent": "uniform", "create": "make",
}  # fmt: skip


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """One captured URL and what its renderer needs to draw it."""

    url: str
    root: str
    kind: str  # renderer name (see _RENDERERS)
    arg: tuple[str | int | bool, ...] = ()
    seeded: bool = False  # a page the crawler starts from: captured in both crawls
    counted: bool = True  # counts toward coverage (a redirect does not)


@dataclass
class _Project:
    """An open-source project: where its docs live and what it depends on."""

    name: str
    eco: str
    authority: float
    layer: int
    hosting: str  # "own" (docs.X.org), "rtd" (X.readthedocs.io), "pages" (u.github.io/X), "legacy"
    size: str  # "big", "medium", "small" (crawled) or "none" (only linked)
    root: str = ""
    base: str = ""  # scheme://host[/prefix] the docs live under
    codehost: str = "gitnest.com"
    org: str = ""
    versions: list[str] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    releases: list[str] = field(default_factory=list)
    new_releases: int = 0  # releases the second crawl sees that the first did not
    contributors: list[str] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)
    dependents: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    chat: str = ""
    mlist: str = ""  # mailing-list archive URL
    foundation: str = ""
    license: str = "MIT"
    university: str = ""
    sister_of: str = ""

    @property
    def ident(self) -> str:
        return self.name.replace("-", "_")

    def url(self, slug: str = "index", version: str | None = None) -> str:
        ver = version or self.versions[0]
        if self.hosting == "rtd":
            prefix = f"/en/{ver}/"
        elif self.hosting == "own":
            prefix = f"/{ver}/"
        else:
            prefix = "/"
        return self.base + prefix + ("" if slug == "index" else slug + ".html")

    @property
    def repo(self) -> str:
        return f"https://{self.codehost}/{self.org}/{self.name}"

    @property
    def pkg(self) -> str:
        return _PKG_INDEX[self.eco][2].format(name=self.name)


@dataclass
class _Site:
    """One registered domain: its truth and the pages the crawl captured."""

    root: str
    kind: str
    shape: str
    authority: float
    name: str
    base: str = ""
    nominal: int = 0  # pages it has (0: never crawled)
    pages: list[_Page] = field(default_factory=list)
    project: _Project | None = None
    rel: str = ""  # how the site marks its users' links
    layout: str = ""  # a blog's URL layout: "dated" (/2026/03/slug/) or "posts" (/posts/slug/)
    links_to: list[str] = field(default_factory=list)  # blogroll, members, pushed clients...
    ids: list[int] = field(default_factory=list)  # question, thread or message numbers

    def truth(self) -> DomainTruth:
        counted = sum(1 for p in self.pages if p.counted)
        coverage = round(min(1.0, counted / self.nominal), 4) if self.nominal else 0.0
        return DomainTruth(self.kind, self.shape, round(self.authority, 2), coverage)


# A block a page carries in addition to its own content (a client mention, a spam answer).
_Block = Callable[["_Doc"], None]


class _Web:
    """The plan: every site by root, the projects, and the blocks added to organic pages."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.sites: dict[str, _Site] = {}
        self.projects: dict[str, _Project] = {}
        self.langs: dict[str, _Project] = {}
        self.docgens: list[_Project] = []
        self.ssgs: list[_Project] = []
        self.blogs: list[_Site] = []
        self.mentions: dict[str, list[_Block]] = {}  # organic: client mentions on organic pages
        self.injected: dict[str, list[_Block]] = {}  # spam: answers and posts on organic pages
        self.sponsor: dict[str, _Block] = {}  # spam: a paid-link block sitewide on a blog
        self._pweights: tuple[list[_Project], list[float]] | None = None

    def add(self, site: _Site) -> _Site:
        if site.root in self.sites:
            raise ValueError(f"root {site.root} planned twice")
        self.sites[site.root] = site
        return site

    def weighted_projects(self) -> tuple[list[_Project], list[float]]:
        """Projects and the weight with which others cite them: their authority, sharpened."""
        if self._pweights is None:
            items = list(self.projects.values())
            self._pweights = (items, [p.authority**1.5 for p in items])
        return self._pweights

    def cite(self, rng: random.Random) -> _Project:
        items, weights = self.weighted_projects()
        return _wpick(rng, items, weights)

    def crawled(self, kind: str) -> list[_Page]:
        return [p for s in self.sites.values() for p in s.pages if p.kind == kind]


def _take(rng: random.Random, used: set[str], make: Callable[[random.Random], str]) -> str:
    """A fresh name from ``make``: a clash gets a digit, as a real registrant would."""
    name = make(rng)
    while name in used:
        name = f"{name}{rng.randint(2, 9)}"
    used.add(name)
    return name


def _handle(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return rng.choice(
        (f"{first}{last}", f"{first[0]}{last}", f"{first}-{last}", f"{last}{first[0]}")
    )


# --- organic planning ----------------------------------------------------------------------


def _plan_infrastructure(web: _Web) -> None:
    rng = _rng(web.seed, "organic", "infrastructure")
    for root, name, _ in _CODE_HOSTS:
        web.add(_Site(root, ORGANIC, "code_host", rng.uniform(94, 97), name))
    for root, name, _ in _PKG_INDEX.values():
        web.add(_Site(root, ORGANIC, "package_index", rng.uniform(86, 93), name))
    for root, _ in _CHATS:
        web.add(_Site(root, ORGANIC, "chat", rng.uniform(70, 80), root))
    for root in _CI:
        web.add(_Site(root, ORGANIC, "ci_service", rng.uniform(60, 70), root))
    web.add(_Site(_DOCS_HOST, ORGANIC, "docs_host", rng.uniform(85, 90), "Read the Docs"))
    web.add(_Site(_SOCIAL, ORGANIC, "social", 97.0, "LinkedIn"))
    for root in _FOUNDATIONS:
        web.add(_Site(root, ORGANIC, "foundation", rng.uniform(65, 85), root))
    for root in _STANDARDS:
        web.add(_Site(root, ORGANIC, "standards", rng.uniform(80, 92), root))


def _project_name(rng: random.Random, eco: str) -> str:
    n, t = rng.choice(_NOUNS), rng.choice(_TECH)
    if eco == "js":
        forms = (n, f"{n}js", f"node-{t}", f"{t}-{n}", f"{t}ify")
    elif eco == "rs":
        forms = (n, f"{t}-rs", f"rust-{n}", f"{n}-{t}", f"lib{t}")
    else:
        forms = (
            n,
            f"py{t}",
            f"lib{t}",
            f"{t}kit",
            f"{t}-{n}",
            f"{n}-{t}",
            f"py{rng.randint(2, 3)}-utils",
            f"lib{n}-{rng.randint(2, 4)}",
            f"{n}{rng.randint(2, 9)}",
            f"py{rng.randint(2, 3)}-{t}",
        )
    return rng.choice(forms)


def _releases(rng: random.Random, count: int) -> list[str]:
    """Release numbers, newest first, walking back through patch, minor and major versions."""
    major, minor, patch = rng.randint(0, 4), rng.randint(1, 20), rng.randint(0, 6)
    out = []
    for _ in range(count):
        out.append(f"{major}.{minor}.{patch}")
        patch -= 1
        if patch < 0:
            minor, patch = minor - 1, rng.randint(0, 5)
            if minor < 0:
                major, minor = max(0, major - 1), rng.randint(5, 14)
    return out


def _place_project(web: _Web, p: _Project, rng: random.Random, used_roots: set[str]) -> None:
    """Where a project's docs live: its own domain, a public-suffix host, or an old http site."""
    long = rng.random() < 0.1
    if p.hosting == "own":
        tld = rng.choice(("org", "org", "dev", "io", "net"))
        stem = f"{p.name}-{rng.choice(_TECH)}-toolkit-for-developers" if long else p.name
        root = _take(rng, used_roots, lambda _r: f"{stem}.{tld}")
        p.root, p.base = root, f"https://docs.{root}"
    elif p.hosting == "rtd":
        stem = f"{p.name}-bindings-and-extensions" if long else p.name
        root = _take(rng, used_roots, lambda _r: f"{stem}.readthedocs.io")
        p.root, p.base = root, f"https://{root}"
    elif p.hosting == "pages":
        root = _take(rng, used_roots, lambda r: f"{_handle(r)}.github.io")
        p.org = root.split(".")[0]
        p.root, p.base = root, f"https://{root}/{p.name}"
    else:
        root = _take(rng, used_roots, lambda r: f"{p.name}{r.choice(('-lib', '-tools', ''))}.net")
        p.root, p.base = root, f"http://www.{root}/docs"


def _shape_docs(p: _Project, rng: random.Random) -> None:
    """Versions, pages and releases; a big site's page count is set by its planned coverage."""
    major = rng.randint(1, 4)
    if p.hosting in ("pages", "legacy"):
        p.versions = ["latest"]
    elif p.size == "big":
        p.versions = ["latest"] + [f"{major}.{m}" for m in range(rng.randint(3, 7), 0, -1)]
    elif p.size == "medium":
        extra = [f"{major}.{m}" for m in range(rng.randint(1, 3), 0, -1)]
        p.versions = (["latest", "stable"] if p.hosting == "rtd" else ["latest"]) + extra
    else:
        p.versions = (
            ["latest", "stable"] if p.hosting == "rtd" and rng.random() < 0.4 else ["latest"]
        )
    if p.layer == 0:
        p.modules = list(_LANG_MODULES)
    else:
        p.modules = rng.sample(_SUBMODULES, {"big": 24, "medium": 14}.get(p.size, 6))
    n_api, n_tut = {"big": (24, 12), "medium": (rng.randint(8, 14), rng.randint(3, 8))}.get(
        p.size, (rng.randint(2, 4), rng.randint(1, 3))
    )
    base = ["index", "install", "quickstart", "changelog"]
    base += [s for s in ("faq", "contributing", "glossary") if rng.random() < 0.6]
    slugs = base + [f"tutorial/{t}" for t in rng.sample(_TOPICS, n_tut)]
    slugs += [f"api/{m}" for m in p.modules[:n_api]]
    if p.size == "big":
        slugs += [f"howto/{h}" for h in rng.sample(_HOWTO, rng.randint(8, 16))]
    p.slugs = slugs
    count = {"big": rng.randint(22, 40), "medium": rng.randint(12, 25)}.get(p.size, 0)
    p.releases = _releases(rng, count or rng.randint(6, 14))
    p.new_releases = rng.choice((0, 1, 1, 2))
    p.contributors = sorted({_handle(rng) for _ in range(rng.randint(4, 20))})


def _plan_projects(web: _Web) -> None:
    rng = _rng(web.seed, "organic", "projects")
    used_names: set[str] = set()
    used_roots: set[str] = set()
    # The languages: every project of an ecosystem depends on its language's docs.
    langs = (
        ("pylang", "py", "pylang.org", "big"),
        ("jsruntime", "js", "jsruntime.dev", "none"),
        ("rustacean", "rs", "rustacean-lang.org", "none"),
    )
    for name, eco, root, size in langs:
        p = _Project(name, eco, rng.uniform(86, 93), 0, "own", size, root, f"https://docs.{root}")
        p.org = name
        used_names.add(name)
        used_roots.add(root)
        web.langs[eco] = p
    others: list[_Project] = []
    for _ in range(rng.randint(58, 68)):
        eco = rng.choices(("py", "js", "rs"), weights=(60, 25, 15))[0]
        name = _take(rng, used_names, partial(_project_name, eco=eco))
        # Popularity is heavy-tailed: a few libraries everyone uses, many used by a handful.
        others.append(_Project(name, eco, 2 + 63 * rng.random() ** 3, 3, "", "none"))
    others.sort(key=lambda p: -p.authority)
    for rank, p in enumerate(others):
        p.layer = 1 if rank < 14 else 2 if rank < 36 else 3
        if rng.random() < 0.15:
            p.layer = min(3, max(1, p.layer + rng.choice((-1, 1))))
        if rank < 3:
            p.size, p.hosting = "big", "own"
            p.authority = max(p.authority, rng.uniform(55, 72))
        else:
            p.hosting = rng.choices(("own", "rtd", "pages", "legacy"), weights=(35, 40, 15, 10))[0]
            if rng.random() < 0.3:
                p.size = "none"
            elif p.authority > 25 or rng.random() < 0.2:
                p.size = "medium"
            else:
                p.size = "small"
    for p in [*web.langs.values(), *others]:
        if not p.root:
            _place_project(web, p, rng, used_roots)
        if not p.org:
            p.org = rng.choice((p.name, f"{p.name}-dev", f"{p.name}-org", _handle(rng)))
        p.codehost = _wpick(rng, [c[0] for c in _CODE_HOSTS], [c[2] for c in _CODE_HOSTS])
        _shape_docs(p, rng)
        p.license = rng.choice(_LICENSES)
        if rng.random() < 0.6:
            _, chat_url = rng.choice(_CHATS)
            p.chat = chat_url.format(name=p.name)
        if rng.random() < 0.3:
            archive, scheme = rng.choice(_LISTS)
            p.mlist = f"{scheme}://{archive}/{p.name}-users/"
        if rng.random() < 0.3 or p.layer == 0:
            p.foundation = rng.choice(_FOUNDATIONS[:3])
        if rng.random() < 0.15:
            p.university = rng.choice(_UNIVERSITIES)
        web.projects[p.name] = p
    # Sister projects: a contrib package whose docs carry a sitewide link to the main one.
    mains = [p for p in others if p.size in ("medium", "big") and p.hosting != "legacy"]
    for main in rng.sample(mains, min(len(mains), rng.randint(2, 3))):
        suffix = rng.choice(("contrib", "extras", "stubs", "plugins"))
        sis = _Project(f"{main.name}-{suffix}", main.eco, main.authority * 0.3, 3, "rtd", "medium")
        if sis.name in used_names:
            continue
        used_names.add(sis.name)
        sis.sister_of = main.name
        _place_project(web, sis, rng, used_roots)
        sis.org = main.org
        sis.codehost = main.codehost
        _shape_docs(sis, rng)
        sis.chat = main.chat
        web.projects[sis.name] = sis
    # The docs generator every doc site credits in its footer; the static-site generators blogs
    # credit in theirs.
    py_tools = [p for p in others if p.eco == "py" and p.size not in ("big",)]
    web.docgens = py_tools[:2]
    web.ssgs = [p for p in others if p.size != "big" and p not in web.docgens][:2]
    _plan_dependencies(web)
    # The crawl's budget for doc pages: big sites and sisters first, then the others in a
    # random order; once it is spent, the rest were never crawled (they stay linked).
    order = list(web.projects.values())
    rng.shuffle(order)
    order.sort(key=lambda p: not (p.size == "big" or p.sister_of))
    spent = 0
    for p in order:
        if spent >= _DOC_PAGES and p.size in ("small", "medium") and not p.sister_of:
            p.size = "none"
        spent += _add_project_site(web, p)


def _plan_dependencies(web: _Web) -> None:
    """A layered graph: a project depends on lower layers, picking by authority (not by links)."""
    rng = _rng(web.seed, "organic", "dependencies")
    projects = list(web.projects.values())
    for p in projects:
        if p.layer == 0:
            continue
        deps = [web.langs[p.eco].name]
        if p.sister_of:
            deps.append(p.sister_of)
        lower = [q for q in projects if 0 < q.layer < p.layer and q.name not in deps]
        weights = [q.authority * (1.0 if q.eco == p.eco else 0.15) for q in lower]
        lo, hi = {1: (0, 2), 2: (1, 4), 3: (2, 6)}[p.layer]
        deps += [q.name for q in _wsample(rng, lower, weights, rng.randint(lo, hi))]
        p.deps = deps
        for d in deps:
            web.projects[d].dependents.append(p.name)
        if p.size in ("big", "medium") and p.authority > 18:
            n = min(40, int(p.authority / 2 * rng.uniform(0.4, 1.2)))
            p.plugins = sorted({f"{p.name}-{rng.choice(_TECH)}" for _ in range(n)})


def _add_project_site(web: _Web, p: _Project) -> int:
    """A project's site and its captured pages (returns how many)."""
    site = _Site(p.root, ORGANIC, "docs_big" if p.size == "big" else "docs", p.authority, p.name)
    site.project, site.base = p, p.base
    web.add(site)
    if p.size == "none":
        return 0
    rng = _rng(web.seed, "capture", p.root)
    every = [(slug, v) for v in p.versions for slug in p.slugs]
    first = [("index", p.versions[0]), ("changelog", p.versions[0])]
    if p.size == "small":
        chosen = every
    elif p.size == "medium":
        share = rng.uniform(0.2, 0.6)
        rest = [x for x in every if x not in first]
        chosen = first + rng.sample(
            rest, min(len(rest), max(8, min(20, round(len(every) * share))))
        )
    else:
        # A big site: its page count follows from the pages captured and the planned share.
        share, k = rng.uniform(0.05, 0.2), rng.randint(35, 65)
        wanted = max(len(p.slugs), round(k / share / len(p.versions)))
        for i in range(wanted - len(p.slugs)):
            mod = p.modules[i % len(p.modules)]
            p.slugs.append(f"api/{mod}/{_CLASSES[(i // len(p.modules)) % len(_CLASSES)].lower()}")
        every = [(slug, v) for v in p.versions for slug in p.slugs]
        rest = [x for x in every if x not in first]
        chosen = first + rng.sample(rest, k - len(first))
    site.nominal = len(every)
    for slug, ver in chosen:
        seeded = slug == "index" and ver == p.versions[0]
        site.pages.append(_Page(p.url(slug, ver), p.root, "docs", (slug, ver), seeded))
    if p.hosting == "rtd":
        # Read the Docs answers a project's bare host with a redirect to its default version.
        site.pages.append(
            _Page(f"{p.base}/", p.root, "redirect", (p.url(),), seeded=True, counted=False)
        )
    if p.hosting == "own":
        site.nominal += 1
        site.pages.append(_Page(f"https://{p.root}/", p.root, "project_home", (), seeded=True))
    return len(site.pages)


def _plan_blogs(web: _Web) -> None:
    rng = _rng(web.seed, "organic", "blogs")
    used: set[str] = set(web.sites)
    for _ in range(rng.randint(28, 36)):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        form = rng.choices(range(8), weights=(14, 10, 8, 8, 5, 4, 3, 3))[0]
        scheme, host_prefix = "https", ""
        if form == 0:
            root = f"{first}{last}.dev"
        elif form == 1:
            root = f"{first}-{last}.net"
        elif form == 2:
            root = f"{first[0]}{last}.github.io"
        elif form == 3:
            root, host_prefix = f"{first}{last}.com", "blog."
        elif form == 4:
            root = f"{first}{last}.me.uk"
        elif form == 5:
            root = f"devnotes-{rng.randint(10, 99)}.com"
        elif form == 6:
            topic = rng.choice(("distributed-systems", "compilers", "databases", "type-systems"))
            root = f"notes-on-{topic}-and-other-things-by-{first}.com"
        else:
            root, scheme, host_prefix = (
                f"{last}-hacks-{rng.randint(1995, 2009)}.org",
                "http",
                "www.",
            )
        while root in used:
            root = root.replace(".", f"{rng.randint(2, 9)}.", 1)
        used.add(root)
        name = f"{first.title()} {last.title()}"
        site = _Site(root, ORGANIC, "blog", 2 + 38 * rng.random() ** 2, name)
        site.base = f"{scheme}://{host_prefix}{root}"
        site.layout = "dated" if rng.random() < 0.5 else "posts"
        posts = rng.randint(4, 40)
        site.ids = list(range(posts))
        web.blogs.append(web.add(site))
    for site in web.blogs:
        brng = _rng(web.seed, "capture", site.root)
        others = [b for b in web.blogs if b is not site]
        k = brng.randint(2, 6)
        site.links_to = [b.root for b in _wsample(brng, others, [b.authority for b in others], k)]
        n = len(site.ids)
        taken = site.ids if n <= 6 else sorted(brng.sample(site.ids, min(8, max(3, n // 4))))
        site.nominal = n + 2
        site.pages.append(_Page(site.base + "/", site.root, "blog_index", (), seeded=True))
        site.pages.append(_Page(site.base + "/about/", site.root, "blog_about"))
        for i in taken:
            site.pages.append(_Page(_post_url(web, site, i), site.root, "blog_post", (i,)))


@lru_cache(maxsize=4096)
def _post_spec(seed: int, root: str, idx: int) -> tuple[str, str, int, int]:
    """A post's title, slug, year and month (fixed by the blog and post number alone)."""
    rng = _rng(seed, "post", root, idx)
    stem, noun = rng.choice(_VERB_STEMS), rng.choice(_OBJECTS)
    ing = (stem[:-1] if stem.endswith("e") else stem) + "ing"
    title = rng.choice(
        (
            f"Notes on {ing} {noun}",
            f"Why I stopped worrying about {noun}",
            f"A faster way to {stem} {noun}",
            f"What I learned {ing} {noun} at scale",
            f"TIL: {stem} {noun} {rng.choice(_QUALS)}",
            f"Debugging {noun}: a war story",
        )
    )
    year = 2026 - min(8, idx // 5)
    return title, _slugify(title), year, 1 + (idx * 7) % 12


def _post_url(web: _Web, blog: _Site, idx: int) -> str:
    _, slug, year, month = _post_spec(web.seed, blog.root, idx)
    if blog.base.startswith("http:"):
        return f"{blog.base}/archives/{idx + 100}.html"
    if blog.layout == "dated":
        return f"{blog.base}/{year}/{month:02d}/{slug}/"
    return f"{blog.base}/posts/{slug}/"


def _sample_ids(rng: random.Random, nominal: int, k: int, lo: int, hi: int) -> list[int]:
    """k of a site's nominal page numbers (questions, threads, messages), sorted."""
    space = sorted(rng.sample(range(lo, hi), nominal))
    return sorted(rng.sample(space, k))


def _plan_community(web: _Web) -> None:
    seed = web.seed
    rng = _rng(seed, "organic", "community")
    for root, name in _QA:
        site = web.add(_Site(root, ORGANIC, "qa", rng.uniform(82, 90), name))
        site.base, site.rel = f"https://{root}", "nofollow ugc"
        site.nominal = rng.randint(1500, 4000)
        k = rng.randint(35, 50) if root == _QA[0][0] else rng.randint(20, 30)
        site.ids = _sample_ids(_rng(seed, "capture", root), site.nominal, k, 10**6, 9 * 10**6)
        site.pages.append(_Page(site.base + "/", root, "qa_home", (), seeded=True))
        site.pages += [_Page(_question_url(web, site, q), root, "question", (q,)) for q in site.ids]
    for root, name, rel, scheme in _FORUMS:
        site = web.add(_Site(root, ORGANIC, "forum", rng.uniform(50, 65), name, rel=rel))
        site.base = f"{scheme}://{'www.' if scheme == 'http' else ''}{root}"
        site.nominal = rng.randint(600, 1500)
        site.ids = _sample_ids(
            _rng(seed, "capture", root), site.nominal, rng.randint(25, 38), 1000, 90000
        )
        site.pages.append(_Page(site.base + "/", root, "forum_home", (), seeded=True))
        site.pages += [_Page(_thread_url(web, site, t), root, "thread", (t,)) for t in site.ids]
    for root, scheme in _LISTS:
        site = web.add(_Site(root, ORGANIC, "mailing_list", rng.uniform(45, 60), root))
        site.base = f"{scheme}://{root}"
        lists = [f"{p.name}-users" for p in web.projects.values() if root in p.mlist]
        lists += ["announce", "devel-general"]
        site.links_to = lists
        # Thousands of thin messages of which the crawl saw about one in twenty.
        site.nominal = rng.randint(1500, 2400)
        crng = _rng(seed, "capture", root)
        site.ids = _sample_ids(
            crng, site.nominal, round(site.nominal * crng.uniform(0.04, 0.05)), 1, 60000
        )
        for name in lists[:6]:
            site.pages.append(_Page(f"{site.base}/{name}/", root, "list_index", (name,), True))
        site.nominal += len(lists)
        site.pages += [_Page(_message_url(web, site, m), root, "message", (m,)) for m in site.ids]
    for root, prefix in _WIKIS:
        site = web.add(_Site(root, ORGANIC, "wiki", rng.uniform(60, 75), root))
        site.base, site.rel = f"https://{root}{prefix}", "nofollow"
        site.nominal = rng.randint(300, 800)
        crng = _rng(seed, "capture", root)
        items, weights = web.weighted_projects()
        about = _wsample(crng, items, weights, crng.randint(15, 24))
        site.links_to = [p.name for p in about]
        site.pages.append(_Page(site.base + "Main_Page", root, "wiki_article", ("",), True))
        site.pages += [
            _Page(_wiki_url(site, p.name), root, "wiki_article", (p.name,)) for p in about
        ]
    for root in _UNIVERSITIES:
        site = web.add(_Site(root, ORGANIC, "university", rng.uniform(55, 75), root))
        site.base = f"https://cs.{root}"
        site.nominal = rng.randint(300, 900)
        crng = _rng(seed, "capture", root)
        n = crng.randint(6, 12)
        site.ids = sorted(crng.sample(range(100, 700), n))
        site.pages.append(_Page(site.base + "/", root, "uni_home", (), seeded=True))
        for i in site.ids:
            kind = "course" if i % 3 else "group"
            path = f"/courses/cs{i}/" if kind == "course" else f"/research/group-{i}/"
            site.pages.append(_Page(site.base + path, root, "uni_page", (i, kind)))
    # One standards body, one foundation and one package index are crawled, thinly.
    std = web.sites["w3consortium.org"]
    std.base, std.nominal = "https://www.w3consortium.org", rng.randint(250, 400)
    crng = _rng(seed, "capture", std.root)
    std.pages.append(_Page(std.base + "/", std.root, "std_home", (), seeded=True))
    for spec in sorted(crng.sample(range(std.nominal), crng.randint(15, 28))):
        std.pages.append(_Page(f"{std.base}/TR/spec-{spec}/", std.root, "std_spec", (spec,)))
    fnd = web.sites[_FOUNDATIONS[0]]
    fnd.base = f"https://{fnd.root}"
    members = [p for p in web.projects.values() if p.foundation == fnd.root]
    fnd.links_to = [p.name for p in members]
    fnd.nominal = 3 + len(members) + 60
    fnd.pages.append(_Page(fnd.base + "/", fnd.root, "fnd_home", (), seeded=True))
    fnd.pages.append(_Page(fnd.base + "/projects/", fnd.root, "fnd_projects", ()))
    crng = _rng(seed, "capture", fnd.root)
    for p in crng.sample(members, min(len(members), crng.randint(6, 12))):
        fnd.pages.append(
            _Page(f"{fnd.base}/projects/{p.name}/", fnd.root, "fnd_project", (p.name,))
        )
    pkg = web.sites["pkgindex.org"]
    pkg.base, pkg.nominal = "https://pkgindex.org", 48000
    crng = _rng(seed, "capture", pkg.root)
    py = [p for p in web.projects.values() if p.eco == "py"]
    for p in _wsample(crng, py, [p.authority for p in py], crng.randint(25, 35)):
        pkg.pages.append(_Page(p.pkg, pkg.root, "pkg_page", (p.name,)))
    _plan_mirror(web)


def _plan_mirror(web: _Web) -> None:
    """A mirror of one mid-sized project's docs: hundreds of pages, each linking to the original."""
    rng = _rng(web.seed, "organic", "mirror")
    mids = [p for p in web.projects.values() if p.size == "medium" and not p.sister_of]
    target = max(mids, key=lambda p: len(p.slugs) * len(p.versions) - p.authority)
    site = web.add(_Site(_MIRROR, ORGANIC, "mirror", rng.uniform(4, 8), "DocMirror"))
    site.base, site.links_to = f"https://{_MIRROR}", [target.name]
    every = [(s, v) for v in target.versions for s in target.slugs]
    site.nominal = len(every) + 1
    site.pages.append(_Page(site.base + "/", _MIRROR, "mirror_home", (), seeded=True))
    for slug, ver in rng.sample(every, min(len(every), rng.randint(70, 95))):
        url = f"{site.base}/{target.name}/{ver}/{slug}.html"
        site.pages.append(_Page(url, _MIRROR, "mirror_page", (slug, ver)))


def _question_url(web: _Web, site: _Site, qid: int) -> str:
    _, title = _question_spec(web, site.root, qid)
    return f"{site.base}/questions/{qid}/{_slugify(title)}"


def _question_spec(web: _Web, root: str, qid: int) -> tuple[_Project, str]:
    rng = _rng(web.seed, "question", root, qid)
    p = web.cite(rng)
    v = _vocab(web.seed, p.name, tuple(p.modules))
    title = rng.choice(
        (
            f"How do I {rng.choice(_VERB_STEMS)} {rng.choice(_OBJECTS)} with {p.name}?",
            f"{p.name}: {rng.choice(v[0])}() raises {rng.choice(v[1])}Error"
            f" when {rng.choice(_CONDS)}",
            f"Why is {p.name} {rng.choice(v[0])}() slow on {rng.choice(_OBJECTS)}?",
            f"{p.name} vs alternatives for {rng.choice(_OBJECTS)}",
        )
    )
    return p, title


def _thread_url(web: _Web, site: _Site, tid: int) -> str:
    _, title = _question_spec(web, site.root, tid)
    if site.base.startswith("http:"):
        return f"{site.base}/viewtopic.php?t={tid}"
    return f"{site.base}/t/{_slugify(title)}/{tid}"


def _message_url(web: _Web, site: _Site, mid: int) -> str:
    name = site.links_to[mid % len(site.links_to)]
    year, month = 2026 - (mid // 9000), 1 + (mid // 700) % 12
    if site.base.startswith("http:"):
        return f"{site.base}/archives/{name}/{mid}.html"
    return f"{site.base}/{name}/{year}-{month:02d}/msg{mid:05d}.html"


def _wiki_url(site: _Site, title: str) -> str:
    return site.base + (title[:1].upper() + title[1:]).replace(" ", "_")


def _plan_clients(web: _Web) -> None:
    """Clients exist in both webs: their pages and their few organic mentions are organic."""
    rng = _rng(web.seed, "clients")
    chosen = rng.sample(_CLIENTS, rng.randint(3, 5))
    spots = web.crawled("thread") + web.crawled("blog_post")
    for root, shape, brand, anchors in chosen:
        n_links = rng.choices((0, 1, 2), weights=(3, 4, 2))[0]
        site = web.add(_Site(root, CLIENT, shape, 1.0 + 2.5 * n_links + rng.random(), brand))
        site.base, site.links_to = f"https://{root}", list(anchors)
        pages = ["/", "/pricing/", "/about/", "/contact/"] + [
            f"/blog/{_slugify(a)}/" for a in anchors[: rng.randint(1, 3)]
        ]
        site.nominal = len(pages)
        for path in pages:
            site.pages.append(_Page(site.base + path, root, "client_page", (path,), path == "/"))
        for page in rng.sample(spots, n_links):
            web.mentions.setdefault(page.url, []).append(partial(_mention, site, page))


# --- spam planning ---------------------------------------------------------------------------


def _plan_spam(web: _Web) -> None:
    """Farms in a ring, a star, comment spam on organic Q&A and forums, paid links on blogs."""
    rng = _rng(web.seed, "spam")
    clients = [s for s in web.sites.values() if s.kind == CLIENT]
    farms: list[_Site] = []
    for root in rng.sample(_FARMS, rng.randint(8, 12)):
        site = web.add(_Site(root, SPAM, "tutorial_farm", 0.0, root.split(".")[0].title()))
        site.base = f"https://{root}"
        site.links_to = [c.root for c in rng.sample(clients, min(len(clients), rng.randint(2, 3)))]
        site.ids = list(range(rng.randint(6, 11)))
        farms.append(site)
    for i, site in enumerate(farms):
        ring = [farms[(i + 1) % len(farms)].root, farms[(i + 2) % len(farms)].root]
        pages = [
            ("/", "farm_index"),
            ("/about/", "farm_about"),
            ("/contact/", "farm_contact"),
            ("/privacy-policy/", "farm_privacy"),
        ]
        pages += [(_farm_post_path(web, site, j), "farm_post") for j in site.ids]
        site.nominal = len(pages)
        keep = pages if i else pages[:4] + pages[4 : 4 + len(site.ids) // 2]  # one crawled partly
        for path, kind in keep:
            site.pages.append(_Page(site.base + path, site.root, kind, tuple(ring), path == "/"))
    hub_root = rng.choice(_HUBS)
    hub = web.add(_Site(hub_root, SPAM, "star_hub", 0.0, "Top 100 Developer Resources"))
    hub.base = f"https://{hub_root}"
    hub.links_to = [c.root for c in clients]
    cats = rng.sample(("python", "javascript", "devops", "databases", "testing", "security"), 4)
    hub.nominal = 1 + len(cats)
    hub.pages.append(_Page(hub.base + "/", hub_root, "hub_page", ("",), True))
    hub.pages += [_Page(f"{hub.base}/category/{c}/", hub_root, "hub_page", (c,)) for c in cats]
    sats = rng.sample(_SATELLITES, rng.randint(6, 10))
    for i, root in enumerate(sats):
        site = web.add(_Site(root, SPAM, "star_satellite", 0.0, root.split(".")[0]))
        site.base = f"https://{root}" if i % 3 else f"http://{root}"
        site.links_to = [hub_root, rng.choice(clients).root]
        paths = ["/"] + [
            f"/{_slugify(rng.choice(_OBJECTS))}-{k}/" for k in range(rng.randint(3, 6))
        ]
        site.nominal = len(paths)
        keep = paths if i else paths[: max(2, len(paths) // 2)]  # one crawled partly
        site.pages += [_Page(site.base + p, root, "sat_page", (p,), p == "/") for p in keep]
    spammers: list[_Site] = []
    for root, title, anchors in rng.sample(_SPAMMERS, rng.randint(5, 8)):
        site = web.add(_Site(root, SPAM, "comment_spammer", 0.0, title))
        site.base = f"https://{root}"
        site.links_to = [rng.choice(clients).root, *anchors]
        paths = ["/"] + [f"/{_slugify(a)}/" for a in anchors]
        site.nominal = len(paths)
        site.pages += [_Page(site.base + p, root, "spammer_page", (p,), p == "/") for p in paths]
        spammers.append(site)
    # Spam answers and posts on organic Q&A and forum pages the crawl captured.
    targets = web.crawled("question") + web.crawled("thread")
    for page in rng.sample(targets, min(len(targets), rng.randint(20, 35))):
        spammer = rng.choice(spammers)
        followed = rng.random() < 0.12
        web.injected.setdefault(page.url, []).append(
            partial(_spam_post, web.sites[page.root], spammer, rng.choice(clients), followed)
        )
    # Paid links on organic personal blogs: a sponsors box or a sponsored post.
    crawled_blogs = [b for b in web.blogs if b.pages]
    for i, blog in enumerate(rng.sample(crawled_blogs, rng.randint(3, 5))):
        client = rng.choice(clients)
        sponsored = (i // 2) % 2 == 0  # half the buyers get rel=sponsored, half a plain link
        blog.shape = "blog_paid"
        if i % 2 == 0:
            web.sponsor[blog.root] = partial(_sponsor_box, client, sponsored)
        else:
            url = f"{blog.base}/posts/sponsored-{_slugify(client.links_to[0])}/"
            blog.pages.append(_Page(url, blog.root, "paid_post", (client.root, sponsored)))
            blog.nominal += 1


def _farm_post_path(web: _Web, site: _Site, j: int) -> str:
    p = _farm_source(web, site, j)
    return f"/{_slugify(f'how to use {p.name} complete guide {2024 + j % 3}')}-{j}/"


def _farm_source(web: _Web, site: _Site, j: int) -> _Project:
    """The organic project whose tutorial a farm post scraped."""
    rng = _rng(web.seed, "spam", "farm-source", site.root, j)
    crawled = [p for p in web.projects.values() if p.size != "none"]
    return _wpick(rng, crawled, [p.authority for p in crawled])


# --- prose ---------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _vocab(seed: int, name: str, modules: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A project's own function and class names, the words its docs keep using."""
    rng = _rng(seed, "vocab", name)
    funcs = [f"{rng.choice(_VERB_STEMS)}_{rng.choice(_FUNC_NOUNS)}" for _ in range(10)]
    stem = re.sub(r"[^a-z]", "", name).title()[:8]
    classes = [rng.choice((c, stem + c)) for c in rng.sample(_CLASSES, 6)]
    return funcs, classes


class _Fill(dict[str, str]):
    """Template fields drawn only when a sentence asks for them."""

    def __init__(self, rng: random.Random, p: _Project, seed: int) -> None:
        super().__init__()
        self.rng, self.p = rng, p
        self.funcs, self.classes = _vocab(seed, p.name, tuple(p.modules))

    def __missing__(self, key: str) -> str:
        return _FIELDS[key](self, self.rng)


_FIELDS: dict[str, Callable[[_Fill, random.Random], str]] = {
    "Name": lambda f, r: f.p.name, "verb": lambda f, r: r.choice(_VERBS),
    "obj": lambda f, r: r.choice(_OBJECTS), "qual": lambda f, r: r.choice(_QUALS),
    "mod": lambda f, r: f"{f.p.ident}.{r.choice(f.p.modules)}",
    "cls": lambda f, r: r.choice(f.classes), "param": lambda f, r: r.choice(_PARAMS),
    "val": lambda f, r: r.choice(_VALUES), "func": lambda f, r: r.choice(f.funcs),
    "func2": lambda f, r: r.choice(f.funcs), "ver": lambda f, r: r.choice(f.p.releases),
    "pain": lambda f, r: r.choice(_PAINS), "cond": lambda f, r: r.choice(_CONDS),
    "lang": lambda f, r: _LANG_NAMES[f.p.eco], "num": lambda f, r: f"{r.randint(2, 900)},000",
}  # fmt: skip


def _sentences(rng: random.Random, p: _Project, seed: int, n: int) -> list[str]:
    return [rng.choice(_SENTENCES).format_map(_Fill(rng, p, seed)) for _ in range(n)]


def _paragraphs(seed: int, p: _Project, key: str, n: int) -> list[str]:
    """Plain-text paragraphs fixed by their key alone, so a farm can scrape the very same text."""
    rng = _rng(seed, "prose", key)
    return [" ".join(_sentences(rng, p, seed, rng.randint(3, 6))) for _ in range(n)]


def _spin(text: str, rng: random.Random) -> str:
    """An article spinner: swap words for synonyms, then shuffle the sentences."""
    words = [_SPIN.get(w, w) if rng.random() < 0.8 else w for w in text.split(" ")]
    sentences = " ".join(words).rstrip(".").split(". ")
    rng.shuffle(sentences)
    return ". ".join(sentences) + "."


def _code(rng: random.Random, p: _Project, seed: int) -> str:
    funcs, classes = _vocab(seed, p.name, tuple(p.modules))
    cls, func, param = rng.choice(classes), rng.choice(funcs), rng.choice(_PARAMS)
    if p.eco == "js":
        lines = [
            f"const {{ {cls} }} = require('{p.name}');",
            f"const c = new {cls}({{ {param}: 3 }});",
            f"for await (const item of c.{func}('data.json')) {{",
            "  console.log(item);",
            "}",
        ]
    elif p.eco == "rs":
        lines = [
            f"use {p.ident}::{cls};",
            "",
            "fn main() -> anyhow::Result<()> {",
            f"    let c = {cls}::new().{param}(3);",
            f'    c.{func}("data.json")?;',
            "    Ok(())",
            "}",
        ]
    else:
        lines = [
            f"import {p.ident}",
            "",
            f"c = {p.ident}.{cls}({param}={rng.choice(_VALUES)})",
            f"for item in c.{func}('data.json'):",
            "    print(item)",
        ]
    return '<div class="highlight"><pre><code>' + escape("\n".join(lines)) + "</code></pre></div>"


# --- HTML --------------------------------------------------------------------------------------


class _Doc:
    """An HTML page being written, with every absolute href it holds (to check the truth)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.hrefs: list[str] = []

    def add(self, *html: str) -> None:
        self.parts.extend(html)

    def a(self, href: str, text: str, rel: str = "") -> str:
        if href.startswith("http"):
            self.hrefs.append(href)
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'<a href="{escape(href)}"{rel_attr}>{escape(text)}</a>'

    def head(self, title: str, canonical: str | None = None, lang: str = "en") -> None:
        self.add(
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
        )
        if canonical:
            self.hrefs.append(canonical)
            self.add(f'<link rel="canonical" href="{escape(canonical)}">')
        self.add("</head>\n<body>")

    def p(self, text: str) -> None:
        self.add(f"<p>{escape(text)}</p>\n")

    def ul(self, items: list[str], cls: str = "") -> None:
        if items:
            attr = f' class="{cls}"' if cls else ""
            self.add(f"<ul{attr}>", "".join(f"<li>{i}</li>" for i in items), "</ul>\n")

    def body(self) -> bytes:
        return "".join(self.parts).encode()


def _path(url: str) -> str:
    """A root-relative link: how a site links to its own pages."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _std_link(d: _Doc, rng: random.Random, nofollow_share: float, rel: str = "nofollow") -> str:
    root = rng.choice(list(_STANDARDS))
    url, name = rng.choice(_STANDARDS[root])
    return d.a(url, name, rel if rng.random() < nofollow_share else "")


def _project_anchor(rng: random.Random, p: _Project) -> tuple[str, str]:
    """A link to a project as people write it: its name, "docs", a URL or a version."""
    form = rng.random()
    if form < 0.45:
        return p.url(), p.name
    if form < 0.6:
        return p.url(), f"{p.name} docs"
    if form < 0.72:
        return p.url(), p.url()
    if form < 0.84:
        return p.url("changelog"), f"{p.name} {p.releases[0]}"
    api = [s for s in p.slugs if s.startswith("api/")]
    return p.url(rng.choice(api) if api else "index"), f"{p.ident}.{rng.choice(p.modules)}"


def _extra(web: _Web, d: _Doc, url: str) -> None:
    """What a page carries beyond its own content: client mentions, then spam, if any."""
    for block in web.mentions.get(url, ()):
        block(d)
    for block in web.injected.get(url, ()):
        block(d)


# --- organic renderers -------------------------------------------------------------------------


def _render_docs(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    p = site.project
    assert p is not None
    slug, ver = str(page.arg[0]), str(page.arg[1])
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    title = slug.rsplit("/", 1)[-1].replace("-", " ").title() if slug != "index" else p.name
    canonical = p.url(slug) if ver != p.versions[0] else None
    d.head(f"{title} — {p.name} {ver} documentation", canonical)
    if p.hosting == "legacy":
        _legacy_docs(web, d, p, slug, rng, crawl)
    else:
        _docs_chrome_top(web, d, p, ver)
        d.add('<div class="document"><main role="main">')
        _docs_body(web, d, p, slug, rng, crawl, page.url)
        _extra(web, d, page.url)
        d.add("</main></div>")
        _docs_footer(web, d, p)
    d.add("</body></html>\n")
    return d


def _docs_chrome_top(web: _Web, d: _Doc, p: _Project, ver: str) -> None:
    """The top bar and the sidebar: internal pages plus the project's external homes."""
    items = [d.a(_path(p.url("index", ver)), p.name)]
    for slug, label in (
        ("install", "Install"),
        ("quickstart", "Quickstart"),
        ("changelog", "Changelog"),
    ):
        items.append(d.a(_path(p.url(slug, ver)), label))
    items.append(d.a(p.repo, _CODE_HOSTS_NAME[p.codehost]))
    items.append(d.a(p.pkg, _PKG_INDEX[p.eco][1]))
    if p.chat:
        items.append(d.a(p.chat, "Chat"))
    if p.mlist:
        items.append(d.a(p.mlist, "Mailing list"))
    if p.sister_of:
        main = web.projects[p.sister_of]
        items.append(d.a(main.url(), f"{main.name} documentation"))
    d.add('<header><nav class="navbar">', " ".join(items), "</nav></header>\n")
    toc = [d.a(_path(p.url(s, ver)), s.rsplit("/", 1)[-1]) for s in p.slugs[:14]]
    versions = [d.a(_path(p.url("index", v)), v) for v in p.versions[:6]]
    d.add('<div class="sphinxsidebar" role="navigation"><h3>Contents</h3>')
    d.ul(toc, "toctree")
    d.add("<h3>Versions</h3>")
    d.ul(versions)
    if p.sister_of:
        main = web.projects[p.sister_of]
        d.add(f"<p>Part of the {d.a(main.url(), main.name)} project family.</p>")
    d.add("</div>\n")


_CODE_HOSTS_NAME = {root: name for root, name, _ in _CODE_HOSTS}


def _docs_footer(web: _Web, d: _Doc, p: _Project) -> None:
    gen = web.docgens[0] if p.eco != "js" or len(web.docgens) < 2 else web.docgens[1]
    bits = [f"&copy; 2026 {escape(p.name)} developers."]
    if gen is not p:
        bits.append(f"Built with {d.a(gen.url(), gen.name)}.")
    if p.hosting == "rtd":
        bits.append(f"Hosted by {d.a('https://readthedocs.org/', 'Read the Docs')}.")
    if p.foundation:
        bits.append(f"A {d.a(f'https://{p.foundation}/projects/{p.name}/', p.foundation)} project.")
    d.add('<footer class="footer">', " ".join(bits), "</footer>\n")


def _docs_body(
    web: _Web, d: _Doc, p: _Project, slug: str, rng: random.Random, crawl: int, url: str
) -> None:
    seed = web.seed
    if slug == "index":
        _docs_index(web, d, p, rng, crawl)
    elif slug == "changelog":
        _docs_changelog(web, d, p, crawl)
    elif slug.startswith("api/"):
        _docs_api(web, d, p, slug, rng)
    elif slug == "install":
        d.add(f"<h1>Installing {escape(p.name)}</h1>")
        d.p(" ".join(_sentences(rng, p, seed, 3)))
        d.add(
            f"<p>Releases are published on {d.a(p.pkg, _PKG_INDEX[p.eco][1])}; the source is "
            f"on {d.a(p.repo, p.repo)}.</p>"
        )
        d.add(f"<pre>pip install {escape(p.name)}=={escape(p.releases[0])}</pre>")
        lang = web.langs[p.eco]
        need = d.a(lang.url("index"), lang.name)
        d.add(f"<p>You need {need} {rng.randint(3, 12)} or newer and:</p>")
        d.ul([d.a(web.projects[q].url("install"), q) for q in p.deps[1:]])
    else:
        long = slug.startswith(("tutorial/", "howto/"))
        paragraphs = _paragraphs(seed, p, url, rng.randint(14, 30) if long else rng.randint(4, 8))
        d.add(f"<h1>{escape(slug.rsplit('/', 1)[-1].replace('-', ' ').title())}</h1>\n")
        for i, text in enumerate(paragraphs):
            if i % 4 == 0 and i:
                d.add(f"<h2>{escape(rng.choice(_OBJECTS).title())}</h2>")
            d.p(text)
            if i % 3 == 1:
                d.add(_code(rng, p, seed))
            if rng.random() < 0.25 and p.deps:
                dep = web.projects[rng.choice(p.deps)]
                href, anchor = _project_anchor(rng, dep)
                d.add(f"<p>See {d.a(href, anchor)} for details.</p>")
            if rng.random() < 0.08:
                d.add(f"<p>The format follows {_std_link(d, rng, 0.7)}.</p>")
            if rng.random() < 0.05:
                qa = web.sites[rng.choice(_QA)[0]]
                q = rng.choice(qa.ids)
                d.add(
                    f"<p>A known pitfall is discussed {d.a(_question_url(web, qa, q), 'here')}.</p>"
                )
        if slug == "contributing":
            d.add(f"<p>Report bugs on {d.a(p.repo + '/issues', 'the issue tracker')}.</p>")


def _docs_index(web: _Web, d: _Doc, p: _Project, rng: random.Random, crawl: int) -> None:
    """A project's front page: badges, dependencies, plugins, people: many external links."""
    seed = web.seed
    releases = p.releases if crawl else p.releases[p.new_releases :]
    d.add(f"<h1>{escape(p.name)} {escape(releases[0])}</h1>\n")
    d.p(" ".join(_sentences(rng, p, seed, 4)))
    badges = [
        d.a(f"https://ci-runner.io/{p.org}/{p.name}", "build passing"),
        d.a(f"https://covertrack.io/gh/{p.org}/{p.name}", f"coverage {rng.randint(61, 99)}%"),
        d.a(p.pkg, f"{_PKG_INDEX[p.eco][1]} {releases[0]}"),
        d.a(f"https://osi-licenses.org/licenses/{p.license}", f"license {p.license}"),
    ]
    d.add('<p class="badges">', " ".join(badges), "</p>\n")
    d.add("<h2>Features</h2>")
    d.ul([escape(s) for s in _sentences(rng, p, seed, rng.randint(4, 8))])
    d.add(_code(rng, p, seed))
    if p.deps:
        d.add("<h2>Dependencies</h2>")
        items = []
        for name in p.deps:
            q = web.projects[name]
            low = rng.choice(q.releases[3:] or q.releases)
            items.append(d.a(q.url(), rng.choice((q.name, f"{q.name} >= {low}", q.url()))))
        d.ul(items)
    if p.plugins:
        d.add("<h2>Ecosystem</h2>")
        fmt = _PKG_INDEX[p.eco][2]
        d.ul([d.a(fmt.format(name=n), n) for n in p.plugins])
    # Few projects keep a "used by" list; most leave that to their code host.
    if p.dependents and p.layer > 0 and _unit(seed, "used-by", p.name) < 0.3:
        d.add(f"<h2>Projects using {escape(p.name)}</h2>")
        d.ul([d.a(web.projects[n].url(), n) for n in p.dependents[:25]])
    d.add("<h2>Releases</h2>")
    d.ul([d.a(f"{p.repo}/releases/tag/v{v}", v) for v in releases[:8]])
    d.add("<h2>Contributors</h2>")
    d.ul([d.a(f"https://{p.codehost}/{u}", u) for u in p.contributors])
    community = []
    qa = web.sites[_QA[0][0]]
    community.append(d.a(f"{qa.base}/questions/tagged/{p.name}", f"{qa.name} tag {p.name}"))
    community.append(d.a(p.repo + "/discussions", "Discussions"))
    if p.university:
        community.append(d.a(f"https://cs.{p.university}/", "developed at " + p.university))
    d.add("<h2>Community</h2>")
    d.ul(community)
    d.add('<div class="toctree-wrapper">')
    d.ul([d.a(_path(p.url(s)), s) for s in p.slugs[1:30]])
    d.add("</div>")


def _docs_changelog(web: _Web, d: _Doc, p: _Project, crawl: int) -> None:
    """Releases with their issues, pull requests and authors: dozens of code-host links."""
    shown = p.releases if crawl else p.releases[p.new_releases :]
    d.add("<h1>Changelog</h1>\n")
    links = 0
    for ver in shown:
        if links > 150:
            break
        # A release's entries are fixed by the release, so both crawls agree on old ones.
        rng = _rng(web.seed, "release", p.name, ver)
        tag = d.a(f"{p.repo}/releases/tag/v{ver}", ver)
        d.add(f'<section id="v{ver.replace(".", "-")}"><h2>{tag}</h2><ul>')
        links += 1
        for _ in range(rng.randint(2, 5)):
            n = rng.randint(10, 4000)
            kind = rng.choice(("issues", "pull"))
            who = rng.choice(p.contributors)
            text = escape(rng.choice(_SENTENCES).format_map(_Fill(rng, p, web.seed)))
            item = f"{text} ({d.a(f'{p.repo}/{kind}/{n}', f'#{n}')}"
            links += 1
            if rng.random() < 0.7:
                item += f", by {d.a(f'https://{p.codehost}/{who}', '@' + who)}"
                links += 1
            item += ")"
            if rng.random() < 0.2 and p.deps:
                dep = web.projects[rng.choice(p.deps)]
                item += f" Bumped {d.a(dep.url('changelog'), f'{dep.name} to {dep.releases[0]}')}."
                links += 1
            d.add(f"<li>{item}</li>")
        d.add("</ul></section>\n")


def _docs_api(web: _Web, d: _Doc, p: _Project, slug: str, rng: random.Random) -> None:
    """Reference markup: signatures wrapped in spans, type links to the language, little prose."""
    mod = f"{p.ident}." + slug[4:].replace("/", ".")
    lang = web.langs[p.eco]
    funcs, classes = _vocab(web.seed, p.name, tuple(p.modules))
    d.add(f"<h1>{escape(mod)}</h1><p>{escape(_sentences(rng, p, web.seed, 1)[0])}</p>\n")
    dep = web.projects[p.deps[-1]] if len(p.deps) > 1 else None
    for i in range(rng.randint(6, 20)):
        name = rng.choice(funcs) if i % 3 else rng.choice(classes)
        ident = f"{mod}.{name}"
        params, fields = [], []
        for param in rng.sample(_PARAMS, rng.randint(1, 4)):
            typ, where = rng.choice(_TYPES)
            link = d.a(lang.url(f"api/{where}") + f"#{typ}", typ)
            params.append(
                f'<em class="sig-param"><span class="n"><span class="pre">{param}</span></span>'
                f'<span class="p"><span class="pre">:</span></span> '
                f'<span class="n"><span class="pre">{link}</span></span></em>'
            )
            fields.append(f"<li><p><strong>{param}</strong> ({typ})</p></li>")
        if dep is not None and rng.random() < 0.25:
            dcls = rng.choice(_vocab(web.seed, dep.name, tuple(dep.modules))[1])
            api = [s for s in dep.slugs if s.startswith("api/")] or ["index"]
            ret = d.a(dep.url(rng.choice(api)) + f"#{dcls}", f"{dep.ident}.{dcls}")
        else:
            typ, where = rng.choice(_TYPES)
            ret = d.a(lang.url(f"api/{where}") + f"#{typ}", typ)
        d.add(
            f'<dl class="py function"><dt class="sig sig-object py" id="{ident}">'
            f'<span class="sig-prename descclassname"><span class="pre">{mod}.</span></span>'
            f'<span class="sig-name descname"><span class="pre">{name}</span></span>'
            f'<span class="sig-paren">(</span>{", ".join(params)}<span class="sig-paren">)</span>'
            f'<a class="headerlink" href="#{ident}" title="Link to this definition">¶</a></dt>'
            f'<dd><dl class="field-list simple"><dt class="field-odd">Parameters</dt>'
            f'<dd class="field-odd"><ul class="simple">{"".join(fields)}</ul></dd>'
            f'<dt class="field-even">Return type</dt><dd class="field-even"><p>{ret}</p></dd>'
            "</dl></dd></dl>\n"
        )


def _legacy_docs(
    web: _Web, d: _Doc, p: _Project, slug: str, rng: random.Random, crawl: int
) -> None:
    """An old http-only site: a table layout, no nav element, links in a side cell."""
    side = [d.a(_path(p.url(s)), s) for s in p.slugs[:12]]
    side += [d.a(p.repo, "Source code"), d.a(p.pkg, "Download")]
    d.add(
        '<table width="100%" cellpadding="4"><tr><td valign="top" width="180" bgcolor="#eeeeee">',
        "<br>".join(side),
        '</td><td valign="top">',
    )
    _docs_body(web, d, p, slug, rng, crawl, p.url(slug))
    _extra(web, d, p.url(slug))
    d.add(
        '</td></tr></table><hr><font size="-1">Last updated 2011. ',
        f"Maintained by {escape(p.contributors[0])}.</font>",
    )


def _render_project_home(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    p = site.project
    assert p is not None
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    d.head(f"{p.name} — {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}")
    nav = [
        d.a(_path(page.url), "Home"),
        d.a(p.url(), "Documentation"),
        d.a(p.repo, "Source"),
        d.a(p.pkg, "Download"),
    ]
    if p.chat:
        nav.append(d.a(p.chat, "Community chat"))
    d.add("<header><nav>", " ".join(nav), "</nav></header><main>")
    d.add(f"<h1>{escape(p.name)}</h1>")
    for text in _paragraphs(web.seed, p, page.url, 3):
        d.p(text)
    d.add(_code(rng, p, web.seed))
    d.add(
        f"<p>Latest release: {d.a(p.url('changelog'), p.releases[0 if crawl else p.new_releases])}"
        "</p>"
    )
    if p.foundation:
        d.add(f"<p>Fiscally sponsored by {d.a(f'https://{p.foundation}/', p.foundation)}.</p>")
    _extra(web, d, page.url)
    d.add("</main></body></html>\n")
    return d


def _render_blog(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    legacy = site.base.startswith("http:")
    if page.kind == "blog_post":
        idx = int(page.arg[0])
        title = _post_spec(web.seed, site.root, idx)[0]
    elif page.kind == "paid_post":
        title = f"Sponsored: why I trust {web.sites[str(page.arg[0])].name}"
    else:
        title = "About me" if page.kind == "blog_about" else f"{site.name}'s notes"
    d.head(f"{title} | {site.name}")
    d.add("<header><nav>", d.a("/", "Home"), " ", d.a("/about/", "About"), "</nav></header>")
    d.add('<div class="content"><main>')
    d.add(f"<h1>{escape(title)}</h1>")
    if page.kind == "blog_index":
        shown = site.ids[:12]
        d.ul(
            [
                d.a(_path(_post_url(web, site, i)), _post_spec(web.seed, site.root, i)[0])
                for i in shown
            ]
        )
    elif page.kind == "blog_about":
        subject = web.cite(rng)
        d.p(
            f"I write software, mostly around {subject.name}. "
            + _sentences(rng, subject, web.seed, 1)[0]
        )
        if rng.random() < 0.5:
            d.add(
                f'<p>Mail me: <a href="mailto:hello@{site.root}">hello@{escape(site.root)}</a></p>'
            )
        if rng.random() < 0.3:
            d.add(f"<p>{d.a(f'https://www.linkedin.com/in/{_slugify(site.name)}', 'LinkedIn')}</p>")
        d.add(f"<p>Code: {d.a(f'https://gitnest.com/{_slugify(site.name)}', 'GitNest')}</p>")
    elif page.kind == "paid_post":
        client = web.sites[str(page.arg[0])]
        d.p(" ".join(_sentences(rng, web.cite(rng), web.seed, 5)))
        rel = "sponsored" if page.arg[1] else ""
        d.add(
            f"<p>This post is brought to you by {d.a(client.base + '/', client.links_to[0], rel)}."
            "</p>"
        )
    else:
        _blog_post_body(web, d, site, page, rng)
    _extra(web, d, page.url)
    d.add("</main>")
    d.add('<aside class="sidebar"><h3>Blogroll</h3>')
    d.ul([d.a(web.sites[r].base + "/", web.sites[r].name) for r in site.links_to])
    if site.root in web.sponsor:
        web.sponsor[site.root](d)
    d.add("</aside></div>")
    ssg = web.ssgs[len(site.root) % len(web.ssgs)]
    if legacy:
        d.add(f"<p><small>Best viewed in any browser. (c) {escape(site.name)}</small></p>")
    else:
        d.add(f"<footer>Powered by {d.a(ssg.url(), ssg.name)}</footer>")
    d.add("</body></html>\n")
    return d


def _blog_post_body(web: _Web, d: _Doc, site: _Site, page: _Page, rng: random.Random) -> None:
    """A post cites projects in proportion to their authority, and a few other sources."""
    seed = web.seed
    cited = [web.cite(rng) for _ in range(rng.randint(1, 3))]
    main = cited[0]
    for i, text in enumerate(_paragraphs(seed, main, page.url, rng.randint(6, 14))):
        d.p(text)
        if i < len(cited):
            href, anchor = _project_anchor(rng, cited[i])
            d.add(f"<p>I used {d.a(href, anchor)} for this.</p>")
        if i == 2:
            d.add(_code(rng, main, seed))
    if rng.random() < 0.4:
        d.add(f"<p>The code is on {d.a(main.repo, main.repo)}.</p>")
    if rng.random() < 0.5:
        qa = web.sites[rng.choice(_QA)[0]]
        answer = _question_url(web, qa, rng.choice(qa.ids))
        d.add(f"<p>This answer helped: {d.a(answer, 'answer')}</p>")
    if rng.random() < 0.3:
        d.add(f"<p>Background: {_std_link(d, rng, 0.5)}.</p>")
    if rng.random() < 0.3:
        other = web.sites[rng.choice(site.links_to)]
        post = _post_url(web, other, rng.choice(other.ids))
        d.add(f"<p>{escape(other.name)} wrote {d.a(post, 'a related post')}.</p>")


def _render_qa(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """A Q&A or forum page: users' links carry the site's rel (ugc/nofollow)."""
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    forum = site.shape == "forum"
    if page.kind in ("qa_home", "forum_home"):
        d.head(f"{site.name} — questions and answers for developers")
        d.add("<header><nav>", d.a("/", site.name), "</nav></header><main>")
        urls = [(_thread_url if forum else _question_url)(web, site, i) for i in site.ids[:30]]
        titles = [_question_spec(web, site.root, i)[1] for i in site.ids[:30]]
        d.ul([d.a(_path(u), t) for u, t in zip(urls, titles, strict=True)])
        d.add("</main></body></html>\n")
        return d
    qid = int(page.arg[0])
    p, title = _question_spec(web, site.root, qid)
    d.head(f"{title} - {site.name}")
    d.add(
        "<header><nav>",
        d.a("/", site.name),
        " ",
        d.a("/questions" if not forum else "/latest", "Latest"),
        "</nav></header><main>",
    )
    d.add(f"<h1>{escape(title)}</h1><div class='post question'>")
    d.p(" ".join(_sentences(rng, p, web.seed, rng.randint(2, 5))))
    d.add(_code(rng, p, web.seed), "</div>")
    if not forum:
        d.add(f'<div class="tags">{d.a(f"/questions/tagged/{p.name}", p.name)}</div>')
    for _ in range(rng.randint(1, 4) if not forum else rng.randint(2, 7)):
        user = _handle(rng)
        d.add(f'<div class="post answer"><span class="user">{escape(user)}</span>')
        d.p(" ".join(_sentences(rng, p, web.seed, rng.randint(1, 4))))
        roll = rng.random()
        if roll < 0.55:
            target = p if rng.random() < 0.7 else web.cite(rng)
            href, anchor = _project_anchor(rng, target)
            d.add(f"<p>See {d.a(href, anchor, site.rel)}.</p>")
        elif roll < 0.7:
            issue = f"{p.repo}/issues/{rng.randint(10, 4000)}"
            d.add(f"<p>Known bug: {d.a(issue, 'issue', site.rel)}</p>")
        elif roll < 0.82:
            blog = _wpick(rng, web.blogs, [b.authority for b in web.blogs])
            post = _post_url(web, blog, rng.choice(blog.ids))
            d.add(f"<p>Good write-up: {d.a(post, blog.name, site.rel)}</p>")
        elif roll < 0.88:
            d.add(f"<p>Per {_std_link(d, rng, 1.0, site.rel)}.</p>")
        if forum and site.rel == "nofollow" and rng.random() < 0.25:
            # Board signatures are left followed: a user's blog in every post they write.
            blog = rng.choice(web.blogs)
            d.add(f'<div class="signature">{d.a(blog.base + "/", blog.name)}</div>')
        d.add("</div>")
    _extra(web, d, page.url)
    d.add("</main><aside><h3>Related</h3>")
    related = rng.sample(site.ids, min(5, len(site.ids)))
    link = _thread_url if forum else _question_url
    d.ul([d.a(_path(link(web, site, r)), _question_spec(web, site.root, r)[1]) for r in related])
    d.add("</aside></body></html>\n")
    return d


def _render_list(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """A mailing-list archive page: thin, mostly navigation, the odd link in a message."""
    d = _Doc()
    if page.kind == "list_index":
        name = str(page.arg[0])
        d.head(f"The {name} Archives")
        ids = [m for m in site.ids if site.links_to[m % len(site.links_to)] == name]
        d.add(f"<h1>The {escape(name)} archives</h1>")
        d.ul([d.a(_path(_message_url(web, site, m)), f"message {m}") for m in ids])
        d.add("</body></html>\n")
        return d
    mid = int(page.arg[0])
    rng = _rng(web.seed, "page", page.url)
    name = site.links_to[mid % len(site.links_to)]
    p = web.projects.get(name.removesuffix("-users")) or web.cite(rng)
    re_ = "Re: " if rng.random() < 0.6 else ""
    subject = f"{re_}[{name}] {rng.choice(_VERB_STEMS)} {rng.choice(_OBJECTS)}"
    d.head(subject)
    nav = [
        d.a(_path(_message_url(web, site, mid - 1)), "Prev"),
        d.a(_path(_message_url(web, site, mid + 1)), "Next"),
        d.a(f"/{name}/" if site.base.startswith("https") else f"/archives/{name}/", "Index"),
    ]
    d.add('<div class="msgnav">', " | ".join(nav), "</div>")
    d.add(
        f"<h1>{escape(subject)}</h1><ul><li>From: {escape(_handle(rng))} at example</li>"
        f"<li>Date: 2026-0{1 + mid % 4}-{1 + mid % 28:02d}</li></ul>"
    )
    d.add("<pre>", escape("\n".join(_sentences(rng, p, web.seed, rng.randint(1, 3)))), "</pre>")
    if rng.random() < 0.25:
        d.add(f"<p>{d.a(f'{p.repo}/pull/{rng.randint(10, 4000)}', 'the pull request')}</p>")
    elif rng.random() < 0.15:
        d.add(f"<p>{d.a(p.url(), p.url())}</p>")
    d.add("</body></html>\n")
    return d


def _render_wiki(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """A wiki article: many internal links, external links nofollow at the end."""
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    subject = str(page.arg[0])
    p = web.projects[subject] if subject else web.cite(rng)
    d.head(f"{subject or 'Main Page'} - {site.root}")
    d.add(
        '<div id="mw-navigation" role="navigation">',
        d.a(_path(_wiki_url(site, "Main_Page")), "Main page"),
        "</div><main>",
    )
    d.add(f"<h1>{escape(subject or 'Main Page')}</h1>")
    for text in _paragraphs(web.seed, p, page.url, rng.randint(3, 8)):
        d.p(text)
        d.add(
            "<p>See also: ",
            ", ".join(
                d.a(_path(_wiki_url(site, n)), n)
                for n in rng.sample(site.links_to, min(4, len(site.links_to)))
            ),
            "</p>",
        )
    if subject:
        d.add("<h2>External links</h2>")
        d.ul(
            [
                d.a(p.url(), f"Official documentation of {p.name}", site.rel),
                d.a(p.repo, "Source repository", site.rel),
                _std_link(d, rng, 1.0),
            ]
        )
    d.add("</main></body></html>\n")
    return d


def _render_uni(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    d.head(f"Computer Science — {site.root}")
    d.add("<header><nav>", d.a("/", "Department"), "</nav></header><main>")
    local = [p for p in web.projects.values() if p.university == site.root]
    if page.kind == "uni_home":
        d.ul([d.a(_path(x.url), _path(x.url)) for x in site.pages[1:]])
    else:
        n, kind = page.arg
        subject = local[0] if local and kind == "group" else web.cite(rng)
        d.add(f"<h1>{'CS' if kind == 'course' else 'Research group '}{n}</h1>")
        for text in _paragraphs(web.seed, subject, page.url, rng.randint(2, 5)):
            d.p(text)
        reading = [web.cite(rng) for _ in range(rng.randint(2, 6))]
        if kind == "group":
            reading = local + reading
        d.add("<h2>Software and reading</h2>")
        d.ul([d.a(q.url(), q.name) for q in reading] + [_std_link(d, rng, 0.0)])
    d.add("</main></body></html>\n")
    return d


def _render_org(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """The crawled standards body, foundation and package index."""
    rng = _rng(web.seed, "page", page.url)
    d = _Doc()
    d.head(f"{site.name} — {page.kind.replace('_', ' ')}")
    d.add("<header><nav>", d.a("/", site.name), "</nav></header><main>")
    lang = web.langs["py"]
    if page.kind == "std_spec":
        d.add(f"<h1>Specification {page.arg[0]}</h1>")
        for text in _paragraphs(web.seed, lang, page.url, rng.randint(6, 14)):
            d.p(text)
        d.add("<h2>References</h2>")
        d.ul([_std_link(d, rng, 0.0) for _ in range(rng.randint(3, 8))])
        d.add("<h2>Implementations</h2>")
        d.ul([d.a(q.url(), q.name) for q in (web.cite(rng) for _ in range(rng.randint(1, 4)))])
    elif page.kind == "pkg_page":
        p = web.projects[str(page.arg[0])]
        d.add(f"<h1>{escape(p.name)} {escape(p.releases[0])}</h1>")
        d.p(_sentences(rng, p, web.seed, 1)[0])
        d.add("<h2>Project links</h2>")
        d.ul([d.a(p.url(), "Documentation", "nofollow"), d.a(p.repo, "Source", "nofollow")])
        d.add("<h2>Requires</h2>")
        d.ul(
            [d.a(_path(web.projects[q].pkg), q) for q in p.deps[1:] if web.projects[q].eco == "py"]
        )
    elif page.kind in ("fnd_projects", "fnd_project"):
        members = [web.projects[n] for n in site.links_to]
        if page.kind == "fnd_project":
            members = [web.projects[str(page.arg[0])]]
            d.p(" ".join(_sentences(rng, members[0], web.seed, 3)))
        d.ul([d.a(q.url(), q.name) for q in members] + [d.a(q.repo, "source") for q in members])
    else:
        d.p(" ".join(_sentences(rng, lang, web.seed, 4)))
        d.ul([d.a(_path(x.url), _path(x.url)) for x in site.pages[1:12]])
    d.add("</main></body></html>\n")
    return d


def _render_mirror(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """A mirror repeats the original's text and links back to it from every page."""
    p = web.projects[site.links_to[0]]
    d = _Doc()
    if page.kind == "mirror_home":
        d.head("DocMirror — offline copies of project documentation")
        d.add("<main><h1>Mirrored projects</h1>")
        d.ul([d.a(_path(x.url), _path(x.url)) for x in site.pages[1:40]])
        d.add("</main></body></html>\n")
        return d
    slug, ver = str(page.arg[0]), str(page.arg[1])
    original = p.url(slug, ver)
    rng = _rng(web.seed, "page", page.url)
    d.head(f"{slug} — {p.name} {ver} (mirror)")
    d.add(
        "<header><nav>",
        d.a("/", "DocMirror"),
        " ",
        d.a(p.url(), f"{p.name} official docs"),
        "</nav></header><main>",
    )
    d.add(f"<p class='banner'>Unofficial mirror. Original: {d.a(original, original)}</p>")
    for text in _paragraphs(web.seed, p, original, rng.randint(3, 8)):
        d.p(text)
    d.add("</main></body></html>\n")
    return d


def _render_client(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    rng = _rng(web.seed, "page", page.url)
    path = str(page.arg[0])
    d = _Doc()
    d.head(f"{site.name} — {rng.choice(site.links_to)}")
    nav = [d.a(p, p.strip("/") or "home") for p in ("/", "/pricing/", "/about/", "/contact/")]
    d.add("<header><nav>", " ".join(nav), "</nav></header><main>")
    d.add(f"<h1>{escape(site.name)}: {escape(rng.choice(site.links_to))}</h1>")
    pitch = (
        "Trusted by thousands of developers.",
        "Limited offer, today only.",
        "No credit card required.",
        "Cancel anytime.",
        "Rated 4.9 out of 5.",
    )
    for _ in range(rng.randint(3, 7)):
        d.p(" ".join(rng.sample(pitch, 3)))
    if path == "/contact/":
        d.add(
            f'<p><a href="mailto:support@{site.root}">support@{escape(site.root)}</a> '
            '<a href="tel:+18005550199">+1 800 555 0199</a></p>'
        )
    d.add("</main><footer>", d.a("/contact/", "Contact"), "</footer></body></html>\n")
    return d


def _mention(client: _Site, page: _Page, d: _Doc) -> None:
    """An organic, unpaid mention of a client by a user or blogger."""
    rel = "ugc" if "/viewtopic" in page.url or "/t/" in page.url else ""
    d.add(
        f"<p>For what it's worth I have been using {d.a(client.base + '/', client.name, rel)} "
        "for a while and it works fine.</p>"
    )


# --- spam renderers ----------------------------------------------------------------------------


def _render_farm(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """A tutorial farm: spun copies of real tutorials, money links to clients, a ring."""
    rng = _rng(web.seed, "spam", "page", page.url)
    d = _Doc()
    ring = [web.sites[str(r)] for r in page.arg]
    path = _path(page.url)
    posts = [(j, _farm_post_path(web, site, j)) for j in site.ids]
    title = {
        "farm_index": "Free Programming Tutorials",
        "farm_about": "About Us",
        "farm_contact": "Contact Us",
        "farm_privacy": "Privacy Policy",
    }.get(page.kind, "")
    j = next((j for j, p in posts if p == path), 0)
    source = _farm_source(web, site, j)
    if page.kind == "farm_post":
        title = f"How to Use {source.name}: Complete Guide ({2024 + j % 3})"
    d.head(f"{title} | {site.name}")
    nav = [d.a("/", "Home"), d.a("/about/", "About"), d.a("/contact/", "Contact")]
    d.add("<header><nav>", " ".join(nav), "</nav></header><main>")
    d.add(f"<h1>{escape(title)}</h1>")
    if page.kind == "farm_index":
        d.ul([d.a(p, f"Tutorial {j + 1}") for j, p in posts])
        d.add(f"<p>Partner sites: {d.a(ring[0].base + '/', ring[0].name)}</p>")
    elif page.kind == "farm_contact":
        company = site.root.split(".")[0]
        d.add(
            f'<p>Email: <a href="mailto:info@{site.root}">info@{escape(site.root)}</a><br>'
            'Phone: <a href="tel:+14155550123">+1 415 555 0123</a></p>',
            f"<p>{d.a(f'https://www.linkedin.com/company/{company}', 'LinkedIn')}</p>",
        )
    elif page.kind == "farm_post":
        tutorial = next((s for s in source.slugs if s.startswith("tutorial/")), "quickstart")
        # Scraped: the very paragraphs of the organic tutorial, run through a spinner.
        scraped = _paragraphs(web.seed, source, source.url(tutorial), 10)
        for i, text in enumerate(scraped):
            d.p(_spin(text, rng))
            if i == 1:
                for c in site.links_to:
                    client = web.sites[c]
                    d.add(f"<p>Pro tip: {d.a(client.base + '/', rng.choice(client.links_to))}</p>")
            if i == 4:
                for other in ring:
                    k = rng.choice(other.ids)
                    anchor = f"{rng.choice(_TECH)} tutorial for beginners"
                    href = other.base + _farm_post_path(web, other, k)
                    d.add(f"<p>Read next: {d.a(href, anchor)}</p>")
        href, anchor = _project_anchor(rng, source)
        d.add(f"<p>Source: {d.a(href, anchor)}</p>")
    else:
        d.p("We respect your privacy. " * rng.randint(3, 8))
    d.add(
        "</main><footer>",
        d.a("/privacy-policy/", "Privacy"),
        " ",
        d.a("/contact/", "Contact"),
        f" &copy; 2026 {escape(site.name)}</footer></body></html>\n",
    )
    return d


def _render_star(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    """The hub lists a hundred resources; satellites exist to link to it and to clients."""
    rng = _rng(web.seed, "spam", "page", page.url)
    d = _Doc()
    clients = [web.sites[c] for c in site.links_to if web.sites[c].kind == CLIENT]
    if page.kind == "hub_page":
        cat = str(page.arg[0])
        d.head(f"Top 100 Developer Resources {cat.title()} (2026)")
        d.add("<main><h1>Top 100 developer resources</h1><h2>Featured</h2>")
        d.ul([d.a(c.base + "/", rng.choice(c.links_to)) for c in clients])
        items, weights = web.weighted_projects()
        picks = _wsample(rng, items, weights, 30 if not cat else 15)
        blogs = rng.sample(web.blogs, min(len(web.blogs), 25 if not cat else 10))
        d.ul([d.a(p.url(), p.name) for p in picks] + [d.a(b.base + "/", b.name) for b in blogs])
        d.add("</main></body></html>\n")
        return d
    hub = web.sites[site.links_to[0]]
    client = web.sites[site.links_to[1]]
    d.head(f"{site.name.replace('-', ' ').title()} — {escape(_path(page.url).strip('/'))}")
    d.add("<main>")
    d.p(_spin(" ".join(_sentences(rng, web.cite(rng), web.seed, 6)), rng))
    hub_pages = [x.url for x in hub.pages]
    d.add(
        f"<p>{d.a(hub.base + '/', 'top 100 developer resources')} | "
        f"{d.a(rng.choice(hub_pages), 'best dev resources list')}</p>"
    )
    d.add(f"<p>{d.a(client.base + '/', rng.choice(client.links_to))}</p>")
    d.add("</main></body></html>\n")
    return d


def _render_spammer(web: _Web, site: _Site, page: _Page, crawl: int) -> _Doc:
    rng = _rng(web.seed, "spam", "page", page.url)
    d = _Doc()
    client = web.sites[site.links_to[0]]
    d.head(f"{site.name} — {_path(page.url).strip('/') or 'home'}")
    d.add("<main>", f"<h1>{escape(site.name)}</h1>")
    d.p(" ".join(rng.choice(site.links_to[1:]) for _ in range(rng.randint(10, 30))))
    d.add(f"<p>{d.a(client.base + '/', rng.choice(client.links_to))}</p>")
    d.ul([d.a(p.url, rng.choice(site.links_to[1:])) for p in site.pages])
    d.add("</main></body></html>\n")
    return d


def _spam_post(forum: _Site, spammer: _Site, client: _Site, followed: bool, d: _Doc) -> None:
    """A spam answer or post: the host's rel, except where its filter let a link through."""
    anchor = spammer.links_to[1]
    rel = "" if followed else forum.rel
    d.add(
        f'<div class="post answer spam-ish"><span class="user">{escape(anchor)}-guy</span>',
        f"<p>Great thread, thanks! {d.a(spammer.base + '/', anchor, rel)}</p>",
    )
    if forum.shape == "forum" and forum.rel == "nofollow":
        d.add(f'<div class="signature">{d.a(client.base + "/", client.links_to[0])}</div>')
    d.add("</div>")


def _sponsor_box(client: _Site, sponsored: bool, d: _Doc) -> None:
    d.add('<div class="sponsors"><h3>Sponsors</h3>')
    d.add(f"<p>{d.a(client.base + '/', client.links_to[0], 'sponsored' if sponsored else '')}</p>")
    d.add("</div>")


_RENDERERS: dict[str, Callable[[_Web, _Site, _Page, int], _Doc]] = {
    "docs": _render_docs, "project_home": _render_project_home,
    "blog_index": _render_blog, "blog_post": _render_blog, "blog_about": _render_blog,
    "paid_post": _render_blog, "qa_home": _render_qa, "question": _render_qa,
    "forum_home": _render_qa, "thread": _render_qa, "list_index": _render_list,
    "message": _render_list, "wiki_article": _render_wiki, "uni_home": _render_uni,
    "uni_page": _render_uni, "std_home": _render_org, "std_spec": _render_org,
    "fnd_home": _render_org, "fnd_projects": _render_org, "fnd_project": _render_org,
    "pkg_page": _render_org, "mirror_home": _render_mirror, "mirror_page": _render_mirror,
    "client_page": _render_client, "farm_index": _render_farm, "farm_about": _render_farm,
    "farm_contact": _render_farm, "farm_privacy": _render_farm, "farm_post": _render_farm,
    "hub_page": _render_star, "sat_page": _render_star, "spammer_page": _render_spammer,
}  # fmt: skip


# --- crawling and output -----------------------------------------------------------------------


def _crawls_of(seed: int, page: _Page) -> tuple[int, ...]:
    """Which crawls captured a page: start pages both, others mostly one (keyed by URL alone)."""
    if page.seeded:
        return (0, 1)
    roll = _unit(seed, "crawls", page.url)
    return (0, 1) if roll < 0.1 else (0,) if roll < 0.55 else (1,)


@lru_cache(maxsize=8192)
def _root_of_host(scheme_host: str) -> str:
    return canonicalize(scheme_host + "/").root_domain


def _root_of(url: str) -> str:
    parts = urlsplit(url)
    return _root_of_host(f"{parts.scheme}://{parts.netloc}")


def _render_all(web: _Web) -> tuple[list[list[tuple[str, Capture]]], set[str]]:
    """Every capture of every crawl, and every root domain a capture or a link names."""
    out: list[list[tuple[str, Capture]]] = [[] for _ in CRAWLS]
    roots: set[str] = set()
    for site in web.sites.values():
        for page in site.pages:
            if _root_of(page.url) != site.root:
                raise AssertionError(f"{page.url} is not on {site.root}")
            roots.add(site.root)
            for crawl in _crawls_of(web.seed, page):
                start = CRAWLS[crawl][1]
                offset = int(_unit(web.seed, "fetch", crawl, page.url) * 4 * 86400)
                fetched = start + timedelta(seconds=offset)
                if page.kind == "redirect":
                    location = str(page.arg[0])
                    roots.add(_root_of(location))
                    cap = Capture(page.url, fetched, status=302, location=location)
                else:
                    doc = _RENDERERS[page.kind](web, site, page, crawl)
                    roots.update(_root_of(h) for h in doc.hrefs)
                    cap = Capture(page.url, fetched, body=doc.body())
                out[crawl].append((site.root, cap))
    unknown = sorted(roots - set(web.sites))
    if unknown:
        raise AssertionError(f"links to roots without truth: {unknown[:5]}")
    return out, roots


def generate(out_dir: Path, seed: int, with_spam: bool = True) -> FamilyWeb:
    """Write the family's two crawls under ``out_dir`` and return them with the domains' truth."""
    web = _Web(seed)
    _plan_infrastructure(web)
    _plan_projects(web)
    _plan_blogs(web)
    _plan_community(web)
    _plan_clients(web)
    if with_spam:
        _plan_spam(web)
    captures, roots = _render_all(web)
    crawls: dict[str, list[Path]] = {}
    for (name, _), caps in zip(CRAWLS, captures, strict=True):
        caps.sort(key=lambda rc: rc[1].url)
        files = []
        for part in range(_PARTS):
            # A site's file is fixed by its root, so spam never moves an organic capture.
            chosen = [c for r, c in caps if _digest(0, (r,))[0] % _PARTS == part]
            files.append(write_warc(out_dir / name / f"{name}-{part:02d}.warc.gz", name, chosen))
        crawls[name] = files
    domains = {root: web.sites[root].truth() for root in sorted(roots)}
    return FamilyWeb(FAMILY, seed, crawls, domains)
