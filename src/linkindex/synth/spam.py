"""The spam of a synthetic web: the link farm and the penalized spam sites, each its own stream.

Spam sites draw every trait independently with the probabilities in SPAM_TRAITS, so no trait is
certain for spam and (see model.NORMAL_TRAITS) none is impossible for a normal site.
"""

from __future__ import annotations

import re

import numpy as np

from linkindex.synth import text
from linkindex.synth.model import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    FARM,
    HTML_NOSCRIPT,
    HTML_STYLE,
    NAV_STYLES,
    REL_NOFOLLOW,
    REL_SPONSORED,
    REL_UGC,
    SPAM_SITE,
    SPAM_TLDS,
    WORDS,
    Part,
    Slots,
    SynthParams,
    layout,
    name_traits,
    pick,
    recrawls,
    repeat_each,
)
from linkindex.synth.normal import NormalWeb

# The chance that a spam site has each trait (docs/synth.md). Name traits shape the name; the
# ground truth lists the traits the name really has (model.name_traits).
SPAM_TRAITS: dict[str, float] = {
    "spam_tld": 0.40,  # xyz, top, info, biz, click, online, site, icu, buzz, club
    "long_name": 0.35,  # 3-5 words, 16+ characters
    "hyphens": 0.35,
    "numerals": 0.30,
    "consonant_run": 0.12,  # a random 5-7 consonant string in the name
    "poison_title": 0.45,  # a poison word in every title (pharma, gambling, loans, adult kinds)
    "poison_anchors": 0.45,  # outbound anchors from the kind's poison phrases
    "thin_pages": 0.35,  # 0-14 words of prose and, unless many_external, 1-5 external links
    "anchor_heavy": 0.30,  # 0-39 words and long anchors
    "many_external": 0.35,  # 25-60 external links per page (else 3-12)
    "few_internal": 0.40,  # no menu, no internal links
    "external_nav": 0.30,  # 3-8 site-wide external links in the navigation
    "no_contact": 0.50,
    "http_only": 0.35,
    "few_pages": 0.40,  # 1-2 pages (else 3-40, 12 on average)
    "markup_heavy": 0.25,  # a 20-80 KB inline script on every page
    "few_inbound": 0.30,  # no other spam links to it; 20-60 pages unless few_pages (autoblogs)
    "comment_spam": 0.40,  # 5-24 ugc/nofollow links to it from random normal pages
    "sitewide_inbound": 0.25,  # paid links to it in the navigation of every page of one big
    # normal site (few linking root domains for many linking pages)
}
# Kind weights: poison kinds first (text.POISON), then the clean ones.
_KIND_WEIGHTS = np.array([0.2, 0.2, 0.15, 0.1, 0.1, 0.1, 0.1, 0.05])
# Traits the farm draws; its names and links have a fixed shape.
_FARM_DRAWN = (
    "poison_title", "poison_anchors", "thin_pages", "anchor_heavy", "external_nav", "no_contact",
    "http_only", "markup_heavy",
)  # fmt: skip
_FARM_TLDS = ("com", "net", "info", "xyz")
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_POISON_RE = re.compile(r"\b(" + "|".join(text.POISON_WORDS) + r")\b")
_FARM_PEERS = 12  # links from each farm page to pages of other farm domains


def _kinds(rng: np.random.Generator, n: int) -> list[str]:
    w = _KIND_WEIGHTS / _KIND_WEIGHTS.sum()
    return [text.SPAM_KINDS[int(i)] for i in rng.choice(len(text.SPAM_KINDS), size=n, p=w)]


def _spam_name(rng: np.random.Generator, kind: str, draw: dict[str, bool], taken: set[str]) -> str:
    pool = text.KIND_WORDS[kind] + text.HYPE
    tld = (
        SPAM_TLDS[int(rng.integers(0, len(SPAM_TLDS)))]
        if draw["spam_tld"]
        else ("com", "net", "org")[int(rng.integers(0, 3))]
    )
    while True:
        n = int(rng.integers(3, 6)) if draw["long_name"] else int(rng.integers(1, 3))
        words = [pool[int(i)] for i in rng.integers(0, len(pool), n)]
        if draw["consonant_run"]:
            run = "".join(_CONSONANTS[int(i)] for i in rng.integers(0, 20, int(rng.integers(5, 8))))
            words.insert(int(rng.integers(0, len(words) + 1)), run)
        sep = "-" if draw["hyphens"] else ""
        while draw["long_name"] and len(sep.join(words)) < 16:
            words.append(pool[int(rng.integers(0, len(pool)))])
        name = sep.join(words)
        if draw["numerals"]:
            name += sep + str(int(rng.integers(10, 9999)))
        full = f"{name}.{tld}"
        # One number group at most, so never the shape of a farm name (two groups).
        if full not in taken:
            return full


