"""The "directories" family: a commercial web of businesses, shops, news, directories and portals.

It owns its word lists, casting, link rules, HTML templates and spam; it shares only warc_out.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np

from linkindex.validation.families import CLIENT, ORGANIC, SPAM, DomainTruth, FamilyWeb
from linkindex.validation.families.warc_out import Capture, write_warc

FAMILY = "directories"
# Two crawls four weeks apart: the first saw most of the organic web; the second recrawled part
# of it and found most of the spam, which went up in between.
CRAWLS: tuple[tuple[str, datetime], ...] = (
    ("directories-2026-01-12", datetime(2026, 1, 12, tzinfo=UTC)),
    ("directories-2026-02-10", datetime(2026, 2, 10, tzinfo=UTC)),
)
FILES_PER_CRAWL = 2
CRAWL_DAYS = 5  # each crawl's captures spread over this many days

# Random streams: the organic web and the spam draw from separate ones, and every site's pages
# from one of their own, so leaving the spam out (or changing one site) shifts no other draw.
_WORLD, _SKELETON, _CONTENT, _SCHEDULE = 1, 2, 3, 4
_SPAM_WORLD, _SPAM_SKELETON, _SPAM_CONTENT, _SPAM_SCHEDULE = 11, 12, 13, 14

T = TypeVar("T")
Rng = np.random.Generator


def _rng(seed: int, *stream: int) -> Rng:
    return np.random.default_rng([seed, *stream])


def _pick(rng: Rng, seq: Sequence[T]) -> T:
    return seq[int(rng.integers(len(seq)))]


def _chance(rng: Rng, p: float) -> bool:
    return bool(rng.random() < p)


def _sample(rng: Rng, seq: Sequence[T], k: int, weights: Sequence[float] | None = None) -> list[T]:
    """k distinct items, drawn with probability proportional to ``weights`` when given."""
    k = min(int(k), len(seq))
    if k <= 0:
        return []
    p = None
    if weights is not None:
        w = np.asarray(weights, dtype=float) + 1e-9  # a zero weight must not break the draw
        p = w / w.sum()
    return [seq[int(i)] for i in rng.choice(len(seq), size=k, replace=False, p=p)]


def _weighted(rng: Rng, options: Sequence[tuple[T, float]]) -> T:
    w = np.array([p for _, p in options], dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))][0]


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    slug: str
    name: str
    region: str  # state or county code, as local names use it
    country: str  # "us" or "uk"
    phone: str  # dialling prefix of its tel: links
    streets: tuple[str, ...]
    nicknames: tuple[str, ...]  # what local papers and portals call the area


@dataclass(frozen=True)
class Trade:
    slug: str
    label: str
    people: str
    abbr: str  # how consonant-heavy names shorten it
    services: tuple[str, ...]
    products: tuple[str, ...]  # empty: no shop or manufacturer of this trade


_CITIES = (
    City("chicago", "Chicago", "il", "us", "+1-312-555-",
         ("N Clark St", "W Division St", "S Halsted St", "W Belmont Ave", "N Milwaukee Ave"),
         ("lakeshore", "windy-city", "north-side")),
    City("denver", "Denver", "co", "us", "+1-303-555-",
         ("Colfax Ave", "Larimer St", "S Broadway", "Federal Blvd", "E 17th Ave"),
         ("front-range", "mile-high", "cherry-creek")),
    City("austin", "Austin", "tx", "us", "+1-512-555-",
         ("Congress Ave", "S Lamar Blvd", "E 6th St", "Burnet Rd", "Guadalupe St"),
         ("capitol-city", "hill-country", "lady-bird")),
    City("leeds", "Leeds", "wy", "uk", "+44-113-496-",
         ("Kirkstall Road", "Briggate", "Roundhay Road", "Otley Road", "Headingley Lane"),
         ("aire-valley", "yorkshire", "kirkgate")),
    City("bristol", "Bristol", "av", "uk", "+44-117-496-",
         ("Gloucester Road", "Whiteladies Road", "North Street", "Cheltenham Road", "Park Row"),
         ("harbourside", "avon-valley", "clifton")),
)  # fmt: skip

_TRADES = (
    Trade("plumbing", "Plumbing", "plumbers", "plmbng",
          ("drain cleaning", "leak repair", "water heater installation", "pipe relining"),
          ("faucet", "shower valve", "water heater", "pipe wrench", "toilet cistern")),
    Trade("hvac", "Heating & Cooling", "hvac technicians", "hvac",
          ("furnace repair", "air conditioning", "duct cleaning", "heat pump servicing"),
          ("thermostat", "heat pump", "air filter", "condenser unit", "radiator valve")),
    Trade("roofing", "Roofing", "roofers", "rfng",
          ("roof repair", "gutter installation", "shingle replacement", "flat roofing"),
          ("roof shingles", "gutter guard", "roof vent", "lead flashing")),
    Trade("dental", "Dental Care", "dentists", "dntl",
          ("check-ups", "teeth whitening", "dental implants", "clear aligners"),
          ("electric toothbrush", "whitening kit", "water flosser", "mouthwash")),
    Trade("law", "Legal Services", "lawyers", "lwfrm",
          ("personal injury claims", "family law", "conveyancing", "wills and probate"), ()),
    Trade("printing", "Printing", "printers", "prntng",
          ("business cards", "banner printing", "flyers and leaflets", "large format posters"),
          ("toner cartridge", "inkjet cartridge", "laser paper", "laminator")),
    Trade("bakery", "Bakery", "bakers", "bkry",
          ("wedding cakes", "sourdough loaves", "custom cupcakes", "event catering"),
          ("stand mixer", "cake tin", "proving basket", "piping set")),
    Trade("auto-repair", "Auto Repair", "mechanics", "trpr",
          ("brake repair", "oil changes", "tyre fitting", "engine diagnostics"),
          ("brake pads", "oil filter", "spark plug", "car battery")),
    Trade("locksmith", "Locksmith", "locksmiths", "lcksmth",
          ("emergency lockouts", "lock changes", "safe opening", "key cutting"),
          ("padlock", "door lock", "smart lock", "key safe")),
    Trade("florist", "Florist", "florists", "flrst",
          ("wedding flowers", "funeral wreaths", "same-day delivery", "hand-tied bouquets"),
          ("glass vase", "floral foam", "satin ribbon", "plant food")),
    Trade("electrician", "Electrical", "electricians", "lctrcn",
          ("rewiring", "EV charger installation", "fuse box upgrades", "outdoor lighting"),
          ("circuit breaker", "LED downlight", "twin cable", "smart socket")),
    Trade("landscaping", "Landscaping", "landscapers", "lndscpng",
          ("lawn care", "garden design", "tree trimming", "patio laying"),
          ("lawn mower", "hedge trimmer", "grass seed", "garden hose")),
    Trade("pet-grooming", "Pet Grooming", "groomers", "ptgrmng",
          ("dog grooming", "nail clipping", "cat grooming", "de-shedding treatments"),
          ("dog shampoo", "slicker brush", "pet clippers", "dog bed")),
    Trade("accounting", "Accounting", "accountants", "ccntng",
          ("tax returns", "bookkeeping", "payroll", "year-end accounts"), ()),
    Trade("cleaning", "Cleaning", "cleaners", "clnng",
          ("office cleaning", "carpet cleaning", "end of tenancy cleans", "window cleaning"),
          ("vacuum cleaner", "steam mop", "microfibre cloth", "floor detergent")),
    Trade("photography", "Photography", "photographers", "phtgrphy",
          ("wedding photography", "corporate headshots", "product photography", "event coverage"),
          ("mirrorless camera", "tripod", "prime lens", "memory card")),
)  # fmt: skip
_PRODUCT_TRADES = tuple(t for t in _TRADES if t.products)

_SYLLABLES = (
    "ka",
    "zu",
    "mo",
    "ra",
    "vel",
    "tor",
    "bri",
    "xo",
    "lum",
    "pex",
    "dra",
    "neo",
    "qui",
    "sta",
    "vio",
    "fen",
    "gar",
    "ori",
    "zen",
    "tal",
    "mar",
    "cor",
    "ly",
    "ven",
)
_SURNAMES = (
    "oconnor",
    "patel",
    "novak",
    "fischer",
    "okafor",
    "haddad",
    "lindqvist",
    "murphy",
    "garcia",
    "kowalski",
    "brennan",
    "nguyen",
    "schmidt",
    "walsh",
    "costa",
    "delaney",
)
_SURNAME_DISPLAY = {"oconnor": "O'Connor"}
_ADJECTIVES = (
    "best",
    "affordable",
    "reliable",
    "premier",
    "quality",
    "trusted",
    "express",
    "elite",
    "budget",
    "family",
    "expert",
    "rapid",
    "allstar",
    "honest",
)
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_LETTERS = "abcdefghjkmnprstuvwxyz"
_TLDS = {
    "us": (("com", 0.6), ("net", 0.1), ("biz", 0.06), ("info", 0.06), ("online", 0.05),
           ("site", 0.05), ("us", 0.08)),
    "uk": (("co.uk", 0.68), ("uk", 0.08), ("com", 0.1), ("info", 0.05), ("online", 0.05),
           ("site", 0.04)),
}  # fmt: skip
_FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Tom",
    "Priya",
    "Dave",
    "Sophie",
    "Luis",
    "Hannah",
    "Kwame",
    "Grace",
    "Ollie",
    "Mei",
    "Sam",
    "Rosa",
    "Ben",
)

_SLOTS_COMMON: dict[str, tuple[str, ...]] = {
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "month": ("March", "April", "May", "June", "September", "October"),
    "event": ("food festival", "street fair", "half marathon", "jazz weekend", "craft market",
              "business awards", "farmers market", "film festival"),
    "civic": ("widen the bike lanes", "rebuild the library", "cut parking fees downtown",
              "fund new street lighting", "repair the river footbridge", "extend late bus routes"),
    "num": ("3", "4", "7", "12", "15", "20", "35", "40", "120", "250"),
    "pct": ("4", "6", "9", "11", "14", "18", "23"),
    "small": ("two", "three", "four", "five"),
    "year": ("1987", "1994", "1999", "2003", "2008", "2011", "2015", "2019"),
}  # fmt: skip

_BUSINESS_SENTENCES = (
    "{name} has served {city} and the surrounding area since {year}.",
    "Our team of licensed {people} handles everything from {service} to {service}.",
    "We offer free quotes on {service}, and most jobs are finished within the week.",
    "Call us today to book {service} at a time that suits you.",
    "Every job comes with a written guarantee and upfront pricing.",
    "We are a family-run business based on {street} in {city}.",
    "Customers across {city} trust us for honest advice and tidy work.",
    "Ask about our seasonal offers on {service}.",
    "Fully insured, background-checked and proud members of the local trade association.",
    "From small repairs to full projects, {name} gets it right the first time.",
    "We cover {city} and every neighbourhood within {num} miles.",
    "Our vans carry the parts for most {service} jobs, so we rarely need a second visit.",
    "Weekend and evening appointments are available on request.",
    "We explain the options before we start, and we never charge for a call-out we cannot fix.",
    "Most of our work comes from repeat customers and their recommendations.",
)  # fmt: skip
_TESTIMONIALS = (
    "Turned up on time, fixed the problem and left the place spotless.",
    "Fair price and friendly service, would use again.",
    "Really happy with the {service}, thank you {first}!",
    "Quick response when we needed it most.",
    "Explained everything clearly and did not try to upsell.",
)
_NEWS_SENTENCES = (
    "City officials in {city} approved a plan on {weekday} to {civic}.",
    "The council said the project would cost about {num} million over {small} years.",
    "Local business owners have mixed views about the change.",
    "\"We have seen fewer customers since the roadworks began,\" said one owner on {street}.",
    "Figures released this week show {pct} percent more new firms registered in {city} "
    "than a year ago.",
    "The {trade} sector in particular has struggled to hire apprentices.",
    "Residents can comment on the proposals until the end of the month.",
    "Forecasters expect a cold snap to reach {city} by the weekend.",
    "Police asked drivers to avoid {street} after a water main burst overnight.",
    "The annual {event} returns to {city} in {month}, organisers confirmed.",
    "Tickets go on sale next week and are expected to sell out quickly.",
    "Analysts say rising costs are pushing smaller {people} to merge or close.",
    "A spokesperson declined to comment on the timing of the announcement.",
    "The school board will meet again on {weekday} to discuss the budget.",
    "Volunteers collected {num} bags of litter along the river path on Saturday.",
    "Rents on {street} have risen by {pct} percent in two years, according to agents.",
    "Several traders said they would wait for the final plans before deciding.",
    "The proposal still needs approval from the state planning board.",
    "Opponents argue the money would be better spent on road repairs.",
    "Supporters say the scheme will bring more visitors into the centre.",
    "The last similar scheme, in {year}, ran over budget by a wide margin.",
    "{first}, who has run a stall at the market for {num} years, welcomed the news.",
)  # fmt: skip
_HEADLINES = (
    "{City} council backs plan to {civic}",
    "New {trade} firm opens on {street}",
    "{num} jobs at risk as {city} supplier cuts shifts",
    "{Event} returns to {city} this {month}",
    "Traders on {street} count the cost of roadworks",
    "Why {city}'s {people} cannot find apprentices",
    "Rents climb {pct} percent in {city} centre",
    "Cold snap: what {city} residents need to know",
    "Local firms shortlisted for {city} business awards",
    "Opinion: {city} needs to {civic}",
)  # fmt: skip
_CITE_SENTENCES = {
    "business": (
        "The owner of {link} said demand had doubled since the spring.",
        "{link}, a {trade} firm on {street}, has taken on {small} new staff this year.",
        "Among those shortlisted is {link}, which opened in {year}.",
        "\"It has been a busy season,\" said a spokesperson for {link}.",
    ),
    "brand": (
        "Manufacturer {link} announced it would raise prices by {pct} percent.",
        "Parts from {link} are used by most installers in the area.",
        "{link} said its new range would reach shops by {month}.",
    ),
    "news": (
        "As first reported by {link}, the plans were drawn up last year.",
        "Our partners at {link} have more on the story.",
    ),
    "other": (
        "More details are listed on {link}.",
        "Readers can find a full list of firms on {link}.",
    ),
}  # fmt: skip
_PRODUCT_SENTENCES = (
    "Built to last, the {product} from {brand} is a favourite with professionals.",
    "This {product} ships with a {small}-year manufacturer warranty.",
    "Compatible with most standard fittings; check the dimensions before ordering.",
    "Order before 2pm for next-day delivery.",
    "Rated {pct} out of 25 by our trade customers for value.",
    "Includes fixing kit and printed instructions.",
    "Replacement parts for the {product} are available from stock.",
)  # fmt: skip
_REVIEW_SENTENCES = (
    "Great service, they sorted out our {service} in no time.",
    "Bit pricey but the work was excellent.",
    "Would recommend to anyone in {city}.",
    "Arrived late and had to come back a second time.",
    "Friendly, professional and tidy.",
    "Booked online, got a call back within the hour.",
    "Third time using them and never disappointed.",
    "Not cheap, but you get what you pay for.",
)  # fmt: skip
_PORTAL_SENTENCES = (
    "Welcome to your guide to {city}: local news, events and businesses in one place.",
    "This week's picks include the {event} and a new market on {street}.",
    "Parking is free after 6pm in most council car parks.",
    "Know a great local firm? Send us the link and we will add it to our list.",
    "Opening hours may vary over public holidays.",
)  # fmt: skip
_AGENCY_SENTENCES = (
    "We design fast, accessible websites for small businesses.",
    "Our team has built more than {num} sites for local firms since {year}.",
    "Every site we launch includes hosting, backups and a year of updates.",
    "We keep things simple: clear pricing, no lock-in contracts.",
)  # fmt: skip
_ADVICE_SENTENCES = (
    "Before you hire anyone, ask for a written quote that lists materials and labour.",
    "Most problems with {service} start small and get expensive if ignored.",
    "A yearly inspection costs far less than an emergency repair.",
    "Check that your contractor carries liability insurance and ask to see it.",
    "Weather damage is easiest to spot after a storm, from the ground, with binoculars.",
    "Keep receipts and photos of any work: insurers will ask for them.",
    "Prices vary a lot by season, so book outside the busy months where you can.",
    "Neighbours who had similar work done are the best source of recommendations.",
    "If a quote seems too good to be true, ask what has been left out.",
    "Good tradespeople are usually booked weeks ahead; plan accordingly.",
)  # fmt: skip
# Spun text: every {a|b|c} is one choice, so two pages never read quite the same.
_SPUN = (
    "{Finding|Locating|Getting} the {best|top|finest} {kw} {is|can be} {hard|difficult|tricky} "
    "{these days|nowadays|today}.",
    "{Many|Lots of|Plenty of} {people|folks|customers} {search|look} for {kw} {every day|daily}.",
    "{Here|Below} {we|you will} {list|share|find} {some|several|a few} {tips|ideas|pointers} "
    "{about|on|regarding} {kw}.",
    "{Always|Constantly} {compare|check} {prices|rates} {before|prior to} {choosing|buying}.",
    "{Our|This} {guide|article|post} {explains|covers|describes} {everything|all} {about|on} {kw}.",
    "{Quality|Excellent|Great} {kw} {makes|creates} {a big|a huge|a real} {difference|change}.",
)  # fmt: skip
_POISON_KEYWORDS = (
    "cheap viagra online pharmacy", "buy cialis without prescription", "best online casino",
    "casino bonus free spins", "payday loans no credit check", "fast cash loans online",
    "online slots real money", "generic viagra pills",
)  # fmt: skip
# What a client without a trade sells, page by page.
_OFFERS = {
    "casino": ("online slots", "live roulette", "welcome bonus", "poker room"),
    "lender": ("payday loans", "bad credit loans", "loan calculator", "instant decision"),
}
_SPAM_WORDS = (
    "best",
    "top",
    "guide",
    "deals",
    "review",
    "tips",
    "hub",
    "zone",
    "pro",
    "info",
    "home",
    "smart",
    "daily",
    "world",
)
_CHEAP_TLDS = ("xyz", "top", "icu", "click", "buzz", "site", "online")


_SLOT = re.compile(r"\{(\w+)\}")
_SPIN = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def _fill(rng: Rng, template: str, slots: dict[str, str | Sequence[str]]) -> str:
    """Fill {slot}s: a string slot as is, a sequence slot with one draw per occurrence."""
    template = _SPIN.sub(lambda m: _pick(rng, m.group(1).split("|")), template)

    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        value = slots.get(key) or slots.get(key.lower()) or _SLOTS_COMMON.get(key.lower(), key)
        text = value if isinstance(value, str) else str(_pick(rng, value))
        return text[:1].upper() + text[1:] if key[:1].isupper() else text

    return _SLOT.sub(one, template)


def _sentences(
    rng: Rng, pool: Sequence[str], slots: dict[str, str | Sequence[str]], n: int
) -> list[str]:
    return [_fill(rng, _pick(rng, pool), slots) for _ in range(n)]


def _paragraphs(
    rng: Rng, pool: Sequence[str], slots: dict[str, str | Sequence[str]], n: int, per: int = 4
) -> list[str]:
    said = _sentences(rng, pool, slots, n)
    return [" ".join(said[i : i + per]) for i in range(0, len(said), per)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------------------------
# The site model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    rel: str = ""
    img: str = ""  # an image link: the image's src, and text becomes its alt


@dataclass
class Page:
    path: str
    role: str
    data: dict[str, Any] = field(default_factory=dict)  # what the page is about, by role
    title: str = ""
    body: str = ""
    sidebar: str = ""
    robots_nofollow: bool = False
    text: list[str] = field(default_factory=list)  # its paragraphs, for scrapers to copy


@dataclass
class Site:
    idx: int
    domain: str
    kind: str
    shape: str
    authority: float
    name: str
    host: str
    scheme: str = "https"
    city: City | None = None
    country: str = "us"
    trade: Trade | None = None
    scope: str = ""  # directories, reviews, portals: "city", "country" or "web"
    n_pages: int = 1
    share: float = 0.0  # share of its pages the crawl captures (0: never crawled)
    style: str = "html5"  # html5, xhtml or table
    upper: bool = False  # tag and attribute names in capitals
    href_mode: str = "root"  # internal hrefs: root (/x), absolute, relative (../x), base (x)
    contact: bool = True  # mailto:/tel: links somewhere
    flags: frozenset[str] = frozenset()
    policy: str = ""  # rel of the links it lists (directories, reviews, portals, news)
    layout: str = ""  # directories: "direct" (listing pages link out) or "detail"
    path_style: str = "html"
    pages: list[Page] = field(default_factory=list)
    captured: list[int] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)  # linked paths that answer 404
    menu: list[tuple[str, str]] = field(default_factory=list)
    footer: list[Link] = field(default_factory=list)
    charset: str = "utf-8"
    spec: dict[str, Any] = field(default_factory=dict)  # spam: whom its pages link to

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    def url(self, page: int = 0) -> str:
        return self.origin + self.pages[page].path

    @property
    def coverage(self) -> float:
        return len(self.captured) / len(self.pages) if self.pages else 0.0


@dataclass(frozen=True)
class Rel:
    """One organic relation: ``kind`` says how the source links to page ``page`` of ``target``."""

    kind: str
    target: int
    page: int = 0
    premium: bool = False  # a listing the business paid the directory for (organic, followed)


@dataclass
class Web:
    sites: list[Site]
    out: dict[int, list[Rel]] = field(default_factory=dict)

    def add(
        self, source: Site, kind: str, target: Site, page: int = 0, premium: bool = False
    ) -> None:
        self.out.setdefault(source.idx, []).append(Rel(kind, target.idx, page, premium))

    def rels(self, site: Site, *kinds: str) -> list[Rel]:
        return [r for r in self.out.get(site.idx, []) if r.kind in kinds]

    def shaped(self, *shapes: str) -> list[Site]:
        return [s for s in self.sites if s.shape in shapes and s.kind == ORGANIC]


# Fixed page positions, so a relation can point at an article or a product before pages exist.
NEWS_SECTIONS = ("local", "business", "community", "opinion", "weather")
NEWS_FIRST_ARTICLE = 1 + len(NEWS_SECTIONS)
BRAND_FIRST_PRODUCT = 4
PORTAL_SECTIONS = ("guide", "events", "classifieds", "links")


# --------------------------------------------------------------------------------------------
# Casting: who is on this web
# --------------------------------------------------------------------------------------------


class _Namer:
    """Registered domains, never the same twice."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())

    def claim(self, rng: Rng, label: str, tld: str) -> str:
        domain = f"{label}.{tld}"
        while domain in self.taken:
            domain = f"{label}{int(rng.integers(2, 99))}.{tld}"
        self.taken.add(domain)
        return domain


