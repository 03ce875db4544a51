"""The "blogosphere" family: blogs, small businesses, forums and hobby magazines crawled twice.

Owns its own names, prose, link plan, crawl sampling and HTML, and plants a PBN, a link ring,
comment spam and paid posts in it.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from linkindex.validation.families import CLIENT, ORGANIC, SPAM, DomainTruth, FamilyWeb
from linkindex.validation.families.warc_out import Capture, write_warc

FAMILY = "blogosphere"
CRAWLS = (
    ("blogosphere-2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
    ("blogosphere-2026-06-01", datetime(2026, 6, 1, tzinfo=UTC)),
)
FILES_PER_CRAWL = 2

# Default size: organic sites the crawl visits, organic sites known only as link targets.
CRAWLED_SITES = 84
UNCRAWLED_SITES = 56

# --- word lists ------------------------------------------------------------------------------

# topic -> (nouns, adjectives, verb phrases, word for names, categories)
Topic = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]
TOPICS: dict[str, Topic] = {
    "gardening": (
        ("tomatoes", "raised beds", "compost heap", "seedlings", "roses", "mulch", "greenhouse",
         "potting soil", "runner beans", "herb spiral"),
        ("organic", "heirloom", "shady", "frost-hardy"),
        ("prune the roses", "start seeds indoors", "build a raised bed", "turn the compost"),
        "garden", ("vegetables", "flowers", "soil", "tools"),
    ),
    "cooking": (
        ("sourdough starter", "cast iron pan", "stock", "dumplings", "spice rack", "lentil soup",
         "pie crust", "bread knife"),
        ("crispy", "slow-cooked", "weeknight", "seasonal"),
        ("bake bread", "make stock", "sharpen a knife", "plan the week's meals"),
        "kitchen", ("baking", "dinners", "preserves", "basics"),
    ),
    "travel": (
        ("night train", "backpack", "ferry", "guesthouse", "old town", "coast road", "itinerary",
         "rail pass"),
        ("budget", "slow", "off-season", "scenic"),
        ("pack light", "book a night train", "travel by ferry", "find cheap guesthouses"),
        "travel", ("europe", "asia", "rail", "tips"),
    ),
    "cycling": (
        ("gravel bike", "chain", "touring route", "saddle", "panniers", "tubeless tyres", "climb",
         "commute"),
        ("lightweight", "steel", "all-weather", "long-distance"),
        ("true a wheel", "plan a tour", "fix a puncture", "ride through winter"),
        "cycle", ("rides", "repairs", "gear", "routes"),
    ),
    "photography": (
        ("prime lens", "tripod", "film camera", "darkroom", "golden hour", "histogram",
         "light meter", "portrait"),
        ("manual", "grainy", "wide-angle", "vintage"),
        ("shoot at night", "develop film at home", "read a histogram", "frame a portrait"),
        "photo", ("film", "gear", "editing", "trips"),
    ),
    "knitting": (
        ("sock yarn", "cable stitch", "cardigan", "needles", "swatch", "pattern", "blocking mat",
         "shawl"),
        ("chunky", "hand-dyed", "seamless", "cosy"),
        ("knit a cable", "block a shawl", "pick a yarn", "fix a dropped stitch"),
        "yarn", ("patterns", "yarn", "projects", "techniques"),
    ),
    "woodworking": (
        ("dovetail joint", "workbench", "hand plane", "oak board", "chisel", "oil finish", "jig",
         "bandsaw"),
        ("hand-cut", "reclaimed", "sturdy", "rustic"),
        ("flatten a board", "cut dovetails", "sharpen a chisel", "build a workbench"),
        "wood", ("projects", "tools", "joinery", "finishing"),
    ),
    "birdwatching": (
        ("binoculars", "field guide", "heron", "feeder", "hide", "migration", "wetland",
         "notebook"),
        ("early-morning", "rare", "coastal", "patient"),
        ("identify warblers", "set up a feeder", "keep a bird list", "photograph herons"),
        "bird", ("sightings", "gear", "reserves", "migration"),
    ),
    "homebrewing": (
        ("wort", "yeast starter", "fermenter", "hops", "bottling wand", "stout", "mash tun",
         "hydrometer"),
        ("hoppy", "dry", "small-batch", "malty"),
        ("brew a pale ale", "bottle a batch", "clean the fermenter", "measure gravity"),
        "brew", ("recipes", "equipment", "beer", "cider"),
    ),
    "aquariums": (
        ("planted tank", "canister filter", "shrimp", "water test kit", "driftwood", "tetras",
         "substrate", "moss wall"),
        ("nano", "low-tech", "tropical", "clear"),
        ("cycle a tank", "trim plants", "test the water", "aquascape a nano tank"),
        "tank", ("tanks", "fish", "plants", "maintenance"),
    ),
    "running": (
        ("trail shoes", "parkrun", "training plan", "tempo run", "marathon", "foam roller",
         "hill repeats", "race bib"),
        ("easy", "long", "muddy", "steady"),
        ("train for a marathon", "run hills", "pace a 10k", "recover after a race"),
        "run", ("training", "races", "gear", "trails"),
    ),
    "retro computing": (
        ("8-bit micro", "floppy drive", "CRT monitor", "cassette loader", "sound chip",
         "keyboard", "BASIC listing", "power supply"),
        ("restored", "classic", "noisy", "forgotten"),
        ("recap a board", "load a cassette", "write some BASIC", "clean a keyboard"),
        "retro", ("restorations", "games", "hardware", "programming"),
    ),
    "beekeeping": (
        ("hive", "queen", "smoker", "honey frames", "swarm", "varroa check", "bee suit",
         "nectar flow"),
        ("gentle", "busy", "wild", "early"),
        ("inspect a hive", "catch a swarm", "extract honey", "feed the bees"),
        "hive", ("hives", "honey", "seasons", "equipment"),
    ),
    "parenting": (
        ("school run", "lunchbox", "bedtime story", "toddler", "rainy day craft", "family budget",
         "playground", "homework"),
        ("tired", "messy", "simple", "cheerful"),
        ("plan a rainy day", "pack a lunchbox", "survive the holidays", "read together"),
        "family", ("kids", "school", "home", "days-out"),
    ),
    "coffee": (
        ("espresso machine", "grinder", "pour-over", "roast", "latte art", "burr set",
         "filter paper", "beans"),
        ("light-roast", "single-origin", "bitter", "smooth"),
        ("dial in espresso", "roast at home", "pour latte art", "clean a grinder"),
        "coffee", ("brewing", "beans", "gear", "cafes"),
    ),
    "hiking": (
        ("ridge walk", "map", "boots", "bothy", "trail", "summit", "rain shell", "compass"),
        ("wild", "long", "windy", "remote"),
        ("read a map", "pack for a day hike", "camp wild", "navigate in fog"),
        "trail", ("walks", "gear", "maps", "trips"),
    ),
}  # fmt: skip

# trade -> (word for names, services)
TRADES: dict[str, tuple[str, tuple[str, ...]]] = {
    "plumbing": ("plumbing", ("drain cleaning", "boiler repair", "leak detection",
                              "bathroom fitting", "emergency callouts")),
    "bakery": ("bakery", ("sourdough loaves", "celebration cakes", "wholesale bread", "pastries",
                          "gluten-free bakes")),
    "dentist": ("dental", ("check-ups", "teeth whitening", "emergency dental care",
                           "children's dentistry", "implants")),
    "electrician": ("electrics", ("rewiring", "fuse box upgrades", "EV charger installs",
                                  "garden lighting", "safety checks")),
    "florist": ("flowers", ("wedding flowers", "funeral tributes", "same-day delivery",
                            "bouquets", "flower workshops")),
    "landscaping": ("gardens", ("lawn care", "patios", "hedge trimming", "garden design",
                                "fencing")),
    "cleaning": ("cleaning", ("office cleaning", "end of tenancy cleans", "carpet cleaning",
                              "window cleaning", "deep cleans")),
    "bike repair": ("cycles", ("bike servicing", "wheel builds", "puncture repair",
                               "bike fitting", "e-bike repairs")),
    "accountant": ("accounts", ("tax returns", "bookkeeping", "payroll", "VAT returns",
                                "small business advice")),
    "cafe": ("cafe", ("breakfast", "lunch", "outside catering", "coffee beans", "private hire")),
    "yoga studio": ("yoga", ("beginner classes", "pregnancy yoga", "private sessions",
                             "weekend workshops", "retreats")),
}  # fmt: skip

# Client sites: topic -> (shape, services, money anchors the spam and paid links use).
CLIENT_TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "car insurance": ("leadgen", ("car insurance quotes", "young driver cover",
                                  "breakdown cover", "no-claims protection"),
                      ("best cheap car insurance", "cheap car insurance quotes",
                       "car insurance for young drivers", "compare car insurance")),
    "web hosting": ("affiliate", ("shared hosting", "managed hosting", "domain names",
                                  "site backups"),
                    ("cheap web hosting", "best wordpress hosting", "unlimited hosting deals",
                     "fast web hosting")),
    "cbd": ("shop", ("cbd oil", "cbd gummies", "cbd balm", "gift sets"),
            ("buy cbd oil online", "best cbd gummies", "organic cbd oil", "cbd oil uk")),
    "locksmith": ("leadgen", ("lock changes", "emergency entry", "uPVC door repair",
                              "safe opening"),
                  ("emergency locksmith near me", "24 hour locksmith", "cheap locksmith",
                   "locksmith london")),
    "watches": ("shop", ("automatic watches", "watch straps", "watch servicing", "gift boxes"),
                ("luxury watches cheap", "discount designer watches", "best watch deals",
                 "swiss watches sale")),
}  # fmt: skip

# Themes of the comment spammers' own pages; casino, pharmacy and loans carry poison words.
SPAM_THEMES: dict[str, Topic] = {
    "casino": (("casino bonus", "free spins", "online slots", "roulette tables", "poker room"),
               ("instant", "exclusive", "massive", "no-deposit"), ("claim your bonus",), "win",
               ("offers",)),
    "pharmacy": (("cheap pills", "online pharmacy", "generic pills", "diet pills"),
                 ("discreet", "fast", "cheap", "certified"), ("order today",), "meds",
                 ("shop",)),
    "loans": (("payday loans", "instant loans", "quick cash", "bad credit loans"),
              ("instant", "same-day", "easy", "guaranteed"), ("apply now",), "cash",
              ("offers",)),
    "seo": (("backlinks", "guest posts", "traffic packages", "ranking boost"),
            ("cheap", "fast", "powerful", "white-hat"), ("order a package",), "rank",
            ("services",)),
    "followers": (("followers", "likes", "views", "growth plan"),
                  ("real", "instant", "organic", "cheap"), ("grow your account",), "boost",
                  ("plans",)),
}  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "joe mike anna sara dave lucy tom kate raj mei omar maria pete jen sam nina carl "
    "ruth ben ola ivan zoe"
)
LAST = _words(
    "miller okafor nguyen schmidt patel garcia kowalski hughes tanaka silva byrne larsen "
    "moreau evans"
)
TOWNS = _words(
    "millbrook ashford riverton kingsbury elmwood harlow fairview stonebridge westfield "
    "oakham brampton lakeside hollins dunmore"
)
WORDS = _words(
    "green kettle fern stone river oak maple copper blue north hill orchard lantern "
    "harbor pine meadow fox owl bee cedar willow brook acorn ember sun moon wild iron "
    "salt honey birch sparrow clover tin paper thistle marble velvet pepper"
)
LONG_ADJ = _words("little quiet crooked happy curious sunny humble wandering rusty busy")
LONG_END = _words(
    "journal diary notebook kitchen workshop collective chronicle almanac companion homestead"
)
ONSETS = _words("b br c ch d dr f fl g gr k l m n p pl r s sk st t tr v w z schw kn")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "oo", "ou", "y")
CODAS = ("", "", "n", "r", "l", "x", "k", "m", "s", "nd", "rk", "lt", "ngst", "rth")
TIMES = (
    "a weekend",
    "two weeks",
    "most of the winter",
    "three months",
    "a long afternoon",
    "years",
    "one evening",
    "the whole summer",
)
GENERIC_ANCHORS = ("click here", "this post", "here", "read more", "this article", "source",
                   "this guide", "link", "more info", "this thread", "website")  # fmt: skip
ORGANIC_TLDS = (".com",) * 8 + (".net", ".org", ".co.uk", ".de", ".blog", ".ca", ".com.au",
                                ".io", ".nl", ".ie")  # fmt: skip
SPAMMY_TLDS = (".info", ".shop", ".online", ".live", ".xyz")
# Real platforms that organic footers link to: known only as link targets, never crawled.
PLATFORMS = ("linkedin.com", "facebook.com", "instagram.com", "youtube.com", "github.com")

BLOG_SENTENCES = (
    "I spent {t} working on the {n}, and the {a} {n2} made the biggest difference.",
    "Most people skip the {n} step, but it is worth doing properly.",
    "If you want to {v}, start with a {a} {n} and keep notes as you go.",
    "The {n} arrived on a Tuesday and I could not wait to {v}.",
    "Here is what I learned about the {n} after {t} of trial and error.",
    "A reader asked how I {v}; the short answer is patience and a decent {n}.",
    "We tried three kinds of {n} this season and the {a} one won easily.",
    "There is no single right way to {v}, whatever the forums say.",
    "My {n} is not fancy, but it has lasted {t} without trouble.",
    "Next time I will {v} earlier in the day, when the light is better.",
    "The {a} {n} turned out to be the bargain of the year.",
    "Honestly, the {n2} matters less than how often you {v}.",
    "Our neighbour showed us a trick for the {n} that saves time every week.",
    "Before you buy a new {n}, check whether your old {n2} can be repaired.",
    "It rained for {t}, so the plans for the {n} had to wait.",
    "Photos of the {a} {n} are at the bottom of this post.",
    "I keep coming back to the same {n}: simple, {a} and cheap to replace.",
    "The local club meets on Thursdays to {v}, and newcomers are always welcome.",
    "None of this needs expensive kit; a {n} and a free afternoon will do.",
    "I wrote this down mostly so that I remember it next year.",
)
BUSINESS_SENTENCES = (
    "{name} has served {town} and the villages around it since {year}.",
    "We offer {svc} for homes and small businesses, with honest written quotes.",
    "Most {svc} jobs in {town} are booked within the week.",
    "Our team is fully insured and every job comes with a written guarantee.",
    "Ask about {svc2} when you book; we can often do both on the same visit.",
    "Prices for {svc} start low, and we always agree the cost before we begin.",
    "We are a family business and we answer the phone ourselves.",
    "Reviews from customers in {town} mention tidy work and fair prices.",
    "Parking is available behind the shop on Mill Lane.",
    "Opening hours change in the holidays, so check this page before you visit.",
    "We have been recommended by neighbours in {town} for {svc} more times than we can count.",
)
FORUM_SENTENCES = (
    "Has anyone here tried the {a} {n}? Mine keeps giving me trouble.",
    "Thanks, that fixed it for me as well.",
    "I had the same problem with my {n} last spring.",
    "Search the forum first, this question comes up every other week.",
    "Welcome aboard! Post some photos of your {n} when you can.",
    "Depends what you want to do; for most of us a {a} {n} is plenty.",
    "I would not bother with the {n2}; spend the money on a better {n}.",
)
PROMO_SENTENCES = (
    "Get the best {n} today with no hassle.",
    "Our {a} {n} offers are updated every day.",
    "Compare {n} and {n2} in minutes.",
    "Thousands of customers trust us for {n}.",
    "Sign up now and claim your {a} {n}.",
    "Limited time: {a} {n} for new customers.",
)
LINK_SENTENCES = (
    "I found {L} really useful when I started.",
    "There is a good write-up over at {L}.",
    "Thanks to {L} for the tip.",
    "For a different take, see {L}.",
    "(More on this at {L}.)",
    "{L} covers the same ground in more detail.",
    "I first read about it on {L}.",
)
POST_TITLES = (
    "How to {v}", "Notes on the {a} {n}", "Ten things I wish I knew about {n}",
    "Why our {n} failed, and what we changed", "Weekend project: a {a} {n}",
    "Trying to {v} on a budget", "Ask me anything about the {n}", "The {a} {n} revisited",
    "What nobody tells you about the {n2}", "My first attempt to {v}", "A year with the {n}",
)  # fmt: skip
BUSINESS_TITLES = (
    "What to expect from {n}",
    "Five questions to ask before booking {n}",
    "Why {n} costs what it does",
    "A busy week in {town}",
    "{N}: our customers' questions answered",
)
ROUNDUP_TITLES = ("Link roundup #{k}", "Friday links: {n} and more", "Blogs worth reading, {k}",
                  "What I am reading: {n} edition", "Around the web #{k}")  # fmt: skip
THREAD_TITLES = (
    "Help with my {n}?",
    "Best {n} for beginners",
    "Anyone else trying to {v}?",
    "{N} problem, need advice",
    "Show us your {n}",
    "Which {n} should I buy?",
)
ARTICLE_TITLES = (
    "Review: the {a} {n}",
    "Interview: why people {v}",
    "Buyer's guide to the {n}",
    "News: {town} club opens a {n} workshop",
    "Opinion: the {n} is overrated",
)
COMMENTS = (
    "Great post, thanks for writing it up.",
    "I tried this last week and it worked.",
    "Lovely photos!",
    "Where did you get the {n}?",
    "Bookmarked for the weekend.",
    "We had the same idea but never finished it.",
    "Thanks, very clear.",
)
SPAM_COMMENTS = ("Great post! Very informative, thanks for sharing.",
                 "Nice article, I bookmarked your site.", "Thanks for this, keep it up!",
                 "Very useful information, I will share it with my friends.",
                 "This is exactly what I was looking for.")  # fmt: skip
CONTENT_ROLES = ("post", "roundup", "article", "thread", "service")


# --- the model -------------------------------------------------------------------------------


@dataclass
class Link:
    url: str
    domain: str  # the target's registered domain
    anchor: str
    rel: str = ""  # the rel attribute; "" for a followed link
    place: str = "content"  # content, roundup, forum, comment, footer, sponsored


@dataclass
class Comment:
    author: str
    link: Link | None
    seed: int


@dataclass
class Page:
    path: str
    role: str  # home, about, contact, category, board, section, archive, or a CONTENT_ROLE
    title: str
    seed: int  # the page's own stream: its prose and internal links draw from it alone
    new: bool = False  # published between the two crawls: only the second can see it
    gone: bool = False  # deleted before the second crawl, which gets a 404 for it
    links: list[Link] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    crawls: tuple[int, ...] = ()  # the crawls that captured it


@dataclass
class Site:
    domain: str
    kind: str
    shape: str
    topic: str
    name: str
    authority: float
    host: str = ""
    scheme: str = "https"
    crawled: bool = False
    text: str = "normal"  # thin, normal or long visible text per page
    heavy: bool = False  # big inline scripts and styles, deep wrappers
    contact: bool = False  # mailto: and tel: links
    nav_heavy: bool = False
    dense: bool = False  # many internal links in the content
    nofollow_out: bool = False  # most external links rel=nofollow
    comment_rel: str = "external nofollow ugc"  # the rel its comment software puts on links
    forum_rel: str = "ugc nofollow"
    layout: int = 0  # 0 semantic html5, 1 minimal, 2 old div soup (no <nav>/<footer>)
    url_style: int = 0
    blogroll_place: str = ""  # "", "sidebar", "sidebar-nav" or "footer"
    blogroll: list[Link] = field(default_factory=list)
    footer_links: list[Link] = field(default_factory=list)
    social: list[Link] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    roundups: bool = False
    town: str = ""
    year: int = 2010

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}"

    def url(self, path: str) -> str:
        return self.base + path

    def content(self) -> list[Page]:
        return [p for p in self.pages if p.role in CONTENT_ROLES]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fill(rng: random.Random, template: str, topic: Topic, **extra: str) -> str:
    nouns, adjs, verbs, _word, _cats = topic
    n, n2 = rng.sample(nouns, 2) if len(nouns) > 1 else (nouns[0], nouns[0])
    values = {"n": n, "n2": n2, "N": n.capitalize(), "a": rng.choice(adjs),
              "v": rng.choice(verbs), "t": rng.choice(TIMES), "k": str(rng.randint(2, 90)),
              "town": rng.choice(TOWNS).capitalize()}  # fmt: skip
    values.update(extra)
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _topic(site: Site) -> Topic:
    if site.topic in TOPICS:
        return TOPICS[site.topic]
    if site.topic in SPAM_THEMES:
        return SPAM_THEMES[site.topic]
    services = TRADES[site.topic][1] if site.topic in TRADES else CLIENT_TOPICS[site.topic][1]
    return (services, ("local", "friendly", "reliable"), ("book a visit",), site.topic, ())


# --- names -----------------------------------------------------------------------------------


def _brandable(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
    return word + rng.choice(CODAS)


def _label(rng: random.Random, style: str, word: str) -> tuple[str, str]:
    """A domain label and the display name it was made from (the brand anchors use)."""
    if style == "brandable":
        label = _brandable(rng)
        return label, label.capitalize()
    if style == "compound":
        parts = [rng.choice(WORDS), rng.choice((word, *WORDS))]
        rng.shuffle(parts)
        return "".join(parts), " ".join(p.capitalize() for p in parts)
    if style == "digits":
        first, town, other = rng.choice(FIRST), rng.choice(TOWNS), rng.choice(WORDS)
        pick = rng.randrange(5)
        if pick == 0:
            return f"{first}s-{word}-4u", f"{first.capitalize()}'s {word.capitalize()} 4U"
        if pick == 1:
            year = rng.randint(1958, 2004)
            return f"{first}{year}", f"{first.capitalize()}{year}"
        if pick == 2:
            num = rng.randint(1, 99)
            return f"{other}-{word}-{num}", f"{other.capitalize()} {word.capitalize()} {num}"
        if pick == 3:
            return f"{town}-{word}", f"{town.capitalize()} {word.capitalize()}"
        num = rng.choice((24, 360, 7, 101, 3))
        return f"{word}{num}{other}", f"{word.capitalize()}{num} {other.capitalize()}"
    if style == "person":
        first, last = rng.choice(FIRST), rng.choice(LAST)
        return f"{first}{last}", f"{first.capitalize()} {last.capitalize()}"
    # long: 16+ characters of plain words run together
    parts = ["the", rng.choice(LONG_ADJ), word, rng.choice(LONG_END)]
    return "".join(parts), " ".join(p.capitalize() for p in parts)


def _domain(
    rng: random.Random, taken: set[str], style: str, word: str, tlds: tuple[str, ...]
) -> tuple[str, str]:
    while True:
        label, name = _label(rng, style, word)
        domain = label + rng.choice(tlds)
        if domain not in taken:
            taken.add(domain)
            return domain, name


# --- the organic web -------------------------------------------------------------------------


def _organic_site(rng: random.Random, taken: set[str], shape: str, crawled: bool) -> Site:
    if shape == "business":
        topic = rng.choice(sorted(TRADES))
        word = TRADES[topic][0]
        style = rng.choices(("digits", "compound", "long", "brandable"), (5, 2, 1, 1))[0]
    else:
        topic = rng.choice(sorted(TOPICS))
        word = TOPICS[topic][3]
        styles = ("brandable", "compound", "digits", "long", "person")
        weights = {"blog": (3, 3, 2, 2, 2), "forum": (2, 3, 1, 0, 0), "magazine": (2, 3, 0, 3, 0)}
        style = rng.choices(styles, weights[shape])[0]
    if shape == "forum":
        word = rng.choice((word + "talk", word + "forum", "ask" + word))
    # A few organic sites sit on TLDs that spammers favour too: a bakery's .shop, a radio .live.
    tlds = SPAMMY_TLDS if rng.random() < 0.12 else ORGANIC_TLDS
    domain, name = _domain(rng, taken, style, word, tlds)
    authority = rng.lognormvariate(0.0, 1.1) * (rng.uniform(2.0, 6.0) if shape == "magazine" else 1)
    site = Site(domain, ORGANIC, shape, topic, name, round(authority, 4), crawled=crawled)
    _presentation(rng, site)
    _make_pages(rng, site)
    return site


def _presentation(rng: random.Random, site: Site) -> None:
    """Features drawn independently, so that no odd feature travels with another."""
    site.host = ("www." if rng.random() < 0.45 else "") + site.domain
    site.scheme = "https" if rng.random() < 0.7 else "http"
    site.heavy = rng.random() < 0.18
    site.text = rng.choices(("thin", "normal", "long"), (12, 75, 13))[0]
    if site.heavy and rng.random() < 0.5:
        site.text = "thin"  # heavy markup, little text: the page-builder look
    site.contact = rng.random() < (0.6 if site.shape == "business" else 0.3)
    site.nav_heavy = rng.random() < (0.8 if site.shape in ("magazine", "forum") else 0.25)
    site.dense = rng.random() < 0.4
    site.nofollow_out = rng.random() < (0.3 if site.shape == "magazine" else 0.1)
    site.comment_rel = rng.choices(("external nofollow ugc", "nofollow", ""), (6, 2, 2))[0]
    site.forum_rel = rng.choice(("ugc nofollow", "nofollow", "ugc"))
    site.layout = rng.choices((0, 1, 2), (6, 3, 2))[0]
    site.url_style = rng.randrange(4)
    site.town = rng.choice(TOWNS)
    site.year = rng.randint(1985, 2022)
    if site.shape == "blog" and site.text != "thin":
        site.roundups = rng.random() < 0.25
        if rng.random() < 0.2:
            site.blogroll_place = rng.choice(("sidebar", "sidebar-nav", "footer"))


def _post_path(site: Site, slug: str, index: int, year: int, month: int) -> str:
    if site.url_style == 0:
        return f"/{year}/{month:02d}/{slug}/"
    if site.url_style == 1:
        return f"/posts/{slug}.html"
    if site.url_style == 2:
        return f"/?p={100 + index * 7}"
    return f"/blog/{slug}"


def _make_pages(rng: random.Random, site: Site) -> None:
    topic = _topic(site)
    pages = [Page("/", "home", site.name, rng.getrandbits(32))]

    def add(path: str, role: str, title: str) -> None:
        pages.append(Page(path, role, title, rng.getrandbits(32)))

    add("/about/", "about", f"About {site.name}")
    if site.contact or rng.random() < 0.4:
        add("/contact/", "contact", "Contact")
    if site.shape in ("blog", "pbn"):
        for cat in topic[4][: rng.randint(2, 4)]:
            add(f"/category/{cat}/", "category", cat.capitalize())
        if site.nav_heavy:
            add("/archive/", "archive", "Archive")
        posts = min(120, max(4, int(rng.lognormvariate(2.6, 0.8))))
        if site.shape == "pbn":
            posts = rng.randint(5, 9)
        slugs: dict[str, int] = {}
        for i in range(posts):
            roundup = site.roundups and rng.random() < 0.15
            title = _fill(rng, rng.choice(ROUNDUP_TITLES if roundup else POST_TITLES), topic)
            slug = _slug(title)
            slugs[slug] = slugs.get(slug, 0) + 1
            if slugs[slug] > 1:
                slug += f"-{slugs[slug]}"
            # Dates run from 2019 to the first crawl; the last tenth comes after it.
            new = i >= posts * 0.9 and posts >= 10
            year, month = (2026, 3 + i % 3) if new else (2019 + i * 7 // posts, 1 + i * 5 % 12)
            path = _post_path(site, slug, i, year, month)
            pages.append(Page(path, "roundup" if roundup else "post", title,
                              rng.getrandbits(32), new=new))  # fmt: skip
    elif site.shape in ("business", "client"):
        add("/services/", "category", "Services")
        town = site.town.capitalize()
        for svc in topic[0]:
            add(f"/services/{_slug(svc)}/", "service", f"{svc[0].upper()}{svc[1:]} in {town}")
        for area in rng.sample(TOWNS, rng.randint(0, 4)):
            add(f"/areas/{area}/", "service", f"{site.topic.capitalize()} in {area.capitalize()}")
        for _ in range(rng.choice((0, 0, 3, 8))):
            title = _fill(rng, rng.choice(BUSINESS_TITLES), topic, town=town)
            add(f"/blog/{_slug(title)}-{rng.randint(10, 999)}/", "post", title)
    elif site.shape == "forum":
        boards = [_slug(c) for c in topic[4]] + ["general", "introductions", "for-sale"]
        for board in boards:
            add(f"/forum/{board}/", "board", board.replace("-", " ").capitalize())
        for i in range(rng.randint(40, 300)):
            title = _fill(rng, rng.choice(THREAD_TITLES), topic)
            pages.append(Page(f"/t/{_slug(title)}/{1000 + i * 13}", "thread", title,
                              rng.getrandbits(32), new=rng.random() < 0.1))  # fmt: skip
    elif site.shape == "magazine":
        sections = [*topic[4], "news", "reviews", "interviews", "opinion", "events", "letters"]
        for section in sections:
            add(f"/{section}/", "section", section.capitalize())
        for i in range(rng.randint(200, 600)):
            title = _fill(rng, rng.choice(ARTICLE_TITLES), topic)
            section = rng.choice(sections)
            pages.append(Page(f"/{section}/{_slug(title)}-{20000 + i * 31}.html", "article",
                              title, rng.getrandbits(32), new=rng.random() < 0.08))  # fmt: skip
    site.pages = pages


def _coverage(rng: random.Random, site: Site) -> None:
    """Choose which pages each crawl captured: all, a share, or a few of a big site."""
    pages = site.pages
    n = len(pages)
    if site.shape == "magazine":
        share = rng.uniform(0.03, 0.07)
    elif site.shape == "forum":
        share = rng.uniform(0.08, 0.3)
    elif n <= 25 and rng.random() < 0.6:
        share = 1.0
    elif n > 80 and rng.random() < 0.35:
        share = rng.uniform(0.04, 0.08)
    else:
        share = rng.choice((rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.6), rng.uniform(0.6, 0.95)))
    chosen = {0} | {i for i in range(1, n) if rng.random() < share}
    for i, page in enumerate(pages):
        if i not in chosen:
            continue
        if i == 0:
            page.crawls = (0, 1)
        elif page.new:
            page.crawls = (1,)
        else:
            page.crawls = rng.choice(((0,), (1,), (0, 1)))
            # A few posts are deleted between the crawls: the second one gets a 404.
            if page.role in CONTENT_ROLES and page.crawls == (0, 1) and rng.random() < 0.02:
                page.gone = True


def _anchor(rng: random.Random, target: Site, url: str) -> str:
    pick = rng.random()
    if pick < 0.35:
        return target.name
    if pick < 0.5:
        return rng.choice((target.domain, url, target.host))
    if pick < 0.7:
        return rng.choice(GENERIC_ANCHORS)
    topic = _topic(target)
    return _fill(rng, rng.choice(("a {a} guide to the {n}", "how to {v}", "{n} tips",
                                  "the {n}", "notes on {v}")), topic)  # fmt: skip


def _target_url(rng: random.Random, target: Site) -> str:
    deep = target.content()
    url = target.url(rng.choice(deep).path if deep and rng.random() < 0.45 else "/")
    if target.scheme == "https" and rng.random() < 0.08:
        url = "http" + url[5:]  # an old link made before the site moved to https
    return url


def _pick(rng: random.Random, pool: list[Site], weights: list[float], avoid: set[str]) -> Site:
    for _ in range(30):
        site = rng.choices(pool, weights)[0]
        if site.domain not in avoid:
            return site
    return site


def _place(rng: random.Random, source: Site, target: Site) -> None:
    """Put one organic link from source to target where a site of its shape would."""
    url = _target_url(rng, target)
    anchor = _anchor(rng, target, url)
    rel = "nofollow" if source.nofollow_out and rng.random() < 0.85 else ""
    content = [p for p in source.content() if p.role != "roundup"] or source.pages
    if source.shape == "forum":
        page = rng.choice(content)
        page.links.append(Link(url, target.domain, anchor, source.forum_rel, "forum"))
        return
    if source.shape == "business":
        if rng.random() < 0.5:
            source.footer_links.append(Link(url, target.domain, target.name, rel, "footer"))
        else:
            rng.choice(source.pages).links.append(Link(url, target.domain, anchor, rel))
        return
    pick = rng.random()
    roundups = [p for p in source.pages if p.role == "roundup"]
    if source.blogroll_place and target.shape == "blog" and pick < 0.35:
        source.blogroll.append(Link(target.url("/"), target.domain, target.name, rel, "sidebar"))
    elif roundups and pick < 0.7:
        rng.choice(roundups).links.append(Link(url, target.domain, anchor, rel, "roundup"))
    elif source.shape == "blog" and target.shape == "blog" and pick > 0.88:
        # The target's author leaving a comment signed with a link to their own blog.
        author = rng.choice(FIRST).capitalize() + " (" + target.name + ")"
        link = Link(target.url("/"), target.domain, author, source.comment_rel, "comment")
        rng.choice(content).comments.append(Comment(author, link, rng.getrandbits(32)))
    else:
        for page in rng.sample(content, min(len(content), rng.choices((1, 2, 3), (7, 2, 1))[0])):
            page.links.append(Link(url, target.domain, anchor, rel))


def _client_linkers(client: Site) -> int:
    """How many organic root domains link to a client: its authority decides, with no noise."""
    return int(client.authority * 4)


def _organic(rng: random.Random) -> tuple[list[Site], list[Site], list[Site]]:
    """The organic sites (crawled first), the client sites, and the platform link targets."""
    taken = set(PLATFORMS)
    # Fixed shares of each shape (in a drawn order), so that every seed has a few of the rare.
    sites = []
    for count, crawled, (business, forums, magazines) in (
        (CRAWLED_SITES, True, (0.3, 0.07, 0.08)),
        (UNCRAWLED_SITES, False, (0.25, 0.1, 0.15)),
    ):
        shapes = ["business"] * round(count * business) + ["forum"] * round(count * forums)
        shapes += ["magazine"] * round(count * magazines)
        shapes += ["blog"] * (count - len(shapes))
        rng.shuffle(shapes)
        sites += [_organic_site(rng, taken, shape, crawled) for shape in shapes]
    # A few sites (a newspaper's policy, a cautious blogger) nofollow nearly every link out;
    # at least three of them among the crawled, whatever the draws gave.
    careful = [s for s in sites if s.crawled and s.shape in ("blog", "magazine")]
    for site in rng.sample(careful, max(0, 3 - sum(s.nofollow_out for s in careful))):
        site.nofollow_out = True
    clients = []
    for i, topic in enumerate(rng.sample(sorted(CLIENT_TOPICS), rng.randint(3, 5))):
        style = rng.choice(("compound", "digits", "brandable"))
        word = _slug(topic).replace("-", "")
        domain, name = _domain(rng, taken, style, word, (".com", ".co.uk", ".net"))
        shape = CLIENT_TOPICS[topic][0]
        # Weak sites: without spam, half have no organic linker at all, the others one or two.
        authority = rng.uniform(0.02, 0.24) if i % 2 == 0 else rng.uniform(0.3, 0.7)
        client = Site(domain, CLIENT, shape, topic, name, round(authority, 4))
        client.crawled = True
        _presentation(rng, client)
        client.shape = "client"  # the page plan of a small business; the truth keeps `shape`
        _make_pages(rng, client)
        client.shape = shape
        client.blogroll_place, client.roundups = "", False
        clients.append(client)
    platforms = [Site(d, ORGANIC, "platform", "", d.split(".")[0].capitalize(), 500.0,
                      host="www." + d) for d in PLATFORMS]  # fmt: skip
    for platform in platforms:
        platform.pages = [Page("/", "home", platform.name, 0)]

    for site in sites + clients:
        if site.crawled:
            _coverage(rng, site)

    # Preferential attachment: a site's count of linking root domains grows with its
    # authority; how many of them the crawl saw varies per site.
    sources = [s for s in sites if s.shape != "platform"]
    weight = {"blog": 1.0, "business": 0.35, "forum": 2.5, "magazine": 2.0}
    for target in sites + clients:
        k = min(len(sources) - 1, int(target.authority * 3.5 + rng.random()))
        if target.kind == CLIENT:
            k = _client_linkers(target)
        visible = rng.uniform(0.1, 0.95)
        avoid = {target.domain}
        for _ in range(k):
            crawled = rng.random() < visible
            pool = [s for s in sources if s.crawled == crawled] or sources
            weights = [
                weight[s.shape] * (3.0 if s.roundups or s.blogroll_place else 1.0)
                * (0.3 if s.text == "thin" else 1.0)
                for s in pool
            ]  # fmt: skip
            source = _pick(rng, pool, weights, avoid)
            avoid.add(source.domain)
            if source.crawled:  # links on uncrawled sites exist but nobody sees them
                _place(rng, source, target)

    # Roundups and blogrolls are long lists: top them up with sites picked by authority.
    blogs = [s for s in sites if s.shape == "blog"]
    by_authority = [s.authority for s in blogs]
    for site in sites:
        if not site.crawled:
            continue
        for page in (p for p in site.pages if p.role == "roundup"):
            size = rng.randint(8, 22)
            while len(page.links) < size:
                target = _pick(rng, blogs, by_authority, {site.domain})
                url = _target_url(rng, target)
                rel = "nofollow" if site.nofollow_out and rng.random() < 0.85 else ""
                page.links.append(Link(url, target.domain, _anchor(rng, target, url),
                                       rel, "roundup"))  # fmt: skip
        if site.blogroll_place:
            size = rng.randint(6, 20)
            while len(site.blogroll) < size:
                target = _pick(rng, blogs, by_authority, {site.domain})
                rel = "nofollow" if site.nofollow_out and rng.random() < 0.85 else ""
                site.blogroll.append(Link(target.url("/"), target.domain, target.name,
                                          rel, "sidebar"))  # fmt: skip
        # Social profiles in the footer: many small businesses, some blogs.
        if rng.random() < (0.5 if site.shape == "business" else 0.25):
            for platform in rng.sample(platforms, rng.randint(1, 3)):
                url = f"https://{platform.host}/{_slug(site.name).replace('-', '')}"
                site.social.append(Link(url, platform.domain, platform.name, "", "footer"))
    return sites, clients, platforms


# --- spam ------------------------------------------------------------------------------------


@dataclass
class _Planted:
    sites: list[Site]
    comments: dict[tuple[str, str], list[Comment]]  # (domain, path) -> spam comments
    sponsored: dict[tuple[str, str], Link]  # (domain, path) -> the paid link in that post


def _money(rng: random.Random, client: Site, place: str = "content", rel: str = "") -> Link:
    anchor = rng.choice(CLIENT_TOPICS[client.topic][2])
    deep = client.content()
    url = client.url(rng.choice(deep).path if deep and rng.random() < 0.4 else "/")
    return Link(url, client.domain, anchor, rel, place)


def _spam_site(
    rng: random.Random, taken: set[str], shape: str, topic: str, style: str, tlds: tuple[str, ...]
) -> Site:
    word = TOPICS[topic][3] if topic in TOPICS else SPAM_THEMES[topic][3]
    domain, name = _domain(rng, taken, style, word, tlds)
    site = Site(domain, SPAM, shape, topic, name, 0.0, crawled=True)
    _presentation(rng, site)
    site.blogroll_place, site.roundups, site.nofollow_out = "", False, False
    return site


def _spam(rng: random.Random, organic: list[Site], clients: list[Site]) -> _Planted:
    taken = {s.domain for s in organic + clients} | set(PLATFORMS)
    planted = _Planted([], {}, {})
    authorities = sorted((s for s in organic if s.shape != "platform"),
                         key=lambda s: -s.authority)[:15]  # fmt: skip

    # A PBN: ordinary-looking https blogs with prose and contact pages, each post pushing a
    # client with a money anchor, now and then citing a well-known site or a sibling.
    pbn = []
    orphans = [c for c in clients if _client_linkers(c) == 0]  # no organic site links these
    for _ in range(rng.randint(10, 14)):
        site = _spam_site(rng, taken, "pbn", rng.choice(sorted(TOPICS)),
                          rng.choice(("brandable", "compound")), (".com",))  # fmt: skip
        site.scheme, site.contact, site.heavy = "https", True, False
        site.text = rng.choice(("normal", "long"))
        _make_pages(rng, site)
        pbn.append(site)
    for site in pbn:
        for page in site.content():
            for client in rng.sample(orphans, min(len(orphans), rng.choice((1, 1, 2)))):
                page.links.append(_money(rng, client))
            if rng.random() < 0.3:
                cited = rng.choice(authorities)
                page.links.append(Link(cited.url("/"), cited.domain, cited.name))
            if rng.random() < 0.15:
                other = rng.choice([s for s in pbn if s is not site])
                page.links.append(Link(other.url("/"), other.domain, other.name))

    # A link ring: each site links the next one and a client from every page.
    ring = []
    for _ in range(rng.randint(6, 10)):
        client = rng.choice(clients)
        site = _spam_site(rng, taken, "ring", rng.choice(sorted(TOPICS)),
                          rng.choice(("compound", "digits", "brandable")),
                          rng.choice((ORGANIC_TLDS, SPAMMY_TLDS)))  # fmt: skip
        site.topic = client.topic  # the ring's pages talk about what they sell
        site.text = "normal"
        site.pages = [Page("/", "home", site.name, rng.getrandbits(32))]
        for i in range(rng.randint(2, 5)):
            title = rng.choice(CLIENT_TOPICS[client.topic][2]).capitalize() + f": part {i + 1}"
            site.pages.append(Page(f"/{_slug(title)}/", "post", title, rng.getrandbits(32)))
        ring.append(site)
    for i, site in enumerate(ring):
        nxt = ring[(i + 1) % len(ring)]
        for page in site.pages:
            page.links.append(Link(nxt.url("/"), nxt.domain, rng.choice((nxt.name, "partner"))))
            page.links.append(_money(rng, rng.choice(clients)))

    # Comment spammers: thin sites of their own, some full of poison words, and comments on
    # organic posts that the crawl captured.
    spammers = []
    themes = sorted(SPAM_THEMES)
    for i in range(rng.randint(5, 8)):
        theme = themes[i % len(themes)]
        site = _spam_site(rng, taken, "comment_spam", theme,
                          rng.choice(("digits", "compound", "brandable")),
                          rng.choice((SPAMMY_TLDS, (".com", ".net"))))  # fmt: skip
        site.text = "thin"
        nouns = SPAM_THEMES[theme][0]
        site.pages = [Page("/", "home", f"Best {nouns[0].title()} 2026", rng.getrandbits(32))]
        for noun in nouns[1 : rng.randint(3, len(nouns))]:
            site.pages.append(Page(f"/{_slug(noun)}/", "post", noun.title(), rng.getrandbits(32)))
        spammers.append(site)
    posts = [(s, p) for s in organic if s.shape == "blog" and s.crawled
             for p in s.pages if p.role == "post" and p.crawls and not p.gone]  # fmt: skip
    # Spammers keep lists of blogs whose comment links are followed and favour them.
    followed = [(s, p) for s, p in posts if not s.comment_rel] or posts
    for site in spammers:
        drops = rng.randint(5, 10)
        chosen = rng.sample(followed, min(len(followed), drops // 2))
        chosen += rng.sample(posts, min(len(posts), drops - len(chosen)))
        for blog, post in chosen:
            if rng.random() < 0.6:
                link = Link(
                    site.url("/"),
                    site.domain,
                    rng.choice(SPAM_THEMES[site.topic][0]).title(),
                    blog.comment_rel,
                )
            else:
                link = _money(rng, rng.choice(clients), "comment", blog.comment_rel)
            comment = Comment(link.anchor, link, rng.getrandbits(32))
            planted.comments.setdefault((blog.domain, post.path), []).append(comment)

    # Paid posts on organic blogs, half of them without rel=sponsored; the blogs stay organic.
    hosts = [s for s in organic if s.shape == "blog" and s.crawled and s.text != "thin"]
    for i, blog in enumerate(rng.sample(hosts, rng.randint(4, 6))):
        candidates = [p for p in blog.content() if p.crawls and not p.gone] or blog.content()
        post = rng.choice(candidates)
        rel = "sponsored" if i % 2 == 0 else ""
        planted.sponsored[(blog.domain, post.path)] = _money(rng, rng.choice(clients),
                                                             "sponsored", rel)  # fmt: skip

    planted.sites = pbn + ring + spammers
    # Spam is crawled well enough to be judged, but for a couple of partly seen sites.
    partial = {id(s) for s in rng.sample(planted.sites, 2)}
    for site in planted.sites:
        share = rng.uniform(0.35, 0.6) if id(site) in partial else 1.0
        for j, page in enumerate(site.pages):
            if j == 0 or rng.random() < share:
                page.crawls = (0, 1) if rng.random() < 0.5 or j == 0 else rng.choice(((0,), (1,)))
    return planted


# --- HTML ------------------------------------------------------------------------------------


class _Writer:
    """Prose for one page, drawn from that page's own stream."""

    def __init__(self, rng: random.Random, site: Site) -> None:
        self.rng = rng
        self.site = site
        self.topic = _topic(site)
        if site.kind == SPAM and site.shape in ("comment_spam", "ring"):
            self.templates = PROMO_SENTENCES
        elif site.shape in ("business", "leadgen", "shop", "affiliate"):
            self.templates = BUSINESS_SENTENCES
        elif site.shape == "forum":
            self.templates = FORUM_SENTENCES + BLOG_SENTENCES
        else:
            self.templates = BLOG_SENTENCES

    def sentence(self) -> str:
        services = self.topic[0]
        text = _fill(self.rng, self.rng.choice(self.templates), self.topic,
                     name=self.site.name, town=self.site.town.capitalize(),
                     year=str(self.site.year), svc=self.rng.choice(services),
                     svc2=self.rng.choice(services))  # fmt: skip
        return html.escape(text)

    def paragraphs(self, chars: int) -> list[list[str]]:
        out: list[list[str]] = []
        total = 0
        while total < chars:
            para = []
            for _ in range(self.rng.randint(2, 6)):
                para.append(self.sentence())
                total += len(para[-1]) + 1
                if total >= chars:
                    break
            out.append(para)
        return out

    def body_chars(self) -> int:
        tier = self.site.text
        if tier == "thin":
            return 40
        if tier == "long":
            return self.rng.randint(3500, 9000)
        return self.rng.randint(400, 2400)


