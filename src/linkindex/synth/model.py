"""The synthetic web itself: domains, hosts, pages, link slots and how they change across crawls.

Three kinds of root domain, each drawn from its own numpy stream of SynthParams.seed: the normal
web ([seed, 0], link slots from [seed, 3, block]), the link farm ([seed, 1], linkindex.synth.spam)
and the penalized spam sites ([seed, 2]). Normal domains, pages and normal-to-normal links are
therefore the same whatever spam_domains and spam_sites are (with links=None).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import numpy as np

from linkindex.synth import text

# Bits of Web.link_rel; a link counts as "nofollow" in ground truth when any bit is set.
REL_NOFOLLOW = 1
REL_UGC = 2
REL_SPONSORED = 4

# Web.domain_kind
NORMAL, FARM, SPAM_SITE = 0, 1, 2

# Web.domain_contact bits: an email (mailto:) and a phone (tel:) link in the footer.
CONTACT_EMAIL = 1
CONTACT_PHONE = 2

# Web.domain_nav_style: the element that holds a site's navigation links.
NAV_STYLES = ("nav", "header", "role", "footer", "menu")

# Web.domain_html bits: extra markup that holds no visible text.
HTML_STYLE = 1  # a <style> in <head>
HTML_TEMPLATE = 2  # a <template> in <main>
HTML_NOSCRIPT = 4  # a <noscript> paragraph before the <script>

WORDS = text.WORDS
_SUB_LABELS = ("blog", "shop", "news", "docs", "m", "forum", "help", "shop2")
# TLDs spam sites draw from, and the ones among them some normal sites use too.
SPAM_TLDS = ("xyz", "top", "info", "biz", "click", "online", "site", "icu", "buzz", "club")
NOISE_TLDS = ("info", "biz", "online", "club", "site")
_SECTIONS = ("blog", "news", "products", "about", "docs", "2025", "tags", "wiki")


def crawl_dates(first: date, crawls: int, months_apart: int) -> list[date]:
    """first, first + n months, ... (the day of month is kept, so keep it <= 28)."""
    out = []
    for k in range(crawls):
        m = first.month - 1 + k * months_apart
        out.append(date(first.year + m // 12, m % 12 + 1, first.day))
    return out


@dataclass(frozen=True)
class SynthParams:
    """Knobs of the generator; the defaults make a web of about 950 pages and 30k link rows."""

    seed: int = 7
    root_domains: int = 60  # normal (non-spam) registered domains
    pages_per_domain: int = 12  # mean; the count per domain is geometric, so a few are big
    crawls: int = 3
    links: int | None = None  # target total link rows over all crawls; None: out_degree per page
    out_degree: float = 8.0  # mean random link slots per normal page when links is None
    spam_domains: int = 8  # size of the planted link farm (0 disables it)
    farm_targets: int = 2  # normal pages the farm pushes
    spam_sites: int = 12  # penalized spam root domains with drawn traits (0: none)
    first_crawl: date = date(2026, 1, 15)
    months_apart: int = 2
    zipf_exponent: float = 1.1  # domain popularity ~ 1 / rank**s: a few hubs get most links
    internal_share: float = 0.5  # share of random link slots that stay on the source root domain
    nofollow_share: float = 0.08
    ugc_share: float = 0.03
    sponsored_share: float = 0.02
    brand_share: float = 0.25  # mean share of external normal links whose anchor is the brand
    redirect_share: float = 0.04  # share of non-home pages that answer 301/302
    lost_rate: float = 0.12  # chance per link and crawl interval that the link is removed
    gained_rate: float = 0.15  # share of link slots first added after the first crawl
    death_rate: float = 0.04  # chance per page and interval that it starts answering 404
    late_birth_rate: float = 0.04  # share of pages that first exist in a later crawl
    recrawl_rate: float = 0.75  # chance an existing page is captured again in a later crawl

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["first_crawl"] = self.first_crawl.isoformat()
        return d


@dataclass
class Slots:
    """Link slots (one <a href> each) in global page indices; nav: inside the navigation."""

    src: np.ndarray  # int32
    dst: np.ndarray  # int32
    rel: np.ndarray  # uint8, REL_* bits
    anchor: np.ndarray  # int32, index into Web.anchors
    added: np.ndarray  # int8
    removed: np.ndarray  # int8
    nav: np.ndarray  # bool

    @staticmethod
    def stable(
        src: np.ndarray,
        dst: np.ndarray,
        anchor: np.ndarray,
        added: np.ndarray,
        crawls: int,
        nav: bool | np.ndarray = False,
        rel: np.ndarray | None = None,
    ) -> Slots:
        """Slots present from `added` on and never removed (menus, farm and spam links)."""
        n = len(src)
        return Slots(
            src.astype(np.int32),
            dst.astype(np.int32),
            np.zeros(n, np.uint8) if rel is None else rel.astype(np.uint8),
            anchor.astype(np.int32),
            added.astype(np.int8),
            np.full(n, crawls, np.int8),
            np.broadcast_to(np.asarray(nav, bool), (n,)).copy(),
        )

    def take(self, mask: np.ndarray) -> Slots:
        return Slots(*(getattr(self, f)[mask] for f in Slots.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Slots]) -> Slots:
        return Slots(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Slots.__dataclass_fields__)
        )


@dataclass
class Part:
    """Root domains of one kind with their hosts, pages and fixed link slots, in global indices."""

    kind: int
    names: list[str]
    traits: list[tuple[str, ...]]
    n_pages_dom: np.ndarray  # int64[d]
    host_names: list[str]
    host_domain: np.ndarray  # int32[h], global domain index
    host_scheme: list[str]
    page_host: np.ndarray  # int32[p], global host index
    page_path: list[str]
    birth: np.ndarray  # int8[p]
    death: np.ndarray  # int8[p]
    redirect: np.ndarray  # int32[p], global page index or -1
    redirect_status: np.ndarray  # int16[p]
    captured: np.ndarray  # bool[p, C]
    title_words: np.ndarray  # int32[p, 2], indices into text.TITLE_VOCAB
    words: np.ndarray  # int32[p], prose words
    text_offset: np.ndarray  # int32[p], into text.TOKENS
    contact: np.ndarray  # int8[d], CONTACT_* bits
    contact_home_only: np.ndarray  # bool[d]
    nav_style: np.ndarray  # int8[d], index into NAV_STYLES
    script_bytes: np.ndarray  # int32[d], inline <script> size per page (0: none)
    html: np.ndarray  # int8[d], HTML_* bits
    slots: list[Slots] = field(default_factory=list)


@dataclass
class Web:
    """A generated web: page-level and link-slot-level numpy arrays plus the names they index.

    A link slot is one <a href> on one page; it is in the page's HTML at crawl k when
    link_added <= k < link_removed and the page answers 200 at k. Slots are sorted by source
    page, and within a page in document order (navigation first unless it sits in the footer).
    """

    params: SynthParams
    crawl_names: list[str]
    crawl_dates: list[date]
    domain_names: list[str]
    domain_kind: np.ndarray  # int8[D]: NORMAL, FARM or SPAM_SITE
    domain_traits: list[tuple[str, ...]]  # planted traits (names as in NORMAL_TRAITS/SPAM_TRAITS)
    domain_first_page: np.ndarray  # int64[D + 1], pages of domain d are [first[d], first[d + 1])
    domain_contact: np.ndarray  # int8[D], CONTACT_* bits of the footer
    domain_contact_home_only: np.ndarray  # bool[D], contact links only on home pages
    domain_nav_style: np.ndarray  # int8[D], index into NAV_STYLES
    domain_script_bytes: np.ndarray  # int32[D]
    domain_html: np.ndarray  # int8[D], HTML_* bits
    host_names: list[str]
    host_domain: np.ndarray  # int32[H]
    host_scheme: list[str]  # "http" or "https", one per host so a page key has one URL
    page_host: np.ndarray  # int32[P]
    page_domain: np.ndarray  # int32[P]
    page_path: list[str]
    page_birth: np.ndarray  # int8[P], first crawl the page exists in
    page_death: np.ndarray  # int8[P], first crawl it answers 404 (== crawls: never)
    page_redirect: np.ndarray  # int32[P], redirect target page or -1
    page_redirect_status: np.ndarray  # int16[P], 301/302 or 0
    page_title_words: np.ndarray  # int32[P, 2], indices into text.TITLE_VOCAB
    page_words: np.ndarray  # int32[P], words of prose in <main>
    page_text_offset: np.ndarray  # int32[P], where the prose starts in text.TOKENS
    captured: np.ndarray  # bool[P, C], the page was fetched in crawl k
    link_src: np.ndarray  # int32[N]
    link_dst: np.ndarray  # int32[N]
    link_rel: np.ndarray  # uint8[N], REL_* bits
    link_anchor: np.ndarray  # int32[N], index into anchors
    link_added: np.ndarray  # int8[N]
    link_removed: np.ndarray  # int8[N] (== crawls: never removed)
    link_nav: np.ndarray  # bool[N], inside the page's navigation element
    anchors: list[str]  # text.base_anchors(), then one brand anchor per root domain
    farm_targets: np.ndarray  # int32[F], normal pages the farm links to
    domain_popularity: np.ndarray  # float[D], the Zipf weight that drew links to it (0: spam)

    @property
    def n_pages(self) -> int:
        return len(self.page_path)

    @property
    def n_crawls(self) -> int:
        return len(self.crawl_names)

    @property
    def domain_spam(self) -> np.ndarray:
        """bool[D]: farm domains and spam sites."""
        return self.domain_kind != NORMAL

    @property
    def domain_farm(self) -> np.ndarray:
        return self.domain_kind == FARM

    @cached_property
    def page_urls(self) -> list[str]:
        hosts, schemes = self.host_names, self.host_scheme
        return [
            f"{schemes[h]}://{hosts[h]}{path}"
            for h, path in zip(self.page_host.tolist(), self.page_path, strict=True)
        ]

    @cached_property
    def page_keys(self) -> list[str]:
        hosts = self.host_names
        return [
            hosts[h] + path for h, path in zip(self.page_host.tolist(), self.page_path, strict=True)
        ]

    @cached_property
    def page_is_home(self) -> np.ndarray:
        return np.array([p == "/" for p in self.page_path], dtype=bool)

    @cached_property
    def link_offsets(self) -> np.ndarray:
        """CSR offsets: slots of page p are [offsets[p], offsets[p + 1])."""
        return np.searchsorted(self.link_src, np.arange(self.n_pages + 1)).astype(np.int64)

    def subdomain(self, page: int) -> str:
        return self.host_names[int(self.page_host[page])]

    def root_domain(self, page: int) -> str:
        return self.domain_names[int(self.page_domain[page])]

    def title(self, page: int) -> str:
        a, b = self.page_title_words[page]
        vocab = text.TITLE_VOCAB
        return f"{vocab[a].title()} {vocab[b]} | {self.subdomain(page)}"

    def contact_count(self, page: int) -> int:
        """mailto:/tel: links in the page's footer when it answers 200."""
        d = int(self.page_domain[page])
        if self.domain_contact_home_only[d] and self.page_path[page] != "/":
            return 0
        return bin(int(self.domain_contact[d])).count("1")

    @cached_property
    def page_contact_links(self) -> np.ndarray:
        """int16[P]: mailto:/tel: links on the page when it answers 200."""
        d = self.page_domain
        shown = ~self.domain_contact_home_only[d] | self.page_is_home
        bits = np.where(shown, self.domain_contact[d], 0)
        return ((bits & CONTACT_EMAIL) > 0).astype(np.int16) + ((bits & CONTACT_PHONE) > 0)

    @cached_property
    def anchor_chars(self) -> np.ndarray:
        return text.str_lengths(self.anchors)

    @cached_property
    def _static_text(self) -> tuple[np.ndarray, np.ndarray]:
        """(characters, pieces) of a 200 page's visible text apart from its links: the title
        (in <title> and <h1>), the prose, the copyright line and the contact links."""
        vocab = text.str_lengths(list(text.TITLE_VOCAB))
        tw = self.page_title_words
        title = (
            vocab[tw[:, 0]]
            + 1
            + vocab[tw[:, 1]]
            + 3
            + text.str_lengths(self.host_names)[self.page_host]
        )
        names = text.str_lengths(self.domain_names)
        labels = text.str_lengths([text.label(n) for n in self.domain_names])
        d = self.page_domain
        shown = ~self.domain_contact_home_only[d] | self.page_is_home
        bits = np.where(shown, self.domain_contact[d], 0)
        email, phone = (bits & CONTACT_EMAIL) > 0, (bits & CONTACT_PHONE) > 0
        year = len(text.copyright_line(self.crawl_dates[0].year, ""))
        chars = (
            2 * title
            + text.prose_chars(self.page_text_offset, self.page_words)
            + year + labels[d]
            + email * (len(text.email("")) + names[d])
            + phone * text.PHONE_CHARS
        )  # fmt: skip
        pieces = 3 + (self.page_words > 0) + email + phone
        return chars.astype(np.int64), pieces.astype(np.int64)

    def text_chars(self, crawl: int, slots: np.ndarray | None = None) -> np.ndarray:
        """int64[P]: the folded visible text length of each page's HTML as of crawl k, for the
        pages that answer 200 then (see linkindex.synth.text). slots: visible_slots(crawl)."""
        vis = self.visible_slots(crawl) if slots is None else slots
        src = self.link_src[vis]
        live = np.bincount(src, minlength=self.n_pages)
        chars = np.bincount(
            src, weights=self.anchor_chars[self.link_anchor[vis]], minlength=self.n_pages
        ).astype(np.int64)
        static, pieces = self._static_text
        return static + chars + pieces + live - 1

    def fetch_time(self, page: int, crawl: int) -> datetime:
        # Spread captures over the crawl's day, never past it: a capture's date is its crawl's.
        d = self.crawl_dates[crawl]
        return datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(seconds=page % 86400)

    def alive_200(self, crawl: int) -> np.ndarray:
        """bool[P]: the page exists, is not gone and is not a redirect at crawl k."""
        return (self.page_birth <= crawl) & (crawl < self.page_death) & (self.page_redirect < 0)

    def status(self, page: int, crawl: int) -> int:
        """HTTP status of page at crawl k, or 0 when it was not captured in that crawl."""
        if not self.captured[page, crawl]:
            return 0
        if crawl >= self.page_death[page]:
            return 404
        if self.page_redirect[page] >= 0:
            return int(self.page_redirect_status[page])
        return 200

    def visible_slots(self, crawl: int) -> np.ndarray:
        """bool[N]: the slot is a link row of crawl k (its page was captured and answered 200)."""
        src = self.link_src
        ok = self.captured[:, crawl] & self.alive_200(crawl)
        return (self.link_added <= crawl) & (crawl < self.link_removed) & ok[src]

    def redirect_pages(self, crawl: int) -> np.ndarray:
        """int[]: pages captured at crawl k that answered with a redirect."""
        p = self.page_redirect >= 0
        live = (self.page_birth <= crawl) & (crawl < self.page_death)
        return np.flatnonzero(p & live & self.captured[:, crawl])

    def rows(self, page: int, crawl: int) -> list[tuple[int, int, bool]]:
        """Link rows (target page, rel bits, redirect) of page's capture at crawl k."""
        status = self.status(page, crawl)
        if status in (301, 302):
            return [(int(self.page_redirect[page]), 0, True)]
        if status != 200:
            return []
        return [
            (int(self.link_dst[i]), int(self.link_rel[i]), False)
            for i in self.live_slots(page, crawl)
        ]

    def live_slots(self, page: int, crawl: int) -> list[int]:
        """Slot indices in page's HTML at crawl k, assuming it answered 200 (in slot order)."""
        lo, hi = int(self.link_offsets[page]), int(self.link_offsets[page + 1])
        added, removed = self.link_added[lo:hi], self.link_removed[lo:hi]
        return (lo + np.flatnonzero((added <= crawl) & (crawl < removed))).tolist()