def _tld(rng: Rng, country: str) -> str:
    return _weighted(rng, _TLDS[country])


def _brandable(rng: Rng, syllables: int) -> str:
    return "".join(_pick(rng, _SYLLABLES) for _ in range(syllables))


def _business_name(rng: Rng, city: City, trade: Trade) -> tuple[str, str]:
    """(domain label, display name) of a local business, in one of five naming styles."""
    style = _weighted(
        rng,
        (
            ("long", 0.25),
            ("brandable", 0.18),
            ("citytrade", 0.2),
            ("abbrev", 0.12),
            ("surname", 0.25),
        ),
    )
    tl = trade.slug
    if style == "long":
        form = int(rng.integers(5))
        adj = _pick(rng, _ADJECTIVES)
        if form == 0:
            label = f"best-{_slug(trade.people)}-24-7-{city.slug}"
            name = f"Best {trade.people.title()} 24/7 {city.name}"
        elif form == 1:
            n = int(rng.integers(1, 99))
            label = f"{adj}-{tl}-{city.slug}-{n}"
            name = f"{adj.title()} {trade.label} {city.name} {n}"
        elif form == 2:
            letters = "".join(_pick(rng, _LETTERS) for _ in range(3))
            n = int(rng.integers(100, 999))
            label = f"{letters}-{n}-{tl}"
            name = f"{letters.upper()} {n} {trade.label}"
        elif form == 3:
            label = f"{city.slug}-{adj}-{_slug(trade.people)}-{city.region}"
            name = f"{city.name} {adj.title()} {trade.people.title()}"
        else:
            label = f"a1-{adj}-{tl}-services"
            name = f"A1 {adj.title()} {trade.label} Services"
    elif style == "brandable":
        word = _brandable(rng, int(rng.integers(2, 4)))
        label = word if _chance(rng, 0.6) else f"{word}-{tl}"
        name = word.title()
    elif style == "citytrade":
        sep = _pick(rng, ("", "-"))
        label = f"{city.slug}{sep}{tl.replace('-', sep)}"
        name = f"{city.name} {trade.label}"
    elif style == "abbrev":
        head = "".join(_pick(rng, _CONSONANTS) for _ in range(int(rng.integers(3, 6))))
        label = f"{head}-{trade.abbr}" if _chance(rng, 0.6) else f"{head}{trade.abbr}"
        name = f"{head.upper()} {trade.label}"
    else:
        surname = _pick(rng, _SURNAMES)
        shown = _SURNAME_DISPLAY.get(surname, surname.title())
        form = int(rng.integers(3))
        if form == 0:
            label, name = f"{surname}-and-sons-{tl}", f"{shown} & Sons {trade.label}"
        elif form == 1:
            label, name = f"{surname}{tl.replace('-', '')}", f"{shown} {trade.label}"
        else:
            label, name = f"{surname}-{_slug(trade.people)}", f"{shown} {trade.people.title()}"
    return label, name


