"""The synthetic web itself: domains, hosts, pages, link slots and how they change across crawls.

All draws come from one numpy Generator seeded by SynthParams.seed: a seed fixes the whole web.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import numpy as np

# Bits of Web.link_rel; a link counts as "nofollow" in ground truth when any bit is set.
REL_NOFOLLOW = 1
REL_UGC = 2
REL_SPONSORED = 4

# Multi-label suffixes are here on purpose: the root domain of blog.x.co.uk is x.co.uk, not co.uk.
_TLDS = ("com", "org", "net", "io", "de", "fr", "co.uk", "org.uk", "com.au", "co.jp")
_TLD_WEIGHTS = (0.42, 0.09, 0.08, 0.05, 0.08, 0.04, 0.12, 0.03, 0.06, 0.03)
_SPAM_TLDS = ("com", "net", "info", "xyz")
_SUB_LABELS = ("blog", "shop", "news", "docs", "m", "forum", "help", "shop2")
_SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in "aeiou") + ("ex", "on", "ar", "is")
_SPAM_WORDS = (
    "best", "cheap", "loans", "casino", "pills", "seo", "backlinks", "free", "win", "cash",
    "deals", "top", "online", "bonus", "fast", "crypto", "viagra", "replica", "outlet", "guru",
)  # fmt: skip
WORDS = (
    "alpha", "river", "garden", "market", "travel", "recipe", "guide", "review", "photo", "music",
    "health", "sport", "science", "history", "design", "energy", "finance", "city", "school",
    "data", "cloud", "green", "ocean", "mountain", "coffee", "book", "movie", "game", "family",
    "code",
)  # fmt: skip
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
    """Knobs of the generator; the defaults make a web of roughly 700 pages and 6k link rows."""

    seed: int = 7
    root_domains: int = 60  # normal (non-spam) registered domains
    pages_per_domain: int = 12  # mean; the count per domain is geometric, so a few are big
    crawls: int = 3
    links: int | None = None  # target total link rows over all crawls; None: out_degree per page
    out_degree: float = 8.0  # mean link slots per normal page when links is None
    spam_domains: int = 8  # size of the planted link farm (0 disables it)
    farm_targets: int = 2  # normal pages the farm pushes
    first_crawl: date = date(2026, 1, 15)
    months_apart: int = 2
    zipf_exponent: float = 1.1  # domain popularity ~ 1 / rank**s: a few hubs get most links
    internal_share: float = 0.5  # share of link slots that stay on the source root domain
    nofollow_share: float = 0.08
    ugc_share: float = 0.03
    sponsored_share: float = 0.02
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
class Web:
    """A generated web: page-level and link-slot-level numpy arrays plus the names they index.

    A link slot is one <a href> on one page; it is in the page's HTML at crawl k when
    link_added <= k < link_removed and the page answers 200 at k. Slots are sorted by source page.
    """

    params: SynthParams
    crawl_names: list[str]
    crawl_dates: list[date]
    domain_names: list[str]
    domain_spam: np.ndarray  # bool[D]
    domain_first_page: np.ndarray  # int64[D + 1], pages of domain d are [first[d], first[d + 1])
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
    captured: np.ndarray  # bool[P, C], the page was fetched in crawl k
    link_src: np.ndarray  # int32[N]
    link_dst: np.ndarray  # int32[N]
    link_rel: np.ndarray  # uint8[N], REL_* bits
    link_anchor: np.ndarray  # int32[N], index into anchors
    link_added: np.ndarray  # int8[N]
    link_removed: np.ndarray  # int8[N] (== crawls: never removed)
    anchors: list[str]
    page_title_words: np.ndarray  # int32[P, 2], indices into WORDS
    farm_targets: np.ndarray  # int32[F], normal pages the farm links to

    @property
    def n_pages(self) -> int:
        return len(self.page_path)

    @property
    def n_crawls(self) -> int:
        return len(self.crawl_names)

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
    def link_offsets(self) -> np.ndarray:
        """CSR offsets: slots of page p are [offsets[p], offsets[p + 1])."""
        return np.searchsorted(self.link_src, np.arange(self.n_pages + 1)).astype(np.int64)

    def subdomain(self, page: int) -> str:
        return self.host_names[int(self.page_host[page])]

    def root_domain(self, page: int) -> str:
        return self.domain_names[int(self.page_domain[page])]

    def title(self, page: int) -> str:
        a, b = self.page_title_words[page]
        return f"{WORDS[a].title()} {WORDS[b]} | {self.subdomain(page)}"

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


def _domain_name(rng: np.random.Generator, index: int, tld: str) -> str:
    n = int(rng.integers(2, 4))
    stem = "".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), n))
    # The index suffix on a share of names keeps them unique without a retry loop.
    return f"{stem}{index}.{tld}" if rng.random() < 0.5 else f"{stem}.{tld}"


def _spam_name(rng: np.random.Generator, index: int) -> str:
    words = [
        _SPAM_WORDS[int(i)] for i in rng.integers(0, len(_SPAM_WORDS), int(rng.integers(3, 6)))
    ]
    tld = _SPAM_TLDS[int(rng.integers(0, len(_SPAM_TLDS)))]
    return f"{'-'.join(words)}-{int(rng.integers(100, 99999))}-{index}.{tld}"


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


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Weighted draw by inverse CDF: cum is the cumulative weight, u uniform in [0, 1)."""
    return np.searchsorted(cum, u * cum[-1], side="right").astype(np.int32)