def name_traits(root_domain: str) -> list[str]:
    """Name traits as the spam signals measure them, read off the name itself."""
    label = text.label(root_domain)
    suffix = root_domain[len(label) + 1 :]
    out = []
    if suffix in SPAM_TLDS:
        out.append("spam_tld")
    if len(label) >= 16:
        out.append("long_name")
    if "-" in label:
        out.append("hyphens")
    if sum(ch.isdigit() for ch in label) >= 2:
        out.append("numerals")
    run = best = 0
    for ch in label:
        run = run + 1 if ch in "bcdfghjklmnpqrstvwxz" else 0
        best = max(best, run)
    if best >= 5:
        out.append("consonant_run")
    return out


def _path(rng_vals: tuple[int, int, int], j: int) -> str:
    style, sec, word = rng_vals
    s, w = _SECTIONS[sec], WORDS[word]
    if style == 0:
        return f"/{s}/{w}-{j}.html"
    if style == 1:
        return f"/{s}/{j}/"
    if style == 2:
        return f"/{s}/{w}-{j}"
    return f"/index.php?p={j}"


def layout(
    rng: np.random.Generator,
    names: list[str],
    n_pages_dom: np.ndarray,
    n_hosts: np.ndarray,
    https: np.ndarray,
    dom0: int,
    host0: int,
) -> tuple[list[str], np.ndarray, list[str], np.ndarray, list[str]]:
    """Hosts and page paths, domain by domain; each host's first page is its home page "/".

    Returns host names, host domains, host schemes, page hosts and page paths (global indices).
    """
    host_names: list[str] = []
    host_domain: list[int] = []
    host_scheme: list[str] = []
    page_host: list[np.ndarray] = []
    page_path: list[str] = []
    for d, name in enumerate(names):
        npg, nh = int(n_pages_dom[d]), int(n_hosts[d])
        labels = ["www" if rng.random() < 0.7 else ""]
        labels += [_SUB_LABELS[int(i)] for i in rng.permutation(len(_SUB_LABELS))[: nh - 1]]
        h0 = host0 + len(host_names)
        for lab in labels:
            host_names.append(f"{lab}.{name}" if lab else name)
            host_domain.append(dom0 + d)
            host_scheme.append("https" if https[d] else "http")
        rest = npg - nh
        weights = np.array([3.0] + [1.0] * (nh - 1))
        hosts = np.concatenate(
            [np.arange(nh), rng.choice(nh, size=rest, p=weights / weights.sum())]
        )
        page_host.append(h0 + hosts)
        vals = np.stack(
            [rng.integers(0, 4, rest), rng.integers(0, len(_SECTIONS), rest),
             rng.integers(0, len(WORDS), rest)], axis=1
        ).tolist()  # fmt: skip
        page_path += ["/"] * nh + [_path(tuple(v), j) for j, v in enumerate(vals, nh)]
    ph = np.concatenate(page_host) if page_host else np.empty(0, np.int64)
    return host_names, np.array(host_domain, np.int32), host_scheme, ph.astype(np.int32), page_path