def _flavour(rng: Rng, site: Site, styles: Sequence[tuple[str, float]]) -> None:
    """Markup style, href style and scheme: old table sites are often http-only and capitalised."""
    site.style = _weighted(rng, styles)
    if site.style == "html5":
        site.href_mode = _weighted(rng, (("root", 0.6), ("absolute", 0.3), ("relative", 0.1)))
    elif site.style == "xhtml":
        site.href_mode = _weighted(rng, (("relative", 0.4), ("base", 0.3), ("root", 0.3)))
    else:
        site.href_mode = _weighted(rng, (("base", 0.4), ("relative", 0.3), ("absolute", 0.3)))
        site.upper = _chance(rng, 0.6)
        # Old UK table sites declare Latin-1 (their £ signs are single bytes).
        if site.country == "uk" and _chance(rng, 0.6):
            site.charset = "iso-8859-1"
    http_only = {"html5": 0.08, "xhtml": 0.3, "table": 0.6}[site.style]
    site.scheme = "http" if _chance(rng, http_only) else "https"
    site.path_style = _weighted(rng, (("html", 0.5), ("dir", 0.3), ("php", 0.2)))


def _cast(rng: Rng) -> list[Site]:
    sites: list[Site] = []
    names = _Namer()

    def add(
        label: str, tld: str, kind: str, shape: str, authority: float, name: str, **kw: Any
    ) -> Site:
        domain = names.claim(rng, label, tld)
        host = f"www.{domain}" if _chance(rng, 0.6) else domain
        site = Site(len(sites), domain, kind, shape, float(authority), name, host, **kw)
        sites.append(site)
        return site

    # Platforms: linked from everywhere, crawled never (their own crawl would dwarf this web).
    for label, tld, name, a in (
        ("facebook", "com", "Facebook", 0.99),
        ("instagram", "com", "Instagram", 0.97),
        ("linkedin", "com", "LinkedIn", 0.96),
        ("w3", "org", "W3C", 0.9),
    ):
        site = add(label, tld, ORGANIC, "platform", a, name)
        site.host, site.scheme = f"www.{site.domain}", "https"

    # News: a paper per city and a national business journal.
    papers = ("herald", "gazette", "courier", "chronicle", "post", "tribune", "observer", "ledger")
    for city in (*_CITIES, None):
        country = city.country if city else "us"
        if city:
            nick, paper = _pick(rng, city.nicknames), _pick(rng, papers)
            label, name = f"{nick}-{paper}", f"The {nick.replace('-', ' ').title()} {paper.title()}"
        else:
            word = _pick(rng, ("main-street", "national", "small-firm"))
            label, name = f"{word}-business-journal", f"{word.replace('-', ' ').title()} Journal"
        tld = "co.uk" if country == "uk" else "com"
        site = add(
            label,
            tld,
            ORGANIC,
            "news",
            0.3 + 0.45 * rng.beta(2, 2),
            name,
            city=city,
            country=country,
            scope="city" if city else "country",
            n_pages=int(rng.integers(80, 251)),
            share=float(rng.uniform(0.2, 0.6)),
        )
        _flavour(rng, site, (("html5", 0.8), ("xhtml", 0.2), ("table", 0.0)))
        site.policy = "nofollow" if _chance(rng, 0.2) else ""  # some papers nofollow everything
        site.contact = _chance(rng, 0.7)

    # Directories: one per city, one per country, two general web directories.
    city_dirs = (
        "{c}-business-directory",
        "{c}bizlist",
        "best-of-{c}",
        "{c}-local-pages",
        "{c}{r}-yellow-links",
    )
    scoped: list[tuple[str, City | None, str]] = [("city", c, c.country) for c in _CITIES]
    scoped += [
        ("country", None, "us"),
        ("country", None, "uk"),
        ("web", None, "us"),
        ("web", None, "uk"),
    ]
    country_dirs = {
        "us": ("localpages-usa", "usa-trade-finder", "americas-business-index"),
        "uk": ("findatrade-uk", "ukbizlist", "british-local-index"),
    }
    web_dirs = (
        "top100-links",
        "the-link-directory",
        "webguide-central",
        "sitelisting",
        "linkmaster-2000",
    )
    used_web: list[str] = []
    for scope, city, country in scoped:
        if scope == "city" and city:
            label = _pick(rng, city_dirs).format(c=city.slug, r=city.region)
            tld = _pick(rng, ("info", "biz", "com", "net")) if country == "us" else "co.uk"
            name = f"{city.name} {_pick(rng, ('Business Directory', 'Local Pages', 'Biz List'))}"
            policy = _weighted(rng, (("nofollow", 0.6), ("mixed", 0.3), ("robots", 0.1)))
        elif scope == "country":
            label = _pick(rng, country_dirs[country])
            tld = "co.uk" if country == "uk" else _pick(rng, ("com", "net"))
            name = label.replace("-", " ").title()
            policy = _weighted(rng, (("nofollow", 0.5), ("mixed", 0.5)))
        else:
            label = _pick(rng, [w for w in web_dirs if w not in used_web])
            used_web.append(label)
            tld = _pick(rng, ("biz", "info", "com", "online"))
            name = label.replace("-", " ").title()
            policy = _weighted(rng, (("", 0.2), ("ugc", 0.5), ("mixed", 0.3)))
        site = add(
            label,
            tld,
            ORGANIC,
            "directory",
            0.15 + 0.35 * rng.beta(2, 2),
            name,
            city=city,
            country=country,
            scope=scope,
            share=float(rng.uniform(0.4, 0.9)),
            policy=policy,
        )
        _flavour(rng, site, (("html5", 0.25), ("xhtml", 0.35), ("table", 0.4)))
        site.layout = "direct" if scope == "web" or _chance(rng, 0.5) else "detail"
        site.contact = _chance(rng, 0.5)

    # Review sites: two per country.
    review_names = {
        "us": ("ratemylocal", "trusty-reviews", "starsandscores"),
        "uk": ("review-a-trader", "tradesrated", "localverdict"),
    }
    for country in ("us", "us", "uk", "uk"):
        label = _pick(rng, review_names[country])
        tld = ("com" if _chance(rng, 0.7) else "site") if country == "us" else "co.uk"
        site = add(
            label,
            tld,
            ORGANIC,
            "review",
            0.25 + 0.35 * rng.beta(2, 2),
            label.replace("-", " ").title(),
            country=country,
            scope="country",
            share=float(rng.uniform(0.3, 0.8)),
        )
        _flavour(rng, site, (("html5", 1.0),))
        site.policy = _weighted(rng, (("ugc nofollow", 0.5), ("nofollow", 0.3), ("", 0.2)))
        site.contact = _chance(rng, 0.5)

    # Portals: a sprawling city portal the crawler barely entered, a UK one, a smaller US one.
    us = [c for c in _CITIES if c.country == "us"]
    big, small = _sample(rng, us, 2)
    for city, country, pages, share in (
        (big, "us", 400, 0.05),
        (None, "uk", 0, 0.0),
        (small, "us", 0, 0.0),
    ):
        if city:
            label = _pick(rng, ("{c}-online-guide", "{c}land-portal", "discover-{c}")).format(
                c=city.slug
            )
            name = f"{city.name} Online"
            tld = _pick(rng, ("com", "net", "info"))
        else:
            label, name, tld = "ukcity-guide", "UK City Guide", "info"
        n = pages or int(rng.integers(120, 260))
        site = add(
            label,
            tld,
            ORGANIC,
            "portal",
            0.2 + 0.3 * rng.beta(2, 2),
            name,
            city=city,
            country=country,
            scope="city" if city else "country",
            n_pages=n,
            share=share or float(rng.uniform(0.1, 0.2)),
        )
        _flavour(rng, site, (("html5", 0.2), ("xhtml", 0.3), ("table", 0.5)))
        site.policy = "nofollow" if _chance(rng, 0.6) else ""

    # Web design agencies: credited in their clients' footers.
    for _ in range(3):
        country = _pick(rng, ("us", "uk"))
        word = _brandable(rng, 2)
        suffix = _pick(rng, ("studio", "web", "digital", "design"))
        site = add(
            f"{word}-{suffix}",
            _pick(rng, ("com", "io")) if country == "us" else "co.uk",
            ORGANIC,
            "agency",
            0.08 + 0.2 * rng.beta(2, 2),
            f"{word.title()} {suffix.title()}",
            country=country,
            n_pages=int(rng.integers(5, 10)),
            share=1.0,
        )
        _flavour(rng, site, (("html5", 1.0),))

    # Manufacturers: shops carry them, news cites them; most are never crawled.
    for _ in range(14):
        trade = _pick(rng, _PRODUCT_TRADES)
        word = _brandable(rng, int(rng.integers(2, 4)))
        label = word if _chance(rng, 0.6) else f"{word}-{_pick(rng, ('tools', 'pro', 'home'))}"
        country = "uk" if _chance(rng, 0.25) else "us"
        share = float(rng.uniform(0.1, 0.3)) if _chance(rng, 0.3) else 0.0
        site = add(
            label,
            "co.uk" if country == "uk" else "com",
            ORGANIC,
            "brand",
            0.25 + 0.6 * rng.beta(2, 2),
            word.title(),
            trade=trade,
            country=country,
            n_pages=int(rng.integers(20, 61)),
            share=share,
        )
        _flavour(rng, site, (("html5", 1.0),))

    # Shops: deep, templated catalogues, crawled in part.
    shop_forms = (
        "{t}-supplies-direct",
        "{t}-outlet",
        "the-{t}-warehouse",
        "{t}4less",
        "{b}-{t}-store",
    )
    for _ in range(10):
        trade = _pick(rng, _PRODUCT_TRADES)
        country = _pick(rng, ("us", "uk"))
        label = _pick(rng, shop_forms).format(t=trade.slug, b=_brandable(rng, 2))
        tld = _weighted(rng, (("shop", 0.25), ("com", 0.45), ("store", 0.1), ("co.uk", 0.2)))
        if tld == "co.uk":
            country = "uk"
        site = add(
            label,
            tld,
            ORGANIC,
            "shop",
            0.05 + 0.3 * rng.beta(2, 4),
            label.replace("-", " ").title(),
            trade=trade,
            country=country,
            n_pages=int(rng.integers(80, 301)),
            share=float(rng.uniform(0.1, 0.5)),
        )
        _flavour(rng, site, (("html5", 0.8), ("xhtml", 0.2)))
        flags = {"heavy"} if _chance(rng, 0.6) else set()
        if "heavy" in flags or _chance(rng, 0.3):
            flags.add("thin")
        site.flags = frozenset(flags)

    # Local businesses: the spokes. Popular ones are likelier to be crawled at all.
    for _ in range(100):
        _add_business(rng, add, ORGANIC, _pick(rng, _CITIES), _pick(rng, _TRADES))

    # Clients: weak sites that spam and paid links push. Drawn here, with the organic web, so
    # they are the same sites whether or not the spam is generated.
    client = add(
        _pick(rng, ("lucky-reels-casino", "spinpalace-vegas", "royal-jackpot-slots")),
        _pick(rng, ("online", "com")),
        CLIENT,
        "casino",
        0.015 + 0.02 * rng.random(),
        "Casino",
        n_pages=int(rng.integers(4, 8)),
        share=1.0,
    )
    client.name = client.domain.split(".")[0].replace("-", " ").title()
    _flavour(rng, client, (("html5", 1.0),))
    client = add(
        _pick(rng, ("quickcash-payday-loans", "fastfunds-direct", "easyloan-247")),
        _pick(rng, ("biz", "com")),
        CLIENT,
        "lender",
        0.015 + 0.02 * rng.random(),
        "Lender",
        n_pages=int(rng.integers(4, 8)),
        share=1.0,
    )
    client.name = client.domain.split(".")[0].replace("-", " ").title()
    _flavour(rng, client, (("html5", 1.0),))
    trades = [t for t in _TRADES if t.slug in ("roofing", "dental", "hvac", "locksmith")]
    for trade in _sample(rng, trades, int(rng.integers(2, 4))):
        _add_business(rng, add, CLIENT, _pick(rng, us), trade)
    return sites


def _add_business(rng: Rng, add: Callable[..., Site], kind: str, city: City, trade: Trade) -> Site:
    label, name = _business_name(rng, city, trade)
    tld = _tld(rng, city.country)
    if kind == CLIENT:
        a = 0.015 + 0.02 * rng.random()
        share = 1.0
    else:
        # Heavy-tailed popularity: most local firms are obscure, a few are household names.
        a = min(0.5, 0.02 * (1.0 + rng.pareto(1.3)))
        share = 1.0 if _chance(rng, min(0.9, 0.35 + 1.5 * a)) else 0.0
    site = add(
        label,
        tld,
        kind,
        "business",
        a,
        name,
        city=city,
        country=city.country,
        trade=trade,
        n_pages=3 + int(rng.binomial(7, 0.4)),
        share=share,
    )
    _flavour(rng, site, (("html5", 0.55), ("xhtml", 0.25), ("table", 0.2)))
    flags = set()
    if _chance(rng, 0.15):
        flags.add("few_internal")
    if _chance(rng, 0.15):
        flags.add("thin")
    site.flags = frozenset(flags)
    site.contact = not _chance(rng, 0.22)
    return site


# --------------------------------------------------------------------------------------------
# Relations: who links to whom, and why
# --------------------------------------------------------------------------------------------


def _covers(directory: Site, target: Site) -> bool:
    if directory.scope == "web":
        return True
    if directory.scope == "country":
        return target.country == directory.country
    return target.city is not None and directory.city == target.city