class _Renderer:
    def __init__(self, planted: _Planted | None) -> None:
        self.planted = planted
        self.seen: set[str] = set()  # registered domains of every link written

    def a(self, link: Link) -> str:
        self.seen.add(link.domain)
        rel = f' rel="{link.rel}"' if link.rel else ""
        return f'<a href="{html.escape(link.url)}"{rel}>{html.escape(link.anchor)}</a>'

    def internal(self, site: Site, page: Page, text: str | None = None) -> str:
        return self.a(Link(site.url(page.path), site.domain, text or page.title))

    def render(self, site: Site, page: Page, crawl: int) -> bytes:
        rng = random.Random(page.seed)
        writer = _Writer(rng, site)
        visible = [p for p in site.pages if not (crawl == 0 and p.new)]
        recent = [p for p in visible if p.role in CONTENT_ROLES and not (crawl and p.gone)][-6:]
        head = self._head(site, page, rng)
        nav = self._nav(site, visible, rng)
        main = self._main(site, page, visible, recent, rng, writer)
        sidebar = site.layout != 1 or site.blogroll_place.startswith("sidebar")
        aside = self._aside(site, recent) if sidebar else ""
        footer = self._footer(site, visible, rng)
        if site.layout == 2:
            body = (f'<div id="top"><a href="/">{html.escape(site.name)}</a></div>'
                    f'<div class="menu">{nav}</div><div id="content">{main}</div>'
                    f'<div id="side">{aside}</div><div id="footer">{footer}</div>')  # fmt: skip
        elif site.layout == 1:
            aside = f"<aside>{aside}</aside>" if aside else ""
            body = (f"<header><nav>{nav}</nav></header><main>{main}</main>{aside}"
                    f"<footer>{footer}</footer>")  # fmt: skip
        else:
            body = (f'<header><p class="site-title"><a href="/">{html.escape(site.name)}</a>'
                    f"</p><nav>{nav}</nav></header><main>{main}</main>"
                    f"<aside>{aside}</aside><footer>{footer}</footer>")  # fmt: skip
        if site.heavy:
            # Page builders: every block inside several wrappers, and scripts at the end.
            for depth in range(rng.randint(4, 9)):
                body = (
                    f'<div class="wp-block-group__inner-container is-layout-{depth}">{body}</div>'
                )
            body += f"<script>{self._script(rng, 0.5)}</script>"
        return (f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body>{body}</body>'
                "</html>\n").encode()  # fmt: skip

    def _head(self, site: Site, page: Page, rng: random.Random) -> str:
        title = html.escape(page.title if page.role == "home" else f"{page.title} | {site.name}")
        head = f'<meta charset="utf-8"><title>{title}</title>'
        head += '<meta name="viewport" content="width=device-width, initial-scale=1">'
        if site.heavy:
            rules = "".join(
                f".c{i:x}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}em;"
                f"color:#{rng.getrandbits(24):06x};font-size:{10 + i % 9}px}}"
                for i in range(rng.randint(150, 450))
            )
            head += f"<style>{rules}</style><script>{self._script(rng, 1.0)}</script>"
        else:
            head += '<link rel="stylesheet" href="/style.css">'
        return head

    @staticmethod
    def _script(rng: random.Random, scale: float) -> str:
        entries = ",".join(
            f'"k{rng.getrandbits(20):05x}":[{rng.randint(0, 999)},"{rng.getrandbits(40):010x}"]'
            for _ in range(int(rng.randint(150, 500) * scale))
        )
        return f"window.__SITE_STATE__={{{entries}}};(function(){{var d=document;d.x=1}})();"

    def _nav(self, site: Site, visible: list[Page], rng: random.Random) -> str:
        label = {"home": "Home", "about": "About", "contact": "Contact"}
        if site.text == "thin":  # a one-page-feel site: a home link is all the menu there is
            return self.internal(site, site.pages[0], "Home")
        items = [p for p in visible if p.role in label]
        groups = [p for p in visible if p.role in ("category", "board", "section", "archive")]
        if site.nav_heavy:
            content = [p for p in visible if p.role in CONTENT_ROLES]
            items += groups + rng.sample(content, min(len(content), rng.randint(10, 40)))
        else:
            items += groups[:3]
        return " ".join(self.internal(site, p, label.get(p.role)) for p in items)

    def _main(
        self,
        site: Site,
        page: Page,
        visible: list[Page],
        recent: list[Page],
        rng: random.Random,
        writer: _Writer,
    ) -> str:
        out = [f"<h1>{html.escape(page.title)}</h1>"]
        paras = writer.paragraphs(writer.body_chars())
        content = [p for p in visible if p.role in CONTENT_ROLES and p is not page]
        links = [link for link in page.links if link.place not in ("roundup", "forum")]
        # Each external link as a sentence of its own somewhere in the prose.
        for link in links:
            sentence = rng.choice(LINK_SENTENCES).replace("{L}", self.a(link))
            para = rng.choice(paras)
            para.insert(rng.randint(0, len(para)), sentence)
        if content and page.role != "home" and site.text != "thin":
            count = rng.randint(3, 10) if site.dense else rng.randint(0, 1)
            for other in rng.sample(content, min(count, len(content))):
                para = rng.choice(paras)
                para.insert(rng.randint(0, len(para)),
                            f"See also {self.internal(site, other)}.")  # fmt: skip
        forum = [x for x in page.links if x.place == "forum"]
        if page.role == "thread":
            # A thread: each paragraph a member's post, the links posted by members below.
            said = [" ".join(p) for p in paras]
            said += [f"{writer.sentence()} {self.a(x)}" for x in forum]
            for text in said:
                user = f"{rng.choice(FIRST)}{rng.randint(1, 999)}"
                out.append(f'<div class="post"><div class="author">{user}</div><p>{text}</p></div>')
        else:
            out += [f"<p>{' '.join(p)}</p>" for p in paras]
            out += [f"<p>{writer.sentence()} {self.a(x)}</p>" for x in forum]
        roundup = [x for x in page.links if x.place == "roundup"]
        if roundup:
            items = "".join(f"<li>{self.a(x)}: {writer.sentence()}</li>" for x in roundup)
            out.append(f"<ul>{items}</ul>")
        if page.role in ("home", "category", "board", "section", "archive"):
            listed = recent if page.role == "home" else rng.sample(content, min(25, len(content)))
            out.append("<ul>" + "".join(f"<li>{self.internal(site, p)}</li>" for p in listed)
                       + "</ul>")  # fmt: skip
        if page.role == "contact" or (page.role == "about" and site.contact):
            out.append(self._contact(site, rng))
        planted = self.planted
        if planted and (site.domain, page.path) in planted.sponsored:
            link = planted.sponsored[(site.domain, page.path)]
            out.append(f'<p class="partner">This post is brought to you by our partner. Looking'
                       f" for {self.a(link)}? They have the answers.</p>")  # fmt: skip
        out.append(self._comments(site, page, rng))
        return f"<article>{''.join(out)}</article>"

    def _contact(self, site: Site, rng: random.Random) -> str:
        if not site.contact:
            return (
                '<form action="/contact/" method="post"><input name="email">'
                '<textarea name="message"></textarea><button>Send</button></form>'
            )
        user = rng.choice(("hello", "info", "office", rng.choice(FIRST)))
        phone = f"+44 {rng.randint(1000, 1999)} {rng.randint(100000, 999999)}"
        return (
            f'<p>Email <a href="mailto:{user}@{site.domain}">{user}@{site.domain}</a> or '
            f'call <a href="tel:{phone.replace(" ", "")}">{phone}</a>.</p>'
        )

    def _comments(self, site: Site, page: Page, rng: random.Random) -> str:
        planted = self.planted
        spam = planted.comments.get((site.domain, page.path), []) if planted else []
        if site.shape != "blog" or page.role != "post":
            return ""
        plain = [Comment(rng.choice(FIRST).capitalize(), None, rng.getrandbits(32))
                 for _ in range(rng.choice((0, 0, 1, 2, 4)))]  # fmt: skip
        items = []
        for comment, lines in [(c, COMMENTS) for c in plain + page.comments] + [
            (c, SPAM_COMMENTS) for c in spam
        ]:
            text = random.Random(comment.seed)  # its own stream: spam comments shift nothing
            said = _fill(text, text.choice(lines), _topic(site))
            who = self.a(comment.link) if comment.link else html.escape(comment.author)
            items.append(f'<li class="comment"><cite>{who}</cite><p>{html.escape(said)}</p></li>')
        if not items:
            return ""
        return f'<section id="comments"><h2>Comments</h2><ol>{"".join(items)}</ol></section>'

    def _aside(self, site: Site, recent: list[Page]) -> str:
        if site.text == "thin":
            return ""
        out = ["<h3>Recent</h3><ul>"]
        out += [f"<li>{self.internal(site, p)}</li>" for p in recent[-5:]]
        out.append("</ul>")
        if site.blogroll and site.blogroll_place.startswith("sidebar"):
            tag = "nav" if site.blogroll_place == "sidebar-nav" else "div"
            items = "".join(f"<li>{self.a(x)}</li>" for x in site.blogroll)
            out.append(f'<{tag} class="blogroll"><h3>Blogroll</h3><ul>{items}</ul></{tag}>')
        return "".join(out)

    def _footer(self, site: Site, visible: list[Page], rng: random.Random) -> str:
        out = [f"<p>&copy; {site.year}&ndash;2026 {html.escape(site.name)}</p>"]
        if site.text == "thin":
            return out[0]
        about = [p for p in visible if p.role in ("about", "contact")]
        out.append(" ".join(self.internal(site, p, p.role.capitalize()) for p in about))
        if site.contact and rng.random() < 0.5:
            out.append(self._contact(site, rng))
        if site.blogroll and site.blogroll_place == "footer":
            out.append("<p>Friends: " + ", ".join(self.a(x) for x in site.blogroll) + "</p>")
        if site.footer_links:
            out.append("<p>Members of: " + " &middot; ".join(self.a(x) for x in site.footer_links)
                       + "</p>")  # fmt: skip
        if site.social:
            out.append("<p>" + " ".join(self.a(x) for x in site.social) + "</p>")
        return "".join(out)