ANCHORS = [f"{a} {b}" for a in WORDS for b in WORDS] + ["best cheap deals", "click here"]


@dataclass
class _SlotContext:
    params: SynthParams
    first_page: np.ndarray
    n_pages_dom: np.ndarray
    page_domain: np.ndarray
    birth: np.ndarray
    redirect: np.ndarray
    visible: np.ndarray  # bool[P, C], captured and answering 200
    pop_dom_cum: np.ndarray  # where external links point, by domain
    src_dom_cum: np.ndarray  # where links come from, by domain
    decay_cum: np.ndarray  # within a domain, earlier pages (home first) are more popular


@dataclass
class _Slots:
    src: np.ndarray
    dst: np.ndarray
    rel: np.ndarray
    anchor: np.ndarray
    added: np.ndarray
    removed: np.ndarray
    valid: np.ndarray
    vis: np.ndarray  # how many crawls' link rows the slot appears in


def _draw_slots(rng: np.random.Generator, n: int, ctx: _SlotContext) -> _Slots:
    """n i.i.d. normal link slots; picks go domain first, then page, to stay in cache at scale."""
    p, C = ctx.params, ctx.params.crawls
    sdom = _pick(ctx.src_dom_cum, rng.random(n))
    lo, cnt = ctx.first_page[sdom], ctx.n_pages_dom[sdom]
    src = (lo + (rng.random(n) * cnt).astype(np.int64)).astype(np.int32)
    internal = rng.random(n) < p.internal_share
    off = np.where(rng.random(n) < 0.25, 0, (rng.random(n) * cnt).astype(np.int64))
    idst = lo + off
    idst = np.where(idst == src, lo + (off + 1) % cnt, idst)
    edom = _pick(ctx.pop_dom_cum, rng.random(n))
    ecnt = ctx.n_pages_dom[edom]
    eoff = np.searchsorted(ctx.decay_cum, rng.random(n) * ctx.decay_cum[ecnt - 1], side="right")
    edst = ctx.first_page[edom] + np.minimum(eoff, ecnt - 1)
    dst = np.where(internal, idst, edst).astype(np.int32)
    u = rng.random(n)
    t1 = p.nofollow_share
    t2 = t1 + p.ugc_share
    t3 = t2 + p.sponsored_share
    rel = np.select(
        [u < t1, u < t2, u < t3, u < t3 + 0.01],
        [REL_NOFOLLOW, REL_UGC, REL_SPONSORED, REL_UGC | REL_NOFOLLOW],
        0,
    ).astype(np.uint8)
    anchor = rng.integers(0, len(WORDS) ** 2, n).astype(np.int32)
    added = np.zeros(n, dtype=np.int8)
    if C > 1:
        gained = rng.random(n) < p.gained_rate
        added[gained] = rng.integers(1, C, int(gained.sum()))
    removed = np.full(n, C, dtype=np.int8)
    for k in range(1, C):
        lost = (removed == C) & (added < k) & (rng.random(n) < p.lost_rate)
        removed[lost] = k
    added = np.maximum(added, ctx.birth[src])
    # Redirect pages carry no HTML links; a slot drawn on one is simply dropped.
    valid = (dst != src) & (added < removed) & (ctx.redirect[src] < 0)
    vis = np.zeros(n, dtype=np.int8)
    for k in range(C):
        vis += (added <= k) & (k < removed) & ctx.visible[src, k]
    vis[~valid] = 0
    return _Slots(src, dst, rel, anchor, added, removed, valid, vis)