def _relate(rng: Rng, web: Web) -> None:
    """Draw every organic relation. Authority decides how many directories, review sites,
    portals and papers pick a site up, through the category and place structure of the web
    rather than one preferential draw over all sites."""
    dirs = web.shaped("directory")
    reviews = web.shaped("review")
    portals = web.shaped("portal")
    news = web.shaped("news")
    brands = web.shaped("brand")
    shops = web.shaped("shop")
    agencies = web.shaped("agency")
    platforms = {s.domain.split(".")[0]: s for s in web.shaped("platform")}
    businesses = web.shaped("business")
    by_city: dict[str, list[Site]] = {}
    for b in businesses:
        assert b.city is not None
        by_city.setdefault(b.city.slug, []).append(b)

    def cite(target: Site, source: Site) -> int:
        """A citation in one of ``source``'s articles; returns the article's page index."""
        page = NEWS_FIRST_ARTICLE + int(rng.integers(source.n_pages - NEWS_FIRST_ARTICLE))
        web.add(source, "cite", target, page)
        return page

    for b in businesses:
        a = b.authority
        crawled = b.share > 0
        eligible = [d for d in dirs if _covers(d, b)]
        n = 1 + int(rng.binomial(len(eligible) - 1, min(0.85, 0.08 + 2.4 * a)))
        for d in _sample(rng, eligible, n, [d.authority for d in eligible]):
            web.add(d, "listing", b, premium=_chance(rng, 0.1 + 2 * a))
            if crawled and _chance(rng, 0.3):
                web.add(b, "badge", d)
        for r in reviews:
            if r.country == b.country and _chance(rng, min(0.9, 0.05 + 2.5 * a)):
                web.add(r, "review", b)
                if crawled and _chance(rng, 0.25):
                    web.add(b, "reviews", r)
        for p in portals:
            # A portal lists its own city's firms readily, the rest of the country's if known.
            near = p.city is None or p.city == b.city
            chance = 0.3 + 2.5 * a if near else 0.1 + 2 * a
            if p.country == b.country and _chance(rng, min(0.95, chance)):
                web.add(p, "portal", b)
        local = [s for s in news if s.country == b.country and s.city in (None, b.city)]
        for _ in range(int(rng.poisson(12 * a))):
            weights = [(3.0 if s.city == b.city else 1.0) * s.authority for s in local]
            paper = _sample(rng, local, 1, weights)[0]
            page = cite(b, paper)
            if crawled and _chance(rng, 0.4):
                web.add(b, "featured_in", paper, page)
        if not crawled:
            continue
        for key, p in (("facebook", 0.5), ("instagram", 0.3), ("linkedin", 0.2)):
            if _chance(rng, p):
                web.add(b, "social", platforms[key])
        if _chance(rng, 0.4):
            agency = _sample(rng, agencies, 1, [s.authority for s in agencies])[0]
            web.add(b, "credit", agency)
            if _chance(rng, 0.7):
                web.add(agency, "portfolio", b)
        if _chance(rng, 0.3):
            assert b.city is not None
            peers = [s for s in by_city[b.city.slug] if s is not b]
            for peer in _sample(rng, peers, int(rng.integers(2, 6)), [s.authority for s in peers]):
                web.add(b, "partner", peer)
        makers = [m for m in brands if m.trade == b.trade]
        if makers and _chance(rng, 0.4):
            for m in _sample(rng, makers, int(rng.integers(1, 3)), [m.authority for m in makers]):
                web.add(b, "installs", m, BRAND_FIRST_PRODUCT)

    for s in shops:
        for m in brands:
            p = min(0.95, 0.25 + 1.2 * m.authority) if m.trade == s.trade else 0.5 * m.authority
            if _chance(rng, p):
                web.add(s, "carry", m)
                if m.share > 0 and _chance(rng, 0.6):
                    web.add(m, "stockist", s)
        for key, p in (("facebook", 0.7), ("instagram", 0.6)):
            if _chance(rng, p):
                web.add(s, "social", platforms[key])
        for p in portals:
            if p.country == s.country and _chance(rng, min(0.9, 0.2 + s.authority)):
                web.add(p, "portal", s)

    # Web directories list more than businesses: shops, papers, makers, other hubs.
    for d in dirs:
        if d.scope != "web":
            continue
        for s in (*shops, *news, *brands, *agencies, *portals, *reviews):
            if _chance(rng, min(0.9, 0.1 + 1.5 * s.authority)):
                web.add(d, "listing", s, premium=_chance(rng, 0.2))

    for m in brands:
        for _ in range(int(rng.poisson(10 * m.authority))):
            cite(m, _pick(rng, news))
        for p in portals:
            if _chance(rng, m.authority):
                web.add(p, "portal", m)
    for paper in news:
        for other in news:
            if other is not paper and _chance(rng, 0.1 + 0.5 * other.authority):
                cite(other, paper)
        for key in ("facebook", "instagram") if _chance(rng, 0.8) else ():
            web.add(paper, "social", platforms[key])
        advertisers = [*shops, *brands]
        for ad in _sample(
            rng, advertisers, int(rng.integers(1, 4)), [s.authority for s in advertisers]
        ):
            web.add(paper, "ad", ad)
        for p in portals:
            if p.country == paper.country and _chance(rng, 0.9):
                web.add(p, "portal", paper)
    # Hubs link to each other in partner footers and link lists.
    hubs = [*dirs, *reviews, *portals]
    for h in hubs:
        others = [o for o in hubs if o is not h]
        for o in _sample(rng, others, int(rng.integers(3, 7)), [o.authority for o in others]):
            web.add(h, "network", o)
    for p in portals:
        for key in ("facebook", "instagram", "linkedin"):
            web.add(p, "portal", platforms[key])
    for s in web.sites:
        if s.style == "xhtml" and s.shape not in ("platform",) and _chance(rng, 0.5):
            web.add(s, "valid", platforms["w3"])

    # Clients: one or two listings each, on whichever directories would take them.
    for c in (s for s in web.sites if s.kind == CLIENT):
        takers = [d for d in dirs if d.scope == "web" or (c.city and _covers(d, c))]
        for d in _sample(rng, takers, int(rng.integers(1, 3))):
            web.add(d, "listing", c)


# --------------------------------------------------------------------------------------------
# Skeletons: every site's pages, and which of them the crawler captured
# --------------------------------------------------------------------------------------------


def _path(site: Site, *parts: str) -> str:
    """A page path in the site's own style: /a/b.html, /a/b/ or /index.php?page=a-b."""
    if not parts:
        return "/"
    if site.path_style == "php":
        return "/index.php?page=" + "-".join(parts)
    if site.path_style == "dir":
        return "/" + "/".join(parts) + "/"
    return "/" + "/".join(parts) + ".html"


def _skeleton(site: Site, web: Web, rng: Rng) -> None:
    build = _SKELETONS.get(site.shape, _skeleton_small)
    site.pages = build(site, web, rng)
    _choose_captured(site, rng)


def _choose_captured(site: Site, rng: Rng) -> None:
    """The crawl reaches the home page first, then a random share of the rest."""
    if site.share <= 0:
        site.captured = []
        return
    n = len(site.pages)
    k = max(1, min(n, int(round(site.share * n))))
    rest = [int(i) for i in rng.permutation(np.arange(1, n))[: k - 1]]
    site.captured = sorted([0, *rest])


def _skeleton_small(site: Site, web: Web, rng: Rng) -> list[Page]:
    del web
    if site.shape == "platform":
        return [Page("/", "home")]
    roles: list[tuple[str, str]] = [("home", "Home"), ("about", "About us"), ("contact", "Contact")]
    if site.shape == "agency":
        roles += [("work", "Our work"), ("services", "Services")]
    extra_roles = ["service"] * 6 + ["gallery", "testimonials"]
    while len(roles) < site.n_pages:
        role = extra_roles.pop(int(rng.integers(len(extra_roles))))
        roles.append((role, role.title()))
    pages = []
    services = list(
        site.trade.services if site.trade else _OFFERS.get(site.shape, ("consulting", "support"))
    )
    for role, label in roles:
        if role == "home":
            pages.append(Page("/", role, {"label": "Home"}))
        elif role == "service" and services:
            name = services.pop(0)
            pages.append(
                Page(
                    _path(site, "services", _slug(name)),
                    role,
                    {"label": name.title(), "service": name},
                )
            )
        elif role != "service":
            pages.append(Page(_path(site, role), role, {"label": label}))
    return pages


def _skeleton_news(site: Site, web: Web, rng: Rng) -> list[Page]:
    del web
    pages = [Page("/", "home", {"label": "Home"})]
    pages += [Page(f"/{s}/", "section", {"label": s.title(), "section": s}) for s in NEWS_SECTIONS]
    numbered = _chance(rng, 0.5)
    for k in range(site.n_pages - NEWS_FIRST_ARTICLE):
        section = _pick(rng, NEWS_SECTIONS)
        month = 1 + (k * 7) % 12
        slug = f"story-{k}"  # the headline's words come with the content; the path stays stable
        path = (
            f"/news/{10400 + k}/{slug}"
            if numbered
            else f"/{2025 if month > 1 else 2026}/{month:02d}/{slug}.html"
        )
        pages.append(Page(path, "article", {"section": section}))
    return pages


def _skeleton_brand(site: Site, web: Web, rng: Rng) -> list[Page]:
    del web
    assert site.trade is not None
    pages = [
        Page("/", "home", {"label": "Home"}),
        Page("/about/", "about", {"label": "About"}),
        Page("/where-to-buy/", "stockists", {"label": "Where to buy"}),
        Page("/contact/", "contact", {"label": "Contact"}),
    ]
    for k in range(site.n_pages - BRAND_FIRST_PRODUCT):
        product = _pick(rng, site.trade.products)
        model = f"{site.name[:2].upper()}-{100 + 10 * k}"
        pages.append(
            Page(
                f"/products/{_slug(product)}-{_slug(model)}/",
                "product",
                {"product": product, "model": model},
            )
        )
    return pages


def _skeleton_shop(site: Site, web: Web, rng: Rng) -> list[Page]:
    assert site.trade is not None
    carried = [web.sites[r.target] for r in web.rels(site, "carry")]
    pages = [
        Page("/", "home", {"label": "Home"}),
        Page(_path(site, "about"), "about"),
        Page(_path(site, "delivery"), "delivery"),
        Page(_path(site, "contact"), "contact"),
    ]
    n_cats = int(rng.integers(8, 21))
    qualifiers = ("pro", "trade", "budget", "compact", "heavy-duty", "premium")
    cats: list[str] = []
    for k in range(n_cats):
        product = site.trade.products[k % len(site.trade.products)]
        cat = product if k < len(site.trade.products) else f"{qualifiers[k % 6]} {product}"
        cats.append(cat)
        pages.append(Page(f"/c/{_slug(cat)}/", "category", {"category": k, "label": cat.title()}))
    first = len(pages)
    product_form = _pick(rng, ("/p/{id}", "/products/{slug}-{id}.html", "/shop/{cat}/{slug}/"))
    for k in range(site.n_pages - first):
        cat = int(rng.integers(n_cats))
        maker = _pick(rng, carried) if carried and _chance(rng, 0.8) else None
        base = site.trade.products[cat % len(site.trade.products)]
        model = f"{(maker.name if maker else site.name)[:3].upper()}-{int(rng.integers(100, 999))}"
        title = f"{maker.name if maker else 'Own-brand'} {base} {model}"
        path = product_form.format(id=5000 + k, slug=_slug(f"{base}-{model}"), cat=_slug(cats[cat]))
        pages.append(
            Page(
                path,
                "product",
                {
                    "category": cat,
                    "maker": maker.idx if maker else -1,
                    "name": title,
                    "product": base,
                },
            )
        )
    # Discontinued products the home page still links to: the crawler gets a 404.
    site.dead = [
        f"/discontinued/{_slug(site.trade.products[0])}-{k}.html"
        for k in range(int(rng.integers(0, 3)))
    ]
    return pages


def _skeleton_directory(site: Site, web: Web, rng: Rng) -> list[Page]:
    listings = web.rels(site, "listing")
    pages = [Page("/", "home", {"label": "Home"})]
    groups: dict[str, list[int]] = {}
    for k, rel in enumerate(listings):
        target = web.sites[rel.target]
        if target.shape == "business" and site.scope != "web":
            assert target.trade is not None
            key = target.trade.slug
        elif target.shape == "business":
            assert target.city is not None
            key = f"local-{target.city.slug}"
        else:
            key = {
                "shop": "shopping",
                "brand": "shopping",
                "news": "news-media",
                "agency": "web-design",
                "casino": "leisure-finance",
                "lender": "leisure-finance",
            }.get(target.shape, "directories-portals")
        groups.setdefault(key, []).append(k)
        if site.scope == "country" and target.city is not None:
            groups.setdefault(f"in-{target.city.slug}", []).append(k)
    for key in sorted(groups):
        label = key.replace("-", " ").title()
        pages.append(
            Page(_path(site, "category", key), "category", {"label": label, "members": groups[key]})
        )
    order = [int(i) for i in rng.permutation(len(listings))]
    pages.append(Page(_path(site, "new"), "new", {"label": "New listings", "members": order[:100]}))
    pages.append(Page(_path(site, "add-url"), "submit", {"label": "Add your site"}))
    if site.layout == "detail":
        for k, rel in enumerate(listings):
            slug = _slug(web.sites[rel.target].name)[:40]
            pages.append(Page(f"/listing/{1000 + k}-{slug}.html", "detail", {"listing": k}))
    return pages