def recrawls(rng: np.random.Generator, birth: np.ndarray, params: SynthParams) -> np.ndarray:
    """bool[P, C]: crawl 1 captures every existing page, later crawls recapture a share."""
    P, C = len(birth), params.crawls
    captured = np.zeros((P, C), dtype=bool)
    for k in range(C):
        exists = birth <= k
        again = rng.random(P) < (1.0 if k == 0 else params.recrawl_rate)
        captured[:, k] = exists & (again | (birth == k))
    return captured


def pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Weighted draw by inverse CDF: cum is the cumulative weight, u uniform in [0, 1)."""
    return np.searchsorted(cum, u * cum[-1], side="right").astype(np.int32)


def repeat_each(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i repeated counts[i] times, 0..counts[i]-1 within each i): the pairs of a ragged list."""
    rep = np.repeat(np.arange(len(counts)), counts)
    return rep, np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)


def visible_rows(s: Slots, visible: np.ndarray) -> np.ndarray:
    """int8[N]: in how many crawls' link rows each slot appears (visible: bool[P, C])."""
    vis = np.zeros(len(s.src), dtype=np.int8)
    for k in range(visible.shape[1]):
        vis += (s.added <= k) & (k < s.removed) & visible[s.src, k]
    return vis


def brand(root_domain: str, index: int) -> str:
    """The anchor other sites use to name a root domain: its name, or its label in words."""
    if index % 2:
        return root_domain
    return text.label(root_domain).replace("-", " ").title()