# --- crawls ----------------------------------------------------------------------------------

NOT_FOUND = (
    b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head>"
    b"<body><h1>Not found</h1><p>Sorry, that page does not exist.</p></body></html>\n"
)


def _captures(
    sites: list[Site], renderer: _Renderer, crawl: int, start: datetime, extra: random.Random
) -> list[list[Capture]]:
    """The captures of one crawl, one list per WARC file."""
    files: list[list[Capture]] = [[] for _ in range(FILES_PER_CRAWL)]
    clock = [0]

    def add(
        index: int, url: str, status: int, body: bytes = b"", location: str | None = None
    ) -> None:
        clock[0] += 1
        fetched = start + timedelta(seconds=clock[0] * 11)
        capture = Capture(url, fetched, status, body, location=location)
        files[index % FILES_PER_CRAWL].append(capture)

    for index, site in enumerate(sites):
        if site.scheme == "https" and extra.random() < 0.1:
            # The crawler found the site through an old http link and was redirected.
            add(index, f"http://{site.host}/", 301, location=site.url("/"))
        for page in site.pages:
            if crawl not in page.crawls:
                continue
            if crawl == 1 and page.gone:
                add(index, site.url(page.path), 404, NOT_FOUND)
            else:
                add(index, site.url(page.path), 200, renderer.render(site, page, crawl))
        if extra.random() < 0.05:
            add(index, site.url(f"/old-page-{extra.randint(1, 99)}/"), 404, NOT_FOUND)
        if extra.random() < 0.04 and site.content():
            # A post that moved: its old address answers with a permanent redirect.
            page = extra.choice(site.content())
            add(index, site.url(f"/archives/{extra.randint(100, 999)}/"), 301,
                location=site.url(page.path))  # fmt: skip
    return files