def _skeleton_review(site: Site, web: Web, rng: Rng) -> list[Page]:
    del rng
    reviewed = web.rels(site, "review")
    pages = [Page("/", "home", {"label": "Home"})]
    groups: dict[str, list[int]] = {}
    for k, rel in enumerate(reviewed):
        trade = web.sites[rel.target].trade
        groups.setdefault(trade.slug if trade else "other", []).append(k)
    for key in sorted(groups):
        pages.append(
            Page(
                f"/category/{key}",
                "category",
                {"label": key.replace("-", " ").title(), "members": groups[key]},
            )
        )
    for k, rel in enumerate(reviewed):
        pages.append(
            Page(f"/biz/{_slug(web.sites[rel.target].name)}-{k}", "reviews", {"listing": k})
        )
    return pages


def _skeleton_portal(site: Site, web: Web, rng: Rng) -> list[Page]:
    del web
    pages = [Page("/", "home", {"label": "Home"})]
    php = site.style == "table"
    for s in PORTAL_SECTIONS:
        path = f"/index.php?section={s}" if php else f"/{s}/"
        pages.append(Page(path, "section", {"label": s.title(), "section": s}))
    for k in range(site.n_pages - len(pages)):
        section = _pick(rng, PORTAL_SECTIONS[:3])
        path = f"/index.php?section={section}&id={k + 1}" if php else f"/{section}/{k + 1}.html"
        pages.append(Page(path, section, {"section": section}))
    return pages


_SKELETONS: dict[str, Callable[[Site, Web, Rng], list[Page]]] = {
    "news": _skeleton_news,
    "brand": _skeleton_brand,
    "shop": _skeleton_shop,
    "directory": _skeleton_directory,
    "review": _skeleton_review,
    "portal": _skeleton_portal,
}


# --------------------------------------------------------------------------------------------
# Writing pages
# --------------------------------------------------------------------------------------------


class _Html:
    """Writes one page's links: internal hrefs in the site's own style, every target noted."""

    def __init__(self, site: Site, path: str, seen: set[str]) -> None:
        self.site = site
        self.path = path
        self.seen = seen

    def href(self, url: str) -> str:
        self.seen.add(urlsplit(url).hostname or "")
        site = self.site
        if not url.startswith(site.origin + "/"):
            return url
        path = url[len(site.origin) :]
        if site.href_mode == "absolute":
            return url
        if site.href_mode == "base":  # resolved against <base href="origin/">
            return path[1:] or "./"
        if site.href_mode == "relative":
            target, _, query = path.partition("?")
            here = posixpath.dirname(self.path.partition("?")[0]) or "/"
            rel = posixpath.relpath(target, here) if target != "/" else posixpath.relpath("/", here)
            if target.endswith("/") and rel != ".":
                rel += "/"
            rel = "./" if rel == "." else rel
            return rel + ("?" + query if query else "")
        return path

    def a(self, url: str, text: str, rel: str = "", img: str = "", aria: str = "") -> str:
        attrs = f' href="{_esc(self.href(url))}"'
        if rel:
            attrs += f' rel="{rel.upper() if self.site.upper else rel}"'
        if aria:
            attrs += f' aria-label="{_esc(aria)}"'
        close = " /" if self.site.style == "xhtml" else ""
        if img:
            inner = f'<img src="{_esc(img)}" alt="{_esc(text)}" width="88" height="31"{close}>'
        elif aria:
            inner = _ICON
        else:
            inner = _esc(text)
        return f"<a{attrs}>{inner}</a>"

    def link(self, link: Link) -> str:
        return self.a(link.url, link.text, link.rel, link.img)


_ICON = (
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3 12h18'
    'M3 6h18M3 18h18" stroke="currentColor" stroke-width="2" fill="none"/></svg>'
)


def _anchor(rng: Rng, target: Site, generic: Sequence[str] = ("Visit website",)) -> str:
    """Anchor text as directories and papers write it: the name, a URL, or a generic phrase."""
    form = _weighted(rng, (("name", 0.6), ("url", 0.2), ("generic", 0.2)))
    if form == "name":
        return target.name
    if form == "url":
        return _pick(rng, (target.host, f"http://{target.domain}", f"{target.origin}/"))
    return _pick(rng, generic)


def _ul(items: Sequence[str], cls: str = "") -> str:
    if not items:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _p(paragraphs: Sequence[str]) -> str:
    return "".join(f"<p>{_esc(p)}</p>" for p in paragraphs)


def _slots_for(site: Site) -> dict[str, str | Sequence[str]]:
    trade = site.trade
    city = site.city
    return {
        "name": site.name,
        "city": city.name if city else tuple(c.name for c in _CITIES),
        "street": city.streets if city else ("High Street", "Main St"),
        "people": trade.people if trade else "firms",
        "trade": trade.label.lower() if trade else "retail",
        "service": trade.services if trade else ("repairs", "installations"),
        "first": _FIRST_NAMES,
    }


def _contact_html(h: _Html, site: Site, rng: Rng) -> str:
    city = site.city
    street = _pick(rng, city.streets) if city else "Unit 4, Riverside Park"
    number = int(rng.integers(1, 999))
    address = f"{number} {street}, {city.name if city else ''}".rstrip(", ")
    if not site.contact:
        # A form only: nothing a parser can count as contact details.
        return (
            f'<p>{_esc(address)}</p><form action="/send.php" method="post">'
            '<input name="email" type="email"><textarea name="msg"></textarea>'
            "<button>Send</button></form>"
        )
    phone = (city.phone if city else "+1-800-555-") + f"{int(rng.integers(1000, 9999))}"
    mail = f"{_pick(rng, ('info', 'hello', 'office', 'sales'))}@{site.domain}"
    return (
        f'<p>{_esc(address)}</p><p>Call <a href="tel:{phone}">{phone}</a> or email '
        f'<a href="mailto:{mail}">{mail}</a></p>'
    )


def _social_link(site: Site, platform: Site, img: bool) -> Link:
    handle = _slug(site.name).replace("-", "")[:30] or "page"
    prefix = "company/" if platform.name == "LinkedIn" else ""
    icon = f"/img/{platform.name.lower()}.png" if img else ""
    return Link(f"{platform.origin}/{prefix}{handle}", platform.name, img=icon)


def _common_footer(site: Site, web: Web, rng: Rng) -> list[Link]:
    """Footer links every page carries: social icons, badges, credits, partners, an address."""
    links: list[Link] = []
    if site.contact and site.shape in ("news", "review", "directory"):
        links.append(
            Link(f"mailto:{_pick(rng, ('editor', 'info', 'listings'))}@{site.domain}", "Contact us")
        )
    for rel in web.out.get(site.idx, []):
        target = web.sites[rel.target]
        if rel.kind == "social":
            links.append(_social_link(site, target, _chance(rng, 0.5)))
        elif rel.kind == "badge":
            links.append(Link(target.url(0), f"Find us on {target.name}", img="/img/badge.gif"))
        elif rel.kind == "reviews":
            links.append(Link(target.url(0), f"Read our reviews on {target.name}"))
        elif rel.kind == "credit":
            links.append(Link(target.url(0), f"Website by {target.name}"))
        elif rel.kind == "partner":
            links.append(Link(target.url(0), target.name))
        elif rel.kind == "valid":
            links.append(
                Link(
                    "http://validator.w3.org/check?uri=referer",
                    "Valid XHTML 1.0",
                    img="http://www.w3.org/Icons/valid-xhtml10",
                )
            )
    return links