def build_web(params: SynthParams) -> Web:
    """Draw a whole web from params; the same params always give the same web."""
    from linkindex.synth import normal, spam  # both build on this module's parts

    C = params.crawls
    dates = crawl_dates(params.first_crawl, C, params.months_apart)
    nw = normal.normal_web(params)
    parts = [nw.part]

    def offsets() -> tuple[int, int, int]:
        return (
            sum(len(p.names) for p in parts),
            sum(len(p.host_names) for p in parts),
            sum(len(p.page_path) for p in parts),
        )

    farm_part, farm_targets = spam.farm(params, nw, *offsets())
    parts.append(farm_part)
    parts.append(spam.spam_sites(params, nw, *offsets()))

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    names = [n for p in parts for n in p.names]
    kind = np.concatenate([np.full(len(p.names), p.kind, np.int8) for p in parts])
    n_pages_dom = cat("n_pages_dom")
    first_page = np.zeros(len(names) + 1, dtype=np.int64)
    first_page[1:] = np.cumsum(n_pages_dom)
    host_domain = cat("host_domain").astype(np.int32)
    page_host = cat("page_host").astype(np.int32)
    page_domain = host_domain[page_host]
    birth, death, redirect = cat("birth"), cat("death"), cat("redirect")
    captured = np.concatenate([p.captured for p in parts], axis=0)
    ks = np.arange(C)
    visible = captured & ((birth[:, None] <= ks) & (ks < death[:, None]) & (redirect[:, None] < 0))

    # Random normal slots fill what menus, partners, farm and spam leave of params.links.
    fixed = Slots.concat([s for p in parts for s in p.slots])
    target_rows = None
    if params.links is not None:
        redirect_rows = int(
            (
                (redirect[:, None] >= 0) & (birth[:, None] <= ks) & (ks < death[:, None]) & captured
            ).sum()
        )
        fixed_rows = int(visible_rows(fixed, visible).sum(dtype=np.int64))
        target_rows = params.links - redirect_rows - fixed_rows
        if target_rows < 0:
            raise ValueError(
                f"links={params.links:,} is fewer than the {redirect_rows + fixed_rows:,} rows of"
                " this web's redirects, menus and spam alone; ask for more links or fewer"
                " root_domains (about 12+ link rows per page over 3 crawls)"
            )
    slots = Slots.concat([normal.random_slots(nw, params, target_rows), fixed])

    # Document order: navigation first (last when it sits in the footer), then the body links.
    nav_style = cat("nav_style")
    in_footer = nav_style[page_domain[slots.src]] == NAV_STYLES.index("footer")
    pos = np.where(slots.nav, np.where(in_footer, 2, 0), 1)
    order = np.argsort(slots.src.astype(np.int64) * 3 + pos, kind="stable")
    slots = slots.take(order)
    anchors = text.base_anchors() + [brand(n, d) for d, n in enumerate(names)]
    return Web(
        params=params,
        crawl_names=[f"synth-{d.isoformat()}" for d in dates],
        crawl_dates=dates,
        domain_names=names,
        domain_kind=kind,
        domain_traits=[t for p in parts for t in p.traits],
        domain_first_page=first_page,
        domain_contact=cat("contact").astype(np.int8),
        domain_contact_home_only=cat("contact_home_only").astype(bool),
        domain_nav_style=nav_style.astype(np.int8),
        domain_script_bytes=cat("script_bytes").astype(np.int32),
        domain_html=cat("html").astype(np.int8),
        host_names=[h for p in parts for h in p.host_names],
        host_domain=host_domain,
        host_scheme=[s for p in parts for s in p.host_scheme],
        page_host=page_host,
        page_domain=page_domain.astype(np.int32),
        page_path=[x for p in parts for x in p.page_path],
        page_birth=birth.astype(np.int8),
        page_death=death.astype(np.int8),
        page_redirect=redirect.astype(np.int32),
        page_redirect_status=cat("redirect_status").astype(np.int16),
        page_title_words=np.concatenate([p.title_words for p in parts], axis=0).astype(np.int32),
        page_words=cat("words").astype(np.int32),
        page_text_offset=cat("text_offset").astype(np.int32),
        captured=captured,
        link_src=slots.src.astype(np.int32),
        link_dst=slots.dst.astype(np.int32),
        link_rel=slots.rel.astype(np.uint8),
        link_anchor=slots.anchor.astype(np.int32),
        link_added=slots.added.astype(np.int8),
        link_removed=slots.removed.astype(np.int8),
        link_nav=slots.nav.astype(bool),
        anchors=anchors,
        farm_targets=farm_targets.astype(np.int32),
        domain_popularity=np.concatenate(
            [np.diff(nw.pop_dom_cum, prepend=0.0), np.zeros(len(names) - len(nw.pop_dom_cum))]
        ),
    )