def generate(out_dir: Path, seed: int, with_spam: bool = True) -> FamilyWeb:
    """Write the family's two crawls under out_dir and return them with every domain's truth."""
    out_dir = Path(out_dir)
    # Separate streams: removing the spam leaves every organic draw where it was.
    organic, clients, platforms = _organic(random.Random(f"{FAMILY}/{seed}/organic"))
    planted = _spam(random.Random(f"{FAMILY}/{seed}/spam"), organic, clients) if with_spam else None
    crawled = [s for s in organic + clients if s.crawled] + (planted.sites if planted else [])
    renderer = _Renderer(planted)
    web = FamilyWeb(FAMILY, seed, {})
    for crawl, (name, start) in enumerate(CRAWLS):
        # Redirects and 404s have a stream per crawl, apart from both the organic and spam.
        extra = random.Random(f"{FAMILY}/{seed}/crawl{crawl}")
        files = _captures(crawled, renderer, crawl, start, extra)
        web.crawls[name] = [
            write_warc(out_dir / name / f"{name}-{i:02d}.warc.gz", name, captures)
            for i, captures in enumerate(files)
        ]
    # The truth of every registered domain that a capture or a written link names.
    for site in organic + clients + platforms + (planted.sites if planted else []):
        captured = [p for p in site.pages if p.crawls]
        if not captured and site.domain not in renderer.seen:
            continue
        coverage = round(len(captured) / len(site.pages), 4) if site.crawled else 0.0
        web.domains[site.domain] = DomainTruth(site.kind, site.shape, site.authority, coverage)
    return web