def _content(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    """Title, body and sidebar of every captured page, plus the site's menu and footer."""
    writer = _CONTENT_WRITERS.get(site.shape, _write_business)
    writer(site, web, rng, seen)
    # The footer goes on every page: its targets are seen as soon as one page is captured.
    if site.captured:
        h = _Html(site, "/", seen)
        for url, _label in site.menu:
            h.href(url)
        for link in site.footer:
            h.href(link.url)


def _write_business(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    slots = _slots_for(site)
    thin = "thin" in site.flags
    few = "few_internal" in site.flags
    site.footer = _common_footer(site, web, rng)
    if not few:
        site.menu = [
            (site.url(i), str(p.data.get("label", p.role.title())))
            for i, p in enumerate(site.pages)
        ]
    body_rels = web.rels(site, "featured_in", "installs")
    if site.kind == CLIENT and site.shape in ("casino", "lender"):
        _write_client_offer(site, rng, seen)
        return
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        trade = site.trade.label if site.trade else ""
        city = site.city.name if site.city else ""
        parts: list[str] = []
        n = 2 if thin else int(rng.integers(5, 13))
        if page.role == "home":
            page.title = f"{site.name} | {trade} in {city}"
            parts.append(f"<h1>{_esc(site.name)}</h1>")
            page.text = _paragraphs(rng, _BUSINESS_SENTENCES, slots, n)
            parts.append(_p(page.text))
            if few:
                # One way in: a lone link to the contact page.
                contact = next(k for k, p in enumerate(site.pages) if p.role == "contact")
                parts.append(f"<p>{h.a(site.url(contact), 'Get in touch')}</p>")
            else:
                services = [
                    h.a(site.url(k), str(p.data["label"]))
                    for k, p in enumerate(site.pages)
                    if p.role == "service"
                ]
                parts.append(_ul(services, "services"))
            for rel in body_rels:
                target = web.sites[rel.target]
                if rel.kind == "featured_in":
                    parts.append(f"<p>As featured in {h.a(target.url(rel.page), target.name)}</p>")
                else:
                    product = h.a(target.url(0), target.name)
                    parts.append(f"<p>We are authorised {product} installers.</p>")
        elif page.role == "contact":
            page.title = f"Contact {site.name}"
            parts.append(f"<h1>Contact us</h1>{_contact_html(h, site, rng)}")
        elif page.role == "testimonials":
            page.title = f"What our customers say - {site.name}"
            quotes = _sentences(rng, _TESTIMONIALS, slots, 1 if thin else int(rng.integers(3, 7)))
            parts.append("".join(f"<blockquote>{_esc(q)}</blockquote>" for q in quotes))
        elif page.role == "gallery":
            page.title = f"Gallery - {site.name}"
            imgs = "".join(f'<img src="/img/job{k}.jpg" alt="">' for k in range(8))
            parts.append(f'<h1>Recent work</h1><div class="gallery">{imgs}</div>')
        else:
            label = str(page.data.get("label", page.role.title()))
            page.title = f"{label} - {site.name}"
            # A service page talks about its service; other pages about any of them.
            service = str(page.data["service"]) if "service" in page.data else slots["service"]
            page.text = _paragraphs(rng, _BUSINESS_SENTENCES, {**slots, "service": service}, n)
            parts.append(f"<h1>{_esc(label)}</h1>{_p(page.text)}")
        if site.contact and page.role == "home" and _chance(rng, 0.5):
            parts.append(_contact_html(h, site, rng))
        page.body = "".join(parts)


def _write_client_offer(site: Site, rng: Rng, seen: set[str]) -> None:
    """A casino or a lender: its own pages name its trade, poison words and all."""
    words = (
        ("online casino", "slots", "roulette", "free spins", "poker")
        if site.shape == "casino"
        else ("payday loans", "fast cash", "instant decision", "bad credit loans")
    )
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        topic = str(page.data.get("service") or _pick(rng, words))
        page.title = f"{site.name} - {topic.title()}"
        body = [f"<h1>{_esc(topic.title())}</h1>"]
        text = [
            f"{site.name} offers {topic} to adults in supported states.",
            f"Read the terms before you sign up for {topic}.",
            "Play responsibly." if site.shape == "casino" else "Representative APR 1,294%.",
        ]
        page.text = [" ".join(text)]
        body.append(_p(page.text))
        if page.role == "contact":
            body.append(_contact_html(h, site, rng))
        page.body = "".join(body)


def _write_agency(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    slots = _slots_for(site)
    site.menu = [
        (site.url(i), str(p.data.get("label", p.role.title()))) for i, p in enumerate(site.pages)
    ]
    site.footer = _common_footer(site, web, rng)
    work = [web.sites[r.target] for r in web.rels(site, "portfolio")]
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        page.title = f"{site.name} - {page.data.get('label', 'Web design')}"
        page.text = _paragraphs(rng, _AGENCY_SENTENCES, slots, int(rng.integers(4, 9)))
        body = [f"<h1>{_esc(str(page.data.get('label', site.name)))}</h1>", _p(page.text)]
        if page.role in ("work", "home") and work:
            body.append(_ul([h.a(w.url(0), w.name) for w in work], "portfolio"))
        if page.role == "contact":
            body.append(_contact_html(h, site, rng))
        page.body = "".join(body)


def _write_news(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    slots = _slots_for(site)
    slots["trade"] = [t.label.lower() for t in _TRADES]
    slots["people"] = [t.people for t in _TRADES]
    if site.city is None:
        slots["city"] = [c.name for c in _CITIES if c.country == site.country]
        slots["street"] = [s for c in _CITIES for s in c.streets]
    site.menu = [(site.url(i), str(site.pages[i].data["label"])) for i in range(NEWS_FIRST_ARTICLE)]
    site.footer = _common_footer(site, web, rng)
    cites: dict[int, list[Rel]] = {}
    for rel in web.rels(site, "cite"):
        cites.setdefault(rel.page, []).append(rel)
    ads = [web.sites[r.target] for r in web.rels(site, "ad")]
    articles = list(range(NEWS_FIRST_ARTICLE, len(site.pages)))
    headlines = {k: _fill(rng, _pick(rng, _HEADLINES), slots) for k in articles}
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        if page.role in ("home", "section"):
            shown = _sample(rng, articles, 40 if page.role == "home" else 20)
            page.title = f"{site.name} - {page.data['label']}"
            page.body = f"<h1>{_esc(site.name)}</h1>" + _ul(
                [h.a(site.url(k), headlines[k]) for k in sorted(shown)], "headlines"
            )
            continue
        page.title = f"{headlines[i]} | {site.name}"
        page.text = _paragraphs(
            rng, _NEWS_SENTENCES, slots, int(rng.integers(18, 50)), int(rng.integers(3, 6))
        )
        paragraphs = [_esc(p) for p in page.text]
        for rel in cites.get(i, []):
            target = web.sites[rel.target]
            kind = target.shape if target.shape in _CITE_SENTENCES else "other"
            said: dict[str, str | Sequence[str]] = {**slots, "link": "@@LINK@@"}
            if target.trade:
                said["trade"] = target.trade.label.lower()
            if target.city:
                said["street"] = target.city.streets
            sentence = _esc(_fill(rng, _pick(rng, _CITE_SENTENCES[kind]), said))
            anchor = target.name if _chance(rng, 0.85) else target.host
            link = h.a(target.url(0), anchor, site.policy)
            at = int(rng.integers(len(paragraphs)))
            paragraphs[at] += " " + sentence.replace("@@LINK@@", link)
        by = f"By {_pick(rng, _FIRST_NAMES)} {_pick(rng, _SURNAMES).title()}"
        body = [f'<h1>{_esc(headlines[i])}</h1><p class="byline">{by}</p>']
        body += [f"<p>{p}</p>" for p in paragraphs]
        if ads and _chance(rng, 0.3):
            ad = _pick(rng, ads)
            body.append(
                f'<div class="ad">Advertisement: '
                f"{h.a(ad.url(0), f'{ad.name} - shop the sale', 'sponsored')}</div>"
            )
        page.body = "".join(body)
        most_read = _sample(rng, articles, 5)
        page.sidebar = "<h3>Most read</h3>" + _ul(
            [h.a(site.url(k), headlines[k]) for k in most_read]
        )


def _listing_rel(site: Site, premium: bool) -> str:
    if site.policy == "mixed":
        return "" if premium else "nofollow"
    if site.policy == "robots":
        return ""  # the page's robots meta says nofollow instead
    return site.policy


def _write_directory(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    listings = web.rels(site, "listing")
    targets = [web.sites[r.target] for r in listings]
    blurbs = [_directory_blurb(rng, t) for t in targets]
    details = {int(p.data["listing"]): k for k, p in enumerate(site.pages) if p.role == "detail"}
    # A short menu; the categories are listed on the home page. Listing pages stay thin.
    cats = [k for k, p in enumerate(site.pages) if p.role == "category"]
    site.menu = [
        (site.url(k), str(p.data["label"]))
        for k, p in enumerate(site.pages)
        if p.role in ("home", "new", "submit")
    ]
    # Link-exchange partners as 88x31 banners: links without visible text.
    site.footer = _common_footer(site, web, rng) + [
        Link(web.sites[r.target].url(0), web.sites[r.target].name, img=f"/banners/{r.target}.gif")
        for r in web.rels(site, "network")
    ]
    # Paying members shown in a sidebar on every listing page: web directories show many.
    premium = [k for k, r in enumerate(listings) if r.premium][: 30 if site.scope == "web" else 10]
    table = site.style == "table"

    def entry(h: _Html, k: int) -> str:
        target = targets[k]
        rel = _listing_rel(site, listings[k].premium)
        if site.layout == "detail":
            link = h.a(site.url(details[k]), target.name)
            return f"{link} <small>{_esc(blurbs[k][:60])}</small>"
        link = h.a(target.url(0), _anchor(rng, target), rel)
        more = f" {h.a(target.url(0), 'Visit website', rel)}" if _chance(rng, 0.3) else ""
        return f"{link} &mdash; {_esc(blurbs[k])}{more}"

    def listing_block(h: _Html, members: Sequence[int]) -> str:
        if table:
            rows = "".join(f"<tr><td>{entry(h, k)}</td></tr>" for k in members)
            return f'<table width="100%" border="0" cellpadding="3">{rows}</table>'
        return _ul([entry(h, k) for k in members], "listings")

    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        page.robots_nofollow = site.policy == "robots" and page.role in ("category", "detail")
        if page.role == "home":
            page.title = f"{site.name} - Find local businesses"
            page.text = [
                f"{site.name} lists {len(listings)} websites. Browse by category or "
                "add your own site for free."
            ]
            latest = [int(k) for k in rng.permutation(len(listings))[:10]]
            browse = [h.a(site.url(k), str(site.pages[k].data["label"])) for k in cats]
            page.body = (
                f"<h1>{_esc(site.name)}</h1>{_p(page.text)}<h2>Categories</h2>{_ul(browse)}"
                "<h2>Latest additions</h2>" + listing_block(h, latest)
            )
        elif page.role in ("category", "new"):
            members = list(page.data["members"])
            page.title = f"{page.data['label']} - {site.name}"
            page.body = f"<h1>{_esc(str(page.data['label']))}</h1>" + listing_block(h, members)
        elif page.role == "submit":
            page.title = f"Add your site - {site.name}"
            page.body = (
                "<h1>Add your site</h1><p>Free listings are reviewed within 30 days. "
                'Premium listings go live today.</p><form action="/submit.php">'
                '<input name="url"><button>Submit</button></form>'
            )
        else:
            k = int(page.data["listing"])
            target = targets[k]
            rel = _listing_rel(site, listings[k].premium)
            # Thin by nature: a name, a line of text, one link.
            page.title = f"{target.name} - {site.name}"
            page.body = (
                f"<h1>{_esc(target.name)}</h1><p>{_esc(blurbs[k])}</p>"
                f"<p>{h.a(target.url(0), _anchor(rng, target), rel)}</p>"
            )
        if page.role in ("category", "new", "detail") and premium:
            page.sidebar = "<h3>Featured</h3>" + _ul(
                [h.a(targets[k].url(0), targets[k].name, _listing_rel(site, True)) for k in premium]
            )


def _directory_blurb(rng: Rng, target: Site) -> str:
    if target.shape == "business" and target.trade and target.city:
        service = _pick(rng, target.trade.services)
        return f"{target.trade.label} in {target.city.name}: {service} and more."
    return _pick(
        rng,
        (
            "Useful resource.",
            "Recommended site.",
            "Online since 2009.",
            "Listed by a visitor.",
            "Great selection and fast delivery.",
        ),
    )


def _write_review(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    reviewed = [web.sites[r.target] for r in web.rels(site, "review")]
    site.menu = [
        (site.url(k), str(p.data["label"]))
        for k, p in enumerate(site.pages)
        if p.role in ("home", "category")
    ]
    site.footer = _common_footer(site, web, rng) + [
        Link(web.sites[r.target].url(0), web.sites[r.target].name)
        for r in web.rels(site, "network")
    ]
    pages_of = {int(p.data["listing"]): k for k, p in enumerate(site.pages) if p.role == "reviews"}
    ratings = [round(float(rng.uniform(2.5, 5.0)), 1) for _ in reviewed]
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        if page.role in ("home", "category"):
            members = (
                list(page.data["members"])
                if page.role == "category"
                else sorted(range(len(reviewed)), key=lambda k: -ratings[k])[:10]
            )
            page.title = f"{page.data['label']} reviews - {site.name}"
            page.body = "<h1>Top rated</h1>" + _ul(
                [
                    f"{h.a(site.url(pages_of[k]), reviewed[k].name)} ({ratings[k]}/5)"
                    for k in members
                ]
            )
            continue
        k = int(page.data["listing"])
        target = reviewed[k]
        slots = _slots_for(target)
        page.title = f"{target.name} reviews | {site.name}"
        reviews = []
        for _ in range(int(rng.integers(1, 7))):
            who = f"{_pick(rng, _FIRST_NAMES)} {_pick(rng, _SURNAMES)[0].upper()}."
            said = " ".join(_sentences(rng, _REVIEW_SENTENCES, slots, int(rng.integers(1, 4))))
            page.text.append(said)
            reviews.append(
                f'<div class="review"><b>{_esc(who)}</b> '
                f"{int(rng.integers(1, 6))}/5<p>{_esc(said)}</p></div>"
            )
        website = h.a(target.url(0), _anchor(rng, target, ("Website", "Visit site")), site.policy)
        page.body = (
            f"<h1>{_esc(target.name)}</h1><p>Rated {ratings[k]} out of 5</p>"
            f"<p>Website: {website}</p>" + "".join(reviews)
        )


def _write_portal(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    targets = [web.sites[r.target] for r in web.rels(site, "portal", "network")]
    slots = _slots_for(site)
    if site.city is None:
        slots["city"] = [c.name for c in _CITIES if c.country == site.country]
        slots["street"] = [s for c in _CITIES for s in c.streets]
    site.menu = [
        (site.url(k), str(site.pages[k].data["label"])) for k in range(1 + len(PORTAL_SECTIONS))
    ]
    site.footer = [Link(t.url(0), t.name) for t in targets if t.shape == "platform"]
    anchors = [_anchor(rng, t) for t in targets]
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        # The sitewide link list: every page carries all of it.
        items = [h.a(t.url(0), anchors[k], site.policy) for k, t in enumerate(targets)]
        if site.style == "html5":
            page.sidebar = f'<nav class="local-links"><h3>Local links</h3>{_ul(items)}</nav>'
        elif site.style == "xhtml":
            page.sidebar = f'<div id="links" role="navigation">{_ul(items)}</div>'
        else:
            page.sidebar = "<br>".join(items)
        section = str(page.data.get("section", "home"))
        page.title = f"{site.name} - {section.title()}"
        if page.role in ("events", "classifieds"):
            thing = _pick(rng, ("For sale", "Wanted", "Event", "Free"))
            page.text = [f"{thing}: {_fill(rng, '{event} on {street}, {weekday}.', slots)}"]
        else:
            page.text = _paragraphs(rng, _PORTAL_SENTENCES, slots, int(rng.integers(2, 8)))
        extra = ""
        if page.role == "section" and section == "links":
            # The A-Z of links: each site by name and by address, twice the sidebar's links.
            extra = _ul(
                [
                    f"{h.a(t.url(0), t.name, site.policy)} - {h.a(t.url(0), t.host, site.policy)}"
                    for t in sorted(targets, key=lambda t: t.name)
                ]
            )
        elif page.role == "guide" and targets and _chance(rng, 0.5):
            t = _pick(rng, targets)
            extra = f"<p>See also {h.a(t.url(0), t.name, site.policy)}</p>"
        page.body = f"<h1>{_esc(section.title())}</h1>{_p(page.text)}{extra}"


def _write_brand(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    slots = _slots_for(site)
    site.menu = [(site.url(k), str(site.pages[k].data["label"])) for k in range(4)]
    site.footer = _common_footer(site, web, rng)
    stockists = [web.sites[r.target] for r in web.rels(site, "stockist")]
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        if page.role == "product":
            name = f"{site.name} {page.data['product']} {page.data['model']}"
            page.title = name
            page.text = _paragraphs(
                rng,
                _PRODUCT_SENTENCES,
                {**slots, "product": str(page.data["product"]), "brand": site.name},
                int(rng.integers(3, 8)),
            )
            page.body = f"<h1>{_esc(name)}</h1>{_p(page.text)}"
        elif page.role == "stockists":
            page.title = f"Where to buy {site.name}"
            page.body = "<h1>Where to buy</h1>" + _ul([h.a(s.url(0), s.name) for s in stockists])
        else:
            page.title = f"{site.name} - {page.data['label']}"
            products = [
                h.a(site.url(k), str(p.data["model"]))
                for k, p in enumerate(site.pages)
                if p.role == "product"
            ][:24]
            trade = site.trade.label.lower() if site.trade else ""
            since = _pick(rng, _SLOTS_COMMON["year"])
            page.text = [f"Quality {trade} products since {since}."]
            page.body = f"<h1>{_esc(site.name)}</h1>{_p(page.text)}{_ul(products)}"
            if page.role == "contact":
                page.body += _contact_html(h, site, rng)


def _write_shop(site: Site, web: Web, rng: Rng, seen: set[str]) -> None:
    assert site.trade is not None
    heavy = "heavy" in site.flags
    thin = "thin" in site.flags
    cats = [k for k, p in enumerate(site.pages) if p.role == "category"]
    products = [k for k, p in enumerate(site.pages) if p.role == "product"]
    by_cat: dict[int, list[int]] = {}
    for k in products:
        by_cat.setdefault(int(site.pages[k].data["category"]), []).append(k)
    # A heavy template's menu is the icon bar: many internal links and no visible text.
    if not heavy:
        site.menu = [(site.url(k), str(site.pages[k].data.get("label", ""))) for k in (0, *cats)]
    site.footer = _common_footer(site, web, rng)
    carried = [web.sites[r.target] for r in web.rels(site, "carry")]
    currency = "£" if site.country == "uk" else "$"
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        parts: list[str] = []
        if heavy:
            # An icon bar of every category: many internal links, no visible text.
            parts.append(
                '<div class="icon-bar">'
                + "".join(h.a(site.url(k), "", aria=str(site.pages[k].data["label"])) for k in cats)
                + "</div>"
            )
            page.data["state"] = json.dumps(
                {
                    "sku": [int(x) for x in rng.integers(10**6, 10**7, 120)],
                    "stock": [int(x) for x in rng.integers(0, 50, 120)],
                    "prices": [round(float(x), 2) for x in rng.uniform(3, 900, 120)],
                }
            )
        if page.role == "product":
            name = str(page.data["name"])
            price = f"{currency}{rng.uniform(4, 600):.2f}"
            page.title = f"{name} | {site.name}"
            parts.append(f'<h1>{_esc(name)}</h1><p class="price">{price}</p>')
            if thin:
                page.text = [f"{_pick(rng, ('In stock', 'Low stock', '2-3 day dispatch'))}."]
                parts.append(_p(page.text))
            else:
                page.text = _paragraphs(
                    rng,
                    _PRODUCT_SENTENCES,
                    {"product": str(page.data["product"]), "brand": name.split(" ")[0]},
                    int(rng.integers(3, 9)),
                )
                parts.append(_p(page.text))
            maker = int(page.data["maker"])
            if maker >= 0 and _chance(rng, 0.7):
                brand = web.sites[maker]
                target = (
                    brand.url(0)
                    if _chance(rng, 0.5)
                    else brand.url(
                        BRAND_FIRST_PRODUCT
                        + int(rng.integers(len(brand.pages) - BRAND_FIRST_PRODUCT))
                    )
                )
                parts.append(f"<p>Manufacturer: {h.a(target, brand.name)}</p>")
            cat = int(page.data["category"])
            related = _sample(rng, by_cat.get(cat, []), 6)
            parts.append(
                '<div class="related">'
                + "".join(
                    h.a(site.url(k), str(site.pages[k].data["name"]), img=f"/img/{5000 + k}.jpg")
                    for k in related
                    if k != i
                )
                + "</div>"
            )
        elif page.role == "category":
            cat = int(page.data["category"])
            page.title = f"{page.data['label']} | {site.name}"
            members = by_cat.get(cat, [])[:40]
            items = [h.a(site.url(k), str(site.pages[k].data["name"])) for k in members]
            parts.append(f"<h1>{_esc(str(page.data['label']))}</h1>" + _ul(items, "grid"))
        elif page.role == "home":
            page.title = f"{site.name} - {site.trade.label} supplies"
            page.text = [
                f"{site.name}: {site.trade.label.lower()} supplies delivered "
                f"{'nationwide' if _chance(rng, 0.5) else 'next day'}."
            ]
            parts.append(f"<h1>{_esc(site.name)}</h1>{_p(page.text)}")
            parts.append("<h2>Our brands</h2>" + _ul([h.a(b.url(0), b.name) for b in carried]))
            parts.append(_ul([h.a(site.origin + d, "Clearance") for d in site.dead]))
        else:
            page.title = f"{page.role.title()} | {site.name}"
            page.text = [
                f"{page.role.title()} information for {site.name} customers.",
                "Orders over 50 ship free. Returns accepted within 30 days.",
            ]
            parts.append(f"<h1>{page.role.title()}</h1>{_p(page.text)}")
            if page.role == "contact":
                parts.append(_contact_html(h, site, rng))
        page.body = "".join(parts)


_CONTENT_WRITERS: dict[str, Callable[[Site, Web, Rng, set[str]], None]] = {
    "business": _write_business,
    "casino": _write_business,
    "lender": _write_business,
    "agency": _write_agency,
    "news": _write_news,
    "directory": _write_directory,
    "review": _write_review,
    "portal": _write_portal,
    "brand": _write_brand,
    "shop": _write_shop,
}


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ATTR = re.compile(r"(\s)([a-zA-Z-]+)(?==)")


def _shout(markup: str) -> str:
    """Capitalise tag and attribute names, as 1990s editors wrote them; values stay as they are."""

    def tag(m: re.Match[str]) -> str:
        parts = m.group(3).split('"')
        # Outside the quotes only: even pieces are between attribute values.
        parts[::2] = [_ATTR.sub(lambda a: a.group(1) + a.group(2).upper(), p) for p in parts[::2]]
        return "<" + m.group(1) + m.group(2).upper() + '"'.join(parts) + ">"

    return _TAG.sub(tag, markup)


def _heavy_head(site: Site, page: Page) -> str:
    """Framework markup: a big inline stylesheet and a JSON state blob, none of it visible."""
    rules = "".join(
        f".c{site.idx}-{k}{{margin:{k % 7}px;padding:{k % 5}px {k % 3}px;"
        f"color:#{k * 2654435 % 0xFFFFFF:06x}}}"
        for k in range(160)
    )
    state = str(page.data.get("state", "{}"))
    return (
        f"<style>{rules}</style><script>window.dataLayer=window.dataLayer||[];"
        "function gtag(){dataLayer.push(arguments)}</script>"
        f'<script type="application/json" id="__STATE__">{state}</script>'
    )


def _wrap_heavy(body: str) -> str:
    classes = " ".join(
        f"tw-{w}"
        for w in (
            "flex",
            "grid",
            "gap-4",
            "px-6",
            "md:px-12",
            "lg:py-8",
            "items-center",
            "justify-between",
            "rounded-xl",
        )
    )
    for depth in range(6):
        body = (
            f'<div class="{classes} d{depth}" data-v-3f2a1b="" data-testid="w{depth}">{body}</div>'
        )
    return body


def _render(
    site: Site, page: Page, paid: Sequence[Link] = (), seen: set[str] | None = None
) -> bytes:
    h = _Html(site, page.path, seen if seen is not None else set())
    menu = [h.a(url, label) for url, label in site.menu]
    footer = " | ".join(h.link(link) for link in site.footer)
    featured = ""
    if paid:
        items = [
            f"{h.link(link)} - {_esc(_PAID_BLURBS[zlib.crc32(link.url.encode()) % 3])}"
            for link in paid
        ]
        featured = f'<div class="featured"><h3>Featured listings</h3>{_ul(items)}</div>'
    year = 2026
    head_extra = ""
    if site.href_mode == "base":
        head_extra += f'<base href="{site.origin}/">'
    if page.robots_nofollow:
        head_extra += '<meta name="robots" content="index, nofollow">'
    heavy = "heavy" in site.flags
    if heavy:
        head_extra += _heavy_head(site, page)
    title = _esc(page.title or site.name)
    body = featured + page.body
    if heavy:
        body = _wrap_heavy(body)
    if site.style == "html5":
        canonical = (
            f'<link rel="canonical" href="{site.origin}{_esc(page.path)}">'
            if site.shape in ("shop", "news")
            else ""
        )
        nav = f'<nav class="main-nav">{_ul(menu)}</nav>' if menu else ""
        aside = f'<aside class="sidebar">{page.sidebar}</aside>' if page.sidebar else ""
        doc = (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{title}</title><meta name="viewport" content="width=device-width">'
            f'{canonical}{head_extra}<link rel="stylesheet" href="/assets/site.css"></head>'
            f'<body><header><span class="logo">{_esc(site.name)}</span>{nav}</header>'
            f"<main>{body}</main>{aside}<footer><p>&copy; {year} {_esc(site.name)}</p>"
            f"{footer}</footer></body></html>"
        )
    elif site.style == "xhtml":
        role = ' role="navigation"' if site.idx % 2 else ""
        foot_role = ' role="navigation"' if site.idx % 3 == 0 else ""
        doc = (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD '
            'XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-'
            'transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">'
            '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<title>{title}</title>{head_extra}</head><body><div id="container">'
            f'<div id="header"><h1>{_esc(site.name)}</h1></div>'
            f'<div id="menu"{role}>{_ul(menu)}</div><div id="content">{body}</div>'
            f'<div id="sidebar">{page.sidebar}</div><div id="footer"{foot_role}><p>Copyright '
            f"{year} {_esc(site.name)}</p>{footer}</div></div></body></html>"
        )
    else:
        doc = (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html><head>'
            f'<meta http-equiv="Content-Type" content="text/html; charset={site.charset}">'
            f'<title>{title}</title>{head_extra}</head><body bgcolor="#ffffff" '
            'link="#0000cc" vlink="#551a8b"><table width="780" border="0" '
            'cellspacing="0" cellpadding="4" align="center"><tr><td colspan="2" '
            'bgcolor="#003366"><font face="Arial" size="5" color="#ffffff"><b>'
            f'{_esc(site.name)}</b></font></td></tr><tr><td width="170" valign="top" '
            f'bgcolor="#eeeeee"><font size="2">{"<br>".join(menu)}<br><br>{page.sidebar}'
            '</font></td><td valign="top"><font face="Verdana, Arial" size="2">'
            f'{body}</font></td></tr><tr><td colspan="2" align="center"><font size="1">'
            f"{footer}<br>&copy; {year} {_esc(site.name)}</font></td></tr></table>"
            "</body></html>"
        )
        if site.upper:
            doc = _shout(doc)
    return doc.encode(site.charset, errors="xmlcharrefreplace")


_PAID_BLURBS = ("Our recommended partner", "Sponsored listing", "Editor's pick")


# --------------------------------------------------------------------------------------------
# Spam
# --------------------------------------------------------------------------------------------


@dataclass
class _Spam:
    sites: list[Site]
    paid: dict[tuple[int, str], list[Link]]  # (organic site, page path) -> featured links
    partial: set[int]


def _money_anchors(client: Site) -> list[str]:
    if client.shape == "casino":
        return ["best online casino", "casino bonus", "online slots", "free spins casino"]
    if client.shape == "lender":
        return ["payday loans", "fast cash loans", "loans no credit check", "instant loans"]
    assert client.trade is not None and client.city is not None
    service = client.trade.services[0]
    return [
        f"{service} {client.city.slug}",
        f"best {client.trade.people} in {client.city.name}",
        f"{client.city.name} {client.trade.people}",
        f"cheap {service}",
    ]


def _spam_world(seed: int, organic: list[Site], present: set[str]) -> _Spam:
    """Plant the spam: a link-farm star, a tiered PBN, doorways, and paid featured listings.

    Draws only from the spam streams, so the organic web is the same with or without it."""
    rng = _rng(seed, _SPAM_WORLD)
    names = _Namer({s.domain for s in organic})
    sites: list[Site] = []
    clients = [s for s in organic if s.kind == CLIENT]
    local_clients = [c for c in clients if c.shape == "business"]
    offer_clients = [c for c in clients if c.shape in ("casino", "lender")]
    pbn_client = _pick(rng, local_clients)
    star_pool = [c for c in clients if c is not pbn_client and c.shape != "casino"]
    star_clients = _sample(rng, star_pool, min(len(star_pool), int(rng.integers(2, 4))))
    visible = [s for s in organic if s.domain in present and s.kind == ORGANIC]
    authorities = [s for s in visible if s.shape in ("brand", "news", "platform")]

    def add(label: str, tld: str, shape: str, n_pages: int, style: str) -> Site:
        domain = names.claim(rng, label, tld)
        site = Site(
            len(organic) + len(sites),
            domain,
            SPAM,
            shape,
            0.0,
            "",
            domain,
            n_pages=n_pages,
            share=1.0,
        )
        site.name = domain.split(".")[0].replace("-", " ").title()
        site.host = f"www.{domain}" if _chance(rng, 0.4) else domain
        site.style = style
        site.scheme = "https" if _chance(rng, 0.6) else "http"
        site.href_mode = "root"
        site.contact = False
        sites.append(site)
        return site

    def words(k: int) -> str:
        return "-".join(_sample(rng, _SPAM_WORDS, k))

    spec: dict[int, dict[str, Any]] = {}
    # Star: one hub, 8-12 satellites around it.
    hub = add(
        f"{words(2)}-links",
        _pick(rng, ("xyz", "top", "info")),
        "star_hub",
        int(rng.integers(3, 5)),
        "table",
    )
    satellites = [
        add(
            f"{words(2)}-{_pick(rng, ('blog', 'guide', 'tips'))}",
            _pick(rng, ("info", "biz", "site", "online", "xyz")),
            "star_satellite",
            int(rng.integers(3, 6)),
            _pick(rng, ("html5", "xhtml")),
        )
        for _ in range(int(rng.integers(8, 13)))
    ]
    spec[hub.idx] = {"satellites": satellites, "clients": star_clients, "organic": visible}
    for s in satellites:
        spec[s.idx] = {"hub": hub, "clients": _sample(rng, star_clients, int(rng.integers(2, 4)))}
    # PBN: tier 1 looks like a real home-improvement blog; tier 2 is thin and cheap.
    tier1 = [
        add(
            _pick(
                rng,
                ("the-{w}-notebook", "{w}-and-hearth", "{w}house-journal", "{w}-renovation-notes"),
            ).format(w=_brandable(rng, 2)),
            _pick(rng, ("com", "net", "org")),
            "pbn_tier1",
            int(rng.integers(7, 11)),
            "html5",
        )
        for _ in range(int(rng.integers(4, 7)))
    ]
    for s in tier1:
        s.scheme, s.contact = "https", True
        spec[s.idx] = {"client": pbn_client, "cover": _sample(rng, authorities, 2)}
    tier2 = [
        add(
            f"{words(2)}{int(rng.integers(1, 99))}",
            _pick(rng, _CHEAP_TLDS),
            "pbn_tier2",
            int(rng.integers(2, 5)),
            _pick(rng, ("html5", "table")),
        )
        for _ in range(int(rng.integers(8, 13)))
    ]
    for s in tier2:
        spec[s.idx] = {
            "tier1": _sample(rng, tier1, int(rng.integers(1, 4))),
            "client": pbn_client if _chance(rng, 0.2) else None,
        }
    # Doorways: stuffed titles, scraped text, poison anchors to the casino and the lender.
    doorways = []
    for _ in range(int(rng.integers(5, 9))):
        kw = _pick(rng, _POISON_KEYWORDS)
        doorways.append(
            add(
                f"{_slug(kw)}-{int(rng.integers(1, 99))}",
                _pick(rng, ("top", "xyz", "icu", "online")),
                "doorway",
                int(rng.integers(4, 9)),
                "html5",
            )
        )
        spec[doorways[-1].idx] = {"kw": kw}
    for s in doorways:
        spec[s.idx]["clients"] = offer_clients
        spec[s.idx]["peers"] = [d for d in doorways if d is not s]
    # A couple of spam sites the crawler did not finish.
    partial = {int(s.idx) for s in _sample(rng, [hub, *tier2, *doorways], 2)}
    for s in sites:
        if s.idx in partial:
            s.share = float(rng.uniform(0.4, 0.7))
    for j, s in enumerate(sites):
        s.pages = _spam_skeleton(s, _rng(seed, _SPAM_SKELETON, j))
        _choose_captured(s, _rng(seed, _SPAM_SKELETON, j, 1))
        s.spec = spec.get(s.idx, {})

    # Paid links: organic directories and papers selling "featured listings" to clients.
    sellers = [s for s in organic if s.shape in ("directory", "news") and s.captured]
    paid: dict[tuple[int, str], list[Link]] = {}
    chosen = _sample(rng, sellers, int(rng.integers(3, 6)))
    # At least one seller marks its paid links sponsored and at least one passes them as followed.
    rels = ["sponsored", "", *("sponsored" if _chance(rng, 0.5) else "" for _ in chosen[2:])]
    for seller, rel in zip(chosen, rels, strict=True):
        client = _pick(rng, clients)
        shown = [seller.captured[0], *_sample(rng, seller.captured[1:], int(rng.integers(0, 3)))]
        for page in shown:
            link = Link(client.url(0), _pick(rng, _money_anchors(client)), rel)
            paid.setdefault((seller.idx, seller.pages[page].path), []).append(link)
    return _Spam(sites, paid, partial)


def _spam_skeleton(site: Site, rng: Rng) -> list[Page]:
    del rng
    if site.shape == "star_hub":
        return [Page("/", "links")] + [
            Page(f"/links-{k}.html", "links") for k in range(2, site.n_pages + 1)
        ]
    if site.shape == "pbn_tier1":
        pages = [Page("/", "home"), Page("/about/", "about"), Page("/contact/", "contact")]
        pages += [Page(f"/{2025}/{k + 3:02d}/post-{k}/", "post") for k in range(site.n_pages - 3)]
        return pages
    return [Page("/", "home")] + [Page(f"/page-{k}.html", "post") for k in range(1, site.n_pages)]


def _spam_content(site: Site, rng: Rng, organic: list[Site], seen: set[str]) -> None:
    spec = site.spec
    news_text = [p for s in organic if s.shape == "news" for pg in s.pages for p in pg.text]
    for i in site.captured:
        page = site.pages[i]
        h = _Html(site, page.path, seen)
        if site.shape == "star_hub":
            targets: list[tuple[str, str]] = []
            for s in spec["satellites"]:
                targets.append((s.url(0), s.name))
            for c in spec["clients"]:
                targets.append((c.url(0), _pick(rng, _money_anchors(c))))
            pool: list[Site] = spec["organic"]
            for s in _sample(rng, pool, int(rng.integers(90, 160))):
                target_page = _pick(rng, s.captured) if s.captured else 0
                targets.append((s.url(target_page) if s.pages else s.origin + "/", s.name))
            order = rng.permutation(len(targets))
            page.title = f"Free Link Exchange - Resources {i + 1}"
            page.body = "<h1>Resources</h1>" + _ul([h.a(*targets[k]) for k in order])
        elif site.shape == "star_satellite":
            hub: Site = spec["hub"]
            kw = _pick(rng, _money_anchors(_pick(rng, spec["clients"])))
            page.title = f"{kw.title()} - {site.name}"
            page.text = _sentences(rng, _SPUN, {"kw": kw}, int(rng.integers(2, 5)))
            links = [h.a(hub.url(0), _pick(rng, ("link exchange", "free links", hub.name)))]
            links += [h.a(c.url(0), _pick(rng, _money_anchors(c))) for c in spec["clients"]]
            page.body = f"<h1>{_esc(kw.title())}</h1>{_p(page.text)}<p>{' '.join(links)}</p>"
        elif site.shape == "pbn_tier1":
            client: Site = spec["client"]
            service = _pick(rng, client.trade.services) if client.trade else "repairs"
            slots = {"service": service}
            page.title = f"{site.name} - {page.role.title()}"
            page.text = _paragraphs(rng, _ADVICE_SENTENCES, slots, int(rng.integers(8, 24)))
            body = [f"<h1>{_esc(service.title())}: what to know</h1>", _p(page.text)]
            if page.role == "post":
                if _chance(rng, 0.7):
                    anchor = _pick(rng, _money_anchors(client))
                    body.append(f"<p>We recommend {h.a(client.url(0), anchor)} for this.</p>")
                for cover in spec["cover"]:
                    body.append(f"<p>Source: {h.a(cover.url(0), cover.name)}</p>")
            if page.role == "contact":
                body.append(
                    f'<p>Write to <a href="mailto:editor@{site.domain}">'
                    f'editor@{site.domain}</a> or call <a href="tel:+1-555-0100">'
                    "+1 555 0100</a></p>"
                )
            page.body = "".join(body)
            site.menu = [(site.url(0), "Home"), (site.url(1), "About"), (site.url(2), "Contact")]
        elif site.shape == "pbn_tier2":
            kw = _pick(rng, ("home improvement", "roof tips", "house repair", "diy help"))
            page.title = f"{kw.title()} {site.name}"
            page.text = _sentences(rng, _SPUN, {"kw": kw}, int(rng.integers(2, 4)))
            links = [
                h.a(
                    t.url(0),
                    _pick(
                        rng, ("home improvement tips", "roofing advice", "best contractors", t.name)
                    ),
                )
                for t in spec["tier1"]
            ]
            client_opt = spec.get("client")
            if isinstance(client_opt, Site):
                links.append(h.a(client_opt.url(0), _pick(rng, _money_anchors(client_opt))))
            page.body = f"{_p(page.text)}<p>{' '.join(links)}</p>"
        else:  # doorway
            kw = str(spec["kw"])
            page.title = " - ".join(
                [kw.title(), f"Buy {kw.split()[-1].title()} Cheap", f"{kw.title()} Online"]
            )
            copied = _sample(rng, news_text, 2) if news_text else []
            page.text = [*copied, " ".join([kw] * int(rng.integers(4, 9)))]
            links = []
            for c in spec["clients"]:
                links.append(h.a(c.url(0), _pick(rng, _POISON_KEYWORDS)))
            for d in _sample(rng, spec["peers"], 2):
                links.append(h.a(d.url(0), str(d.spec["kw"])))
            page.body = f"<h1>{_esc(kw)}</h1>{_p(page.text)}<p>{' '.join(links)}</p>"


# --------------------------------------------------------------------------------------------
# Crawling and writing
# --------------------------------------------------------------------------------------------


def _captures(
    site: Site, rng: Rng, mix: Sequence[float], paid: dict[tuple[int, str], list[Link]]
) -> list[tuple[int, Capture]]:
    """Every capture of the site as (crawl number, Capture): each captured page goes to the
    first crawl, the second, or both (``mix`` gives those odds)."""
    out: list[tuple[int, Capture]] = []
    content_type = f"text/html; charset={site.charset}"

    def when(crawl: int) -> datetime:
        start = CRAWLS[crawl][1]
        return datetime.fromtimestamp(
            start.timestamp() + int(rng.integers(CRAWL_DAYS * 86400)), tz=UTC
        )

    home_crawls: list[int] = []
    for i in site.captured:
        page = site.pages[i]
        choice = int(rng.choice(3, p=np.asarray(mix) / sum(mix)))
        crawls = (0,) if choice == 0 else (1,) if choice == 1 else (0, 1)
        if i == 0:
            home_crawls = list(crawls)
        body = _render(site, page, paid.get((site.idx, page.path), ()))
        for c in crawls:
            out.append((c, Capture(site.url(i), when(c), 200, body, content_type)))
    for c in home_crawls:
        # A dead product link the crawler followed, and the bare-domain redirect many sites keep.
        for path in site.dead:
            out.append(
                (
                    c,
                    Capture(
                        site.origin + path,
                        when(c),
                        404,
                        b"<html><body><h1>Not found</h1></body></html>",
                    ),
                )
            )
        if site.host.startswith("www.") and site.kind == ORGANIC and _chance(rng, 0.3):
            out.append(
                (c, Capture(f"http://{site.domain}/", when(c), 301, b"", location=site.url(0)))
            )
    return out


def _registered(host: str, domains: set[str]) -> str | None:
    """The registered domain among ``domains`` that ``host`` belongs to, if any."""
    labels = host.split(".")
    for k in range(len(labels) - 1):
        candidate = ".".join(labels[k:])
        if candidate in domains:
            return candidate
    return None


def generate(out_dir: Path, seed: int, with_spam: bool = True) -> FamilyWeb:
    """Generate the family's web under ``out_dir``: its crawls as WARC files and its truth."""
    out_dir = Path(out_dir)
    world = _rng(seed, _WORLD)
    organic = _cast(world)
    web = Web(organic)
    _relate(world, web)
    for site in organic:
        _skeleton(site, web, _rng(seed, _SKELETON, site.idx))
    seen: set[str] = set()
    for site in organic:
        _content(site, web, _rng(seed, _CONTENT, site.idx), seen)
    # Every organic domain a captured page links to, or that was captured itself: the truth
    # lists these (the same with or without spam), and spam links only to these.
    registered = {s.domain for s in organic}
    present = {d for d in (_registered(h, registered) for h in seen) if d}
    present |= {s.domain for s in organic if s.captured}

    spam = _Spam([], {}, set())
    if with_spam:
        spam = _spam_world(seed, organic, present)
        spam_seen: set[str] = set()
        for j, site in enumerate(spam.sites):
            _spam_content(site, _rng(seed, _SPAM_CONTENT, j), organic, spam_seen)

    by_crawl: list[list[Capture]] = [[] for _ in CRAWLS]
    for site in organic:
        if site.captured:
            mix = (0.5, 0.35, 0.15)
            for c, cap in _captures(site, _rng(seed, _SCHEDULE, site.idx), mix, spam.paid):
                by_crawl[c].append(cap)
    for j, site in enumerate(spam.sites):
        # Most spam went up between the two crawls.
        for c, cap in _captures(site, _rng(seed, _SPAM_SCHEDULE, j), (0.2, 0.6, 0.2), {}):
            by_crawl[c].append(cap)

    crawls: dict[str, list[Path]] = {}
    for (name, _start), captures in zip(CRAWLS, by_crawl, strict=True):
        shards: list[list[Capture]] = [[] for _ in range(FILES_PER_CRAWL)]
        for cap in sorted(captures, key=lambda c: (c.url, c.fetched)):
            host = urlsplit(cap.url).hostname or ""
            shards[zlib.crc32(host.encode()) % FILES_PER_CRAWL].append(cap)
        crawls[name] = [
            write_warc(out_dir / name / f"{name}-{k:05d}.warc.gz", name, shard)
            for k, shard in enumerate(shards)
        ]

    domains = {
        s.domain: DomainTruth(s.kind, s.shape, round(s.authority, 4), round(s.coverage, 4))
        for s in organic
        if s.domain in present
    }
    for s in spam.sites:
        domains[s.domain] = DomainTruth(SPAM, s.shape, 0.0, round(s.coverage, 4))
    return FamilyWeb(FAMILY, seed, crawls, domains)