def build_web(params: SynthParams) -> Web:
    """Draw a whole web from params; the same params always give the same web."""
    rng = np.random.default_rng(params.seed)
    C = params.crawls
    dates = crawl_dates(params.first_crawl, C, params.months_apart)

    # Domains: normal ones first, then the farm, so a domain index says which kind it is.
    n_norm, n_spam = params.root_domains, params.spam_domains
    tld_idx = rng.choice(len(_TLDS), size=n_norm, p=np.array(_TLD_WEIGHTS) / sum(_TLD_WEIGHTS))
    names: list[str] = []
    seen: set[str] = set()
    for d in range(n_norm):
        name = _domain_name(rng, d, _TLDS[int(tld_idx[d])])
        if name in seen:
            name = name.replace(".", f"{d}.", 1)
        seen.add(name)
        names.append(name)
    names += [_spam_name(rng, d) for d in range(n_spam)]
    D = n_norm + n_spam
    spam = np.zeros(D, dtype=bool)
    spam[n_norm:] = True
    n_pages_dom = np.empty(D, dtype=np.int64)
    n_pages_dom[:n_norm] = np.minimum(
        rng.geometric(1 / max(params.pages_per_domain, 1), n_norm), 20 * params.pages_per_domain
    )
    n_pages_dom[n_norm:] = rng.integers(3, 7, n_spam)

    # Hosts and pages, domain by domain; each host's first page is its home page "/".
    host_names: list[str] = []
    host_domain: list[int] = []
    host_scheme: list[str] = []
    page_host_l: list[np.ndarray] = []
    page_path: list[str] = []
    for d in range(D):
        npg = int(n_pages_dom[d])
        n_hosts = min(npg, 1 + int(rng.binomial(3, 0.3)) if not spam[d] else 1)
        labels = ["www" if rng.random() < 0.7 else ""]
        extra = rng.permutation(len(_SUB_LABELS))[: n_hosts - 1]
        labels += [_SUB_LABELS[int(i)] for i in extra]
        h0 = len(host_names)
        https = rng.random() < 0.85
        for lab in labels:
            host_names.append(f"{lab}.{names[d]}" if lab else names[d])
            host_domain.append(d)
            host_scheme.append("https" if https else "http")
        rest = npg - n_hosts
        weights = np.array([3.0] + [1.0] * (n_hosts - 1))
        hosts = np.concatenate(
            [np.arange(n_hosts), rng.choice(n_hosts, size=rest, p=weights / weights.sum())]
        )
        page_host_l.append(h0 + hosts)
        vals = np.stack(
            [rng.integers(0, 4, rest), rng.integers(0, len(_SECTIONS), rest),
             rng.integers(0, len(WORDS), rest)], axis=1
        ).tolist()  # fmt: skip
        page_path += ["/"] * n_hosts + [_path(tuple(v), j) for j, v in enumerate(vals, n_hosts)]
    page_host = np.concatenate(page_host_l).astype(np.int32)
    host_domain_a = np.array(host_domain, dtype=np.int32)
    page_domain = host_domain_a[page_host]
    P = len(page_path)
    first_page = np.zeros(D + 1, dtype=np.int64)
    first_page[1:] = np.cumsum(n_pages_dom)
    is_home = np.zeros(P, dtype=bool)
    is_home[first_page[:-1]] = True
    page_is_spam = spam[page_domain]

    # Page life: late births, 404 deaths and redirects only touch normal non-home pages.
    mortal = ~is_home & ~page_is_spam
    birth = np.zeros(P, dtype=np.int8)
    if C > 1:
        late = mortal & (rng.random(P) < params.late_birth_rate)
        birth[late] = rng.integers(1, C, int(late.sum()))
    death = np.full(P, C, dtype=np.int8)
    for k in range(1, C):
        dies = mortal & (death == C) & (birth < k) & (rng.random(P) < params.death_rate)
        death[dies] = k

    # External popularity: Zipf over a random ranking of domains, then a decay over a
    # domain's pages, so a few home pages of a few domains become the hubs.
    rank = rng.permutation(n_norm) + 1
    dom_w = np.zeros(D)
    dom_w[:n_norm] = 1.0 / rank.astype(float) ** params.zipf_exponent
    within = np.arange(P) - first_page[page_domain]
    page_w = dom_w[page_domain] / (within + 1.0) ** 1.2
    pop_cum = np.cumsum(page_w)  # only for the few redirect targets

    redirect = np.full(P, -1, dtype=np.int32)
    is_redir = mortal & (rng.random(P) < params.redirect_share)
    r_idx = np.flatnonzero(is_redir)
    cross = rng.random(len(r_idx)) < 0.5
    dom = page_domain[r_idx]
    lo, cnt = first_page[dom], n_pages_dom[dom]
    same = (lo + (within[r_idx] + 1 + rng.integers(0, np.maximum(cnt - 1, 1))) % cnt).astype(
        np.int32
    )
    tgt = np.where(cross, _pick(pop_cum, rng.random(len(r_idx))), same)
    # No chains and no self-redirects: a target that is itself a redirect becomes its home page.
    bad = is_redir[tgt] | (tgt == r_idx)
    tgt[bad] = first_page[page_domain[tgt[bad]]]
    redirect[r_idx] = tgt
    redirect_status = np.where(redirect >= 0, np.where(rng.random(P) < 0.7, 301, 302), 0)

    captured = np.zeros((P, C), dtype=bool)
    for k in range(C):
        exists = birth <= k
        again = rng.random(P) < (1.0 if k == 0 else params.recrawl_rate)
        captured[:, k] = exists & (again | (birth == k))

    alive200 = np.stack([(birth <= k) & (k < death) & (redirect < 0) for k in range(C)], axis=1)
    ctx = _SlotContext(
        params=params,
        first_page=first_page,
        n_pages_dom=n_pages_dom,
        page_domain=page_domain,
        birth=birth,
        redirect=redirect,
        visible=captured & alive200,
        pop_dom_cum=np.cumsum(dom_w),
        src_dom_cum=np.cumsum(np.where(spam, 0.0, n_pages_dom * rng.lognormal(0.0, 0.8, D))),
        decay_cum=np.cumsum(1.0 / (np.arange(int(n_pages_dom.max())) + 1.0) ** 1.2),
    )

    # Farm: every spam page links to other spam domains and to the farm targets, stable over time.
    farm_targets = np.empty(0, dtype=np.int32)
    f_src = np.empty(0, dtype=np.int32)
    f_dst = np.empty(0, dtype=np.int32)
    if n_spam:
        candidates = np.flatnonzero(~is_home & ~page_is_spam & (redirect < 0) & (birth == 0))
        candidates = candidates[death[candidates] == C]
        farm_targets = rng.choice(
            candidates, size=min(params.farm_targets, len(candidates)), replace=False
        ).astype(np.int32)
        spam_pages = np.flatnonzero(page_is_spam)
        per = 12
        f_src = np.repeat(spam_pages, per + 2 * len(farm_targets)).astype(np.int32)
        peers = rng.choice(spam_pages, size=(len(spam_pages), per))
        tg = np.tile(np.repeat(farm_targets, 2), (len(spam_pages), 1))
        f_dst = np.concatenate([peers, tg], axis=1).ravel().astype(np.int32)
        keep = page_domain[f_src] != page_domain[f_dst]
        keep |= ~spam[page_domain[f_dst]]
        f_src, f_dst = f_src[keep], f_dst[keep]

    # Normal slots: how many to draw so the link rows land near params.links.
    redirect_rows = sum(
        int(((redirect >= 0) & (birth <= k) & (k < death) & captured[:, k]).sum()) for k in range(C)
    )
    farm_rows = int(captured[f_src].sum()) if len(f_src) else 0
    if params.links is None:
        n_slots = int(round(params.out_degree * int((~page_is_spam & (redirect < 0)).sum())))
        slots = _draw_slots(rng, n_slots, ctx)
    else:
        target_rows = max(params.links - redirect_rows - farm_rows, 0)
        # A pilot draw from a side stream measures rows per slot; over-draw a little, then cut:
        # slots are i.i.d., so a prefix is an unbiased sample and the total is exact.
        pilot = _draw_slots(np.random.default_rng([params.seed, 1]), 100_000, ctx)
        per_slot = max(float(pilot.vis.mean()), 0.05)
        slots = _draw_slots(rng, int(target_rows / per_slot * 1.02) + 1000, ctx)
        total = np.cumsum(slots.vis, dtype=np.int64)
        cut = int(np.searchsorted(total, target_rows, side="right"))
        short = target_rows - (int(total[cut - 1]) if cut else 0)
        # A slot can be in up to C crawls, so the prefix may fall short by < C rows: top up
        # with the next slot that fills the gap exactly.
        extra = np.flatnonzero(slots.vis[cut:] == short)[:1] + cut if short else []
        keep = np.zeros(len(slots.vis), dtype=bool)
        keep[:cut] = True
        keep[extra] = True
        slots.valid &= keep
    valid = slots.valid
    src, dst, rel, anchor = slots.src, slots.dst, slots.rel, slots.anchor
    added, removed = slots.added, slots.removed

    n_f = len(f_src)
    src_all = np.concatenate([src[valid], f_src])
    order = np.argsort(src_all, kind="stable")
    cat = lambda a, b: np.concatenate([a[valid], b])[order]  # noqa: E731
    word_pairs = rng.integers(0, len(WORDS), (P, 2)).astype(np.int32)
    anchors = ANCHORS
    return Web(
        params=params,
        crawl_names=[f"synth-{d.isoformat()}" for d in dates],
        crawl_dates=dates,
        domain_names=names,
        domain_spam=spam,
        domain_first_page=first_page,
        host_names=host_names,
        host_domain=host_domain_a,
        host_scheme=host_scheme,
        page_host=page_host,
        page_domain=page_domain.astype(np.int32),
        page_path=page_path,
        page_birth=birth,
        page_death=death,
        page_redirect=redirect,
        page_redirect_status=redirect_status.astype(np.int16),
        captured=captured,
        link_src=src_all[order].astype(np.int32),
        link_dst=cat(dst, f_dst).astype(np.int32),
        link_rel=cat(rel, np.zeros(n_f, np.uint8)),
        link_anchor=cat(anchor, np.full(n_f, len(anchors) - 2, np.int32)),
        link_added=cat(added, np.zeros(n_f, np.int8)),
        link_removed=cat(removed, np.full(n_f, C, np.int8)),
        anchors=anchors,
        page_title_words=word_pairs,
        farm_targets=farm_targets,
    )