def _farm_name(rng: np.random.Generator, index: int, kind: str) -> str:
    pool = text.KIND_WORDS[kind] + text.HYPE
    words = [pool[int(i)] for i in rng.integers(0, len(pool), int(rng.integers(3, 6)))]
    tld = _FARM_TLDS[int(rng.integers(0, len(_FARM_TLDS)))]
    return f"{'-'.join(words)}-{int(rng.integers(10000, 99999))}-{index}.{tld}"


def _traits(names: list[str], draws: dict[str, np.ndarray], drawn: tuple[str, ...]) -> list:
    """Per domain: the name's traits, the drawn ones, and poison_title when the name has one."""
    out = []
    for d, name in enumerate(names):
        ts = set(name_traits(name)) | {t for t in drawn if draws[t][d]}
        if _POISON_RE.search(name):
            ts.add("poison_title")
        out.append(tuple(sorted(ts)))
    return out


def _pages(
    rng: np.random.Generator,
    kinds: list[str],
    draws: dict[str, np.ndarray],
    page_domain: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Words, prose offsets and title words of spam pages (local domain indices)."""
    P = len(page_domain)
    words = rng.integers(40, 300, P)
    words = np.where(draws["anchor_heavy"][page_domain], rng.integers(0, 40, P), words)
    words = np.where(draws["thin_pages"][page_domain], rng.integers(0, 15, P), words)
    offset = text.PROSE_REGION + (rng.random(P) * (text.PROSE_REGION - words + 1)).astype(int)
    hype = np.take(text.HYPE_TITLE, rng.integers(0, len(text.HYPE_TITLE), P))
    pick_word = rng.integers(0, 1 << 20, P)
    second = rng.integers(0, len(WORDS), P)
    for d, kind in enumerate(kinds):
        if draws["poison_title"][d] or kind in text.CLEAN_SPAM:
            pages = page_domain == d
            kw = text.KIND_TITLE[kind]
            second[pages] = np.take(kw, pick_word[pages] % len(kw))
    title = np.stack([hype, second], axis=1).astype(np.int32)
    return words.astype(np.int32), offset.astype(np.int32), title


def _site_attrs(rng: np.random.Generator, draws: dict[str, np.ndarray], n: int) -> dict:
    """Footer contacts, navigation element, inline script and extra markup of spam domains."""
    contact = np.where(
        draws["no_contact"], 0, CONTACT_EMAIL | np.where(rng.random(n) < 0.4, CONTACT_PHONE, 0)
    ).astype(np.int8)
    script = np.where(rng.random(n) < 0.3, rng.integers(80, 300, n), 0)
    script = np.where(draws["markup_heavy"], rng.integers(20_000, 80_000, n), script)
    html = np.where(rng.random(n) < 0.3, HTML_STYLE, 0) | np.where(
        (script > 0) & (rng.random(n) < 0.3), HTML_NOSCRIPT, 0
    )
    return {
        "contact": contact,
        "contact_home_only": (contact > 0) & (rng.random(n) < 0.5),
        "nav_style": rng.choice(len(NAV_STYLES), size=n, p=[0.35, 0.2, 0.1, 0.3, 0.05]).astype(
            np.int8
        ),
        "script_bytes": script.astype(np.int32),
        "html": html.astype(np.int8),
    }


def _anchors(
    rng: np.random.Generator,
    kinds: list[str],
    kind_anchors: np.ndarray,
    long: np.ndarray,
    dom: np.ndarray,
) -> np.ndarray:
    """Anchors of spam links from local domains dom: the kind's phrases where kind_anchors[d],
    long ("... online") ones where long[d], else generic spam anchors or word pairs."""
    n = len(dom)
    u = rng.integers(0, 1 << 20, n)
    generic = np.where(
        rng.random(n) < 0.4,
        text.GENERIC0 + u % len(text.GENERIC_SPAM_ANCHORS),
        u % len(WORDS) ** 2,
    )
    start = np.array([text.KIND_ANCHOR0[k] for k in kinds], np.int64)
    size = np.array([len(text.KIND_ANCHORS[k]) for k in kinds], np.int64)
    n_long = np.array([len(text.KIND_WORDS[k]) * 3 for k in kinds], np.int64)
    short_size = size - n_long
    kind = start[dom] + np.where(long[dom], short_size[dom] + u % n_long[dom], u % short_size[dom])
    return np.where(kind_anchors[dom], kind, generic).astype(np.int32)


def _part(
    kind_code: int,
    names: list[str],
    traits: list,
    n_pages_dom: np.ndarray,
    rng: np.random.Generator,
    params: SynthParams,
    draws: dict[str, np.ndarray],
    kinds: list[str],
    dom0: int,
    host0: int,
) -> tuple[Part, np.ndarray]:
    """The Part of spam domains (one host each, every page stable) and its local page domains."""
    n = len(names)
    C = params.crawls
    host_names, host_domain, host_scheme, page_host, page_path = layout(
        rng, names, n_pages_dom, np.ones(n, np.int64), ~draws["http_only"], dom0, host0
    )
    page_domain = host_domain[page_host - host0] - dom0
    P = len(page_path)
    birth = np.zeros(P, np.int8)
    captured = recrawls(rng, birth, params)
    words, offset, title = _pages(rng, kinds, draws, page_domain)
    part = Part(
        kind=kind_code, names=names, traits=traits, n_pages_dom=n_pages_dom.astype(np.int64),
        host_names=host_names, host_domain=host_domain, host_scheme=host_scheme,
        page_host=page_host, page_path=page_path, birth=birth, death=np.full(P, C, np.int8),
        redirect=np.full(P, -1, np.int32), redirect_status=np.zeros(P, np.int16),
        captured=captured, title_words=title, words=words, text_offset=offset,
        **_site_attrs(rng, draws, n),
    )  # fmt: skip
    return part, page_domain


def farm(
    params: SynthParams, nw: NormalWeb, dom0: int, host0: int, page0: int
) -> tuple[Part, np.ndarray]:
    """The link farm and the normal pages it pushes (global indices)."""
    rng = np.random.default_rng([params.seed, 1])
    F, C = params.spam_domains, params.crawls
    draws = {t: rng.random(F) < p for t, p in SPAM_TRAITS.items()}
    kinds = _kinds(rng, F)
    for t in ("poison_title", "poison_anchors"):
        draws[t] &= np.array([k in text.POISON for k in kinds], bool)
    names = [_farm_name(rng, d, kinds[d]) for d in range(F)]
    traits = [tuple(sorted({*t, "few_internal"})) for t in _traits(names, draws, _FARM_DRAWN)]
    n_pages_dom = rng.integers(3, 7, F)
    part, page_domain = _part(
        FARM, names, traits, n_pages_dom, rng, params, draws, kinds, dom0, host0
    )
    # Farm targets: stable normal non-home pages (they exist, answer 200 and never move).
    npart = nw.part
    first = nw.first_page
    stable = (npart.redirect < 0) & (npart.birth == 0) & (npart.death == C)
    stable[first[:-1]] = False
    candidates = np.flatnonzero(stable)
    n_targets = min(params.farm_targets, len(candidates)) if F else 0
    targets = rng.choice(candidates, size=n_targets, replace=False).astype(np.int32)
    P = len(page_domain)
    if not P:
        return part, targets
    # Each farm page: _FARM_PEERS links to random farm pages (other domains only), then two to
    # each farm target; the target links sit in the navigation on external_nav domains.
    local = np.arange(P)
    peers = rng.choice(P, size=(P, _FARM_PEERS))
    tg = np.tile(np.repeat(targets - page0, 2), (P, 1))
    src = np.repeat(local, _FARM_PEERS + 2 * n_targets)
    dst = np.concatenate([peers, tg], axis=1).ravel()
    is_target = np.tile(np.r_[np.zeros(_FARM_PEERS, bool), np.ones(2 * n_targets, bool)], P)
    sdom = page_domain[src]
    poisoned = draws["poison_anchors"] | np.array([k in text.CLEAN_SPAM for k in kinds], bool)
    anchor = _anchors(rng, kinds, poisoned, draws["anchor_heavy"], sdom)
    anchor = np.where(is_target, rng.integers(0, len(WORDS) ** 2, len(src)), anchor)
    keep = is_target | (page_domain[np.clip(dst, 0, P - 1)] != sdom)
    nav = is_target & draws["external_nav"][sdom]
    s = Slots.stable(src + page0, dst + page0, anchor, np.zeros(len(src)), C, nav=nav)
    part.slots.append(s.take(keep))
    return part, targets


def spam_sites(params: SynthParams, nw: NormalWeb, dom0: int, host0: int, page0: int) -> Part:
    """The penalized spam sites: names, pages and links shaped by each site's drawn traits."""
    rng = np.random.default_rng([params.seed, 2])
    S = params.spam_sites
    draws = {t: rng.random(S) < p for t, p in SPAM_TRAITS.items()}
    kinds = _kinds(rng, S)
    poison_kind = np.array([k in text.POISON for k in kinds], bool)
    for t in ("poison_title", "poison_anchors"):
        draws[t] &= poison_kind
    for t in ("comment_spam", "sitewide_inbound"):
        draws[t] &= ~draws["few_inbound"]
    taken = set(nw.part.names)
    names = []
    for d in range(S):
        names.append(_spam_name(rng, kinds[d], {t: bool(v[d]) for t, v in draws.items()}, taken))
        taken.add(names[-1])
    traits = _traits(names, draws, tuple(SPAM_TRAITS))
    big = np.where(
        draws["few_inbound"], rng.integers(20, 61, S), np.clip(rng.geometric(1 / 10, S) + 2, 3, 40)
    )
    n_pages_dom = np.where(draws["few_pages"], rng.integers(1, 3, S), big).astype(np.int64)
    part, page_domain = _part(
        SPAM_SITE, names, traits, n_pages_dom, rng, params, draws, kinds, dom0, host0
    )
    first = page0 + np.concatenate([[0], np.cumsum(n_pages_dom)])  # global first pages
    if len(page_domain):
        part.slots += _site_links(rng, params, nw, draws, kinds, first, page_domain, dom0)
    part.slots.append(_comment_spam(rng, params, nw, draws, kinds, first, dom0))
    part.slots.append(_sitewide_inbound(rng, params, nw, draws, kinds, first))
    return part


def _spam_targets(
    rng: np.random.Generator,
    own: np.ndarray,
    linkable: np.ndarray,
    first: np.ndarray,
    nw: NormalWeb,
    home_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Targets of external links from spam sites own, and the spam site each one is on (-1 for
    normal): half go to other linkable spam sites (home pages first), half to the home pages
    of popular normal domains (to look like an authority)."""
    n = len(own)
    to_spam = rng.random(n) < 0.5
    other = np.full(n, -1, np.int64)
    if len(linkable):
        at = (rng.random(n) * len(linkable)).astype(np.int64)
        other = linkable[at]
        # Never the source site itself: the next linkable site instead.
        other = np.where(other == own, linkable[(at + 1) % len(linkable)], other)
    to_spam &= (other >= 0) & (other != own)
    size = np.diff(first)[np.maximum(other, 0)]
    deep = (rng.random(n) * size).astype(np.int64)
    spam = first[np.maximum(other, 0)] + np.where(rng.random(n) < home_share, 0, deep)
    normal = nw.first_page[pick(nw.pop_dom_cum, rng.random(n))]
    return np.where(to_spam, spam, normal), np.where(to_spam, other, -1)


def _site_links(
    rng: np.random.Generator,
    params: SynthParams,
    nw: NormalWeb,
    draws: dict[str, np.ndarray],
    kinds: list[str],
    first: np.ndarray,
    page_domain: np.ndarray,
    dom0: int,
) -> list[Slots]:
    """The links on spam sites' pages: menu, internal, navigation and body external links."""
    S, P, C = len(kinds), len(page_domain), params.crawls
    page0 = int(first[0])
    n_pages = np.diff(first)
    poison_kind = np.array([k in text.POISON for k in kinds], bool)
    kind_anchors = draws["poison_anchors"] | ~poison_kind
    linkable = np.flatnonzero(~draws["few_inbound"])  # the spam sites other spam links to
    slots: list[Slots] = []

    def anchors(own: np.ndarray, spam_dst: np.ndarray) -> np.ndarray:
        """The site's anchors; 15 % of links to other spam sites name them by brand."""
        a = _anchors(rng, kinds, kind_anchors, draws["anchor_heavy"], own)
        brand = (spam_dst >= 0) & (rng.random(len(own)) < 0.15)
        return np.where(brand, text.BRAND0 + dom0 + spam_dst, a)

    # Menus (the site's first 3-5 pages) and 2-5 random internal links, unless few_internal.
    menu_size = np.minimum(np.where(draws["few_internal"], 0, rng.integers(3, 6, S)), n_pages)
    src, j = repeat_each(menu_size[page_domain])
    dst = first[page_domain[src]] + j
    slots.append(Slots.stable(page0 + src, dst, text.MENU0 + j, np.zeros(len(src)), C, nav=True))
    src, _ = repeat_each(np.where(draws["few_internal"][page_domain], 0, rng.integers(2, 6, P)))
    d = page_domain[src]
    dst = first[d] + (rng.random(len(src)) * n_pages[d]).astype(np.int64)
    anchor = rng.integers(0, len(WORDS) ** 2, len(src))
    slots.append(Slots.stable(page0 + src, dst, anchor, np.zeros(len(src)), C))
    # external_nav: the same 3-8 external targets in the navigation of every page.
    n_nav = np.where(draws["external_nav"], rng.integers(3, 9, S), 0)
    own, _ = repeat_each(n_nav)
    nav_targets, nav_spam = _spam_targets(rng, own, linkable, first, nw, 0.8)
    src, j = repeat_each(n_nav[page_domain])
    at = np.cumsum(n_nav)[page_domain[src]] - n_nav[page_domain[src]] + j
    anchor = anchors(page_domain[src], nav_spam[at])
    slots.append(
        Slots.stable(page0 + src, nav_targets[at], anchor, np.zeros(len(src)), C, nav=True)
    )
    # Body external links: 25-60 per page on many_external sites, 1-5 on thin ones, else 3-12.
    many = draws["many_external"][page_domain]
    few = np.where(draws["thin_pages"][page_domain], rng.integers(1, 6, P), rng.integers(3, 13, P))
    src, _ = repeat_each(np.where(many, rng.integers(25, 61, P), few))
    dst, spam_dst = _spam_targets(rng, page_domain[src], linkable, first, nw, 0.5)
    anchor = anchors(page_domain[src], spam_dst)
    rel = np.where(rng.random(len(src)) < 0.05, REL_SPONSORED, 0)
    slots.append(Slots.stable(page0 + src, dst, anchor, np.zeros(len(src)), C, rel=rel))
    return [s.take(s.src != s.dst) for s in slots]


def _comment_spam(
    rng: np.random.Generator,
    params: SynthParams,
    nw: NormalWeb,
    draws: dict[str, np.ndarray],
    kinds: list[str],
    first: np.ndarray,
    dom0: int,
) -> Slots:
    """comment_spam sites: 5-24 links from random normal pages, mostly ugc or nofollow, with
    the kind's anchors (half), the brand (a fifth) or generic ones."""
    S, C = len(kinds), params.crawls
    dom, _ = repeat_each(np.where(draws["comment_spam"], rng.integers(5, 25, S), 0))
    n = len(dom)
    sources = np.flatnonzero(nw.part.redirect < 0)
    src = sources[(rng.random(n) * len(sources)).astype(np.int64)]
    deep = (rng.random(n) * np.diff(first)[dom]).astype(np.int64)
    dst = first[dom] + np.where(rng.random(n) < 0.6, 0, deep)
    u = rng.random(n)
    rel = np.select(
        [u < 0.55, u < 0.8, u < 0.9], [REL_UGC, REL_NOFOLLOW, REL_UGC | REL_NOFOLLOW], 0
    )
    kind = _anchors(rng, kinds, np.ones(S, bool), np.zeros(S, bool), dom)
    v = rng.random(n)
    generic = text.GENERIC0 + rng.integers(0, len(text.GENERIC_SPAM_ANCHORS), n)
    anchor = np.where(v < 0.5, kind, np.where(v < 0.7, text.BRAND0 + dom0 + dom, generic))
    added = np.maximum(nw.part.birth[src], rng.integers(0, C, n))
    return Slots.stable(src, dst, anchor, added, C, rel=rel)


def _sitewide_inbound(
    rng: np.random.Generator,
    params: SynthParams,
    nw: NormalWeb,
    draws: dict[str, np.ndarray],
    kinds: list[str],
    first: np.ndarray,
) -> Slots:
    """sitewide_inbound sites: a link to their home page in the navigation of every page of one
    normal domain (picked by size, so usually a big one); 30 % carry rel=sponsored."""
    S, C = len(kinds), params.crawls
    npd = nw.part.n_pages_dom
    buyers = np.flatnonzero(draws["sitewide_inbound"])
    seller = pick(np.cumsum(npd.astype(float)), rng.random(len(buyers)))
    # Every non-redirect page of the seller: its page range, repeated.
    count = npd[seller]
    i, j = repeat_each(count)
    src = nw.first_page[seller[i]] + j
    ok = nw.part.redirect[src] < 0
    anchor = _anchors(rng, kinds, np.ones(S, bool), np.zeros(S, bool), buyers[i])
    rel = np.where(rng.random(len(buyers)) < 0.3, REL_SPONSORED, 0)[i]
    s = Slots.stable(src, first[buyers[i]], anchor, nw.part.birth[src], C, nav=True, rel=rel)
    return s.take(ok)
