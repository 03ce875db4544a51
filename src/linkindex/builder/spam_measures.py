"""What the Spam Score's signals measure: one row per root domain with a 200 page, in SQL.

Owns the steps of table spam_measures and the tables it is made of; words and rules: scoring.
"""

from __future__ import annotations

from linkindex.builder.core_reach import core_reach_steps
from linkindex.builder.link_state import NOT_ENDORSED
from linkindex.builder.steps import Step, sql_step
from linkindex.scoring.spam_signals import (
    LINKER_SHARE,
    MIN_LINKS,
    MONEY_RULE,
    PUSHED_RULE,
    PUSHING_RULE,
)
from linkindex.scoring.spam_words import (
    GENERIC_ANCHORS,
    KEYWORD_PATTERN,
    MONEY_PATTERN,
    POISON_PATTERN,
)

# The external links a site vouches for: followed ones outside its visitors' comments. A link
# it marks nofollow, ugc or sponsored (a comment, a forum post, a declared advert) is by that
# mark not its own endorsement, nor is a visitor's link in its comments, marked or not; link
# sellers and networks sell and place followed links in a site's own content. So how a site
# pushes is judged on these (a blog whose comments carry spam is not the spammer).
# (The same rule as link_state.vouched, over latest_links' record columns, unqualified: none
# of the tables joined to latest_links here has them.)
_VOUCHED = (
    "(r.target_root_domain <> r.source_root_domain"
    f" AND NOT coalesce({NOT_ENDORSED} OR in_comments, false))"
)

# Per page of a root domain, from the newest capture of each 200 page (latest_links, built in
# link_state.py): links and their text.
PAGE_OUTLINKS = f"""
SELECT r.source_page AS page,
       count(*) FILTER (WHERE r.target_root_domain <> r.source_root_domain) AS external_links,
       count(*) FILTER (WHERE r.target_root_domain = r.source_root_domain) AS internal_links,
       coalesce(sum(length(r.anchor_text))
                FILTER (WHERE r.target_root_domain <> r.source_root_domain), 0)
           AS external_anchor_chars,
       count(*) FILTER (WHERE r.in_nav) AS nav_links,
       count(*) FILTER (WHERE r.in_nav AND r.target_root_domain <> r.source_root_domain)
           AS nav_external_links,
       count(*) FILTER (WHERE {_VOUCHED}) AS vouched_links,
       count(*) FILTER (WHERE {_VOUCHED}
                        AND regexp_matches(lower(r.anchor_text), '{POISON_PATTERN}'))
           AS poison_anchors,
       count(*) FILTER (WHERE {_VOUCHED} AND r.anchor_text <> '') AS external_anchors,
       count(*) FILTER (WHERE {_VOUCHED}
                        AND regexp_matches(lower(r.anchor_text), '{MONEY_PATTERN}'))
           AS money_anchors,
       bool_or(r.target_root_domain = 'linkedin.com') AS links_linkedin
FROM latest_links r
JOIN page_latest p ON p.page = r.source_page
WHERE p.http_status = 200 AND NOT r.redirect AND NOT r.rel_canonical
GROUP BY r.source_page
"""

# Over a latest_links row r: whether its anchor names the target's brand (the registered
# name without its suffix, "python" for python.org; letters and digits only, 3 or more), and
# whether it carries a commercial or poison keyword that is not that name. One definition for
# the inbound anchors (linker_anchors) and a site's own outbound ones (link_neighbourhood).
_ANCHOR_KEY = "regexp_replace(lower(r.anchor_text), '[^a-z0-9]', '', 'g')"
_TARGET_BRAND = "regexp_replace(split_part(r.target_root_domain, '.', 1), '[^a-z0-9]', '', 'g')"
NAMES_TARGET = f"(length({_TARGET_BRAND}) >= 3 AND contains({_ANCHOR_KEY}, {_TARGET_BRAND}))"


def _words(text: str) -> str:
    """SQL: ``text`` as lower-case words of letters and digits, one space apart."""
    return f"trim(regexp_replace(lower({text}), '[^a-z0-9]+', ' ', 'g'))"


# A chosen phrase: an anchor phrase of 2+ words and no digits that 3+ root domains link to one
# site with, that does not name it (its brand, or words in one of its page titles), is not a
# generic anchor, and that half or more of the root domains using the phrase anywhere point at
# this one site. Independent linkers describe a site in words of their own or by its name; the
# same unnamed phrase from several of them is the keyword someone chose for it (a network's, a
# link seller's), whatever the words. Digits make a name of a thing (a version, "RFC 9110", a
# badge's "coverage 94"), not a keyword; the generic anchors are in scoring.spam_words.
_PHRASE = _words("r.anchor_text")
ANCHOR_PHRASES = f"""
SELECT DISTINCT r.target_root_domain AS target, r.source_root_domain AS source,
       {_PHRASE} AS phrase, {NAMES_TARGET} AS names_target
FROM latest_links r
WHERE r.source_root_domain <> r.target_root_domain AND NOT r.redirect
  AND NOT r.rel_canonical AND r.anchor_text <> ''
"""
CHOSEN_PHRASES = f"""
WITH candidates AS (
    SELECT target, phrase, count(*) AS linkers FROM anchor_phrases
    WHERE NOT names_target AND phrase LIKE '% %' AND NOT regexp_matches(phrase, '[0-9]')
      AND phrase NOT IN ({", ".join(f"'{g}'" for g in GENERIC_ANCHORS)})
    GROUP BY ALL HAVING count(*) >= {MIN_LINKS}
), used AS (
    SELECT phrase, count(DISTINCT source) AS users FROM anchor_phrases
    WHERE phrase IN (SELECT phrase FROM candidates) GROUP BY phrase
)
SELECT c.target, c.phrase FROM candidates c JOIN used u USING (phrase)
WHERE c.linkers >= {LINKER_SHARE} * u.users
  AND NOT EXISTS (
      SELECT 1 FROM page_latest p WHERE p.root_domain = c.target AND p.title IS NOT NULL
        AND contains({_words("p.title")}, c.phrase))
"""
# Over a latest_links row r joined to chosen_phrases cp (_CHOSEN_JOIN): the link carries a
# commercial or poison keyword that is not the target's name; or it is targeted, carrying such
# a keyword or a phrase chosen for the target (never its name: whether an anchor names the
# target follows from its phrase, and chosen phrases are the ones that do not).
KEYWORD_NOT_NAME = (
    f"(regexp_matches(lower(r.anchor_text), '{KEYWORD_PATTERN}') AND NOT {NAMES_TARGET})"
)
TARGETED = f"({KEYWORD_NOT_NAME} OR cp.phrase IS NOT NULL)"
_CHOSEN_JOIN = (
    f"LEFT JOIN chosen_phrases cp ON cp.target = r.target_root_domain AND cp.phrase = {_PHRASE}"
)

# Per (target root domain, linking root domain) with anchor text: whether an anchor names the
# target's brand, and whether one carries a keyword that is not the brand. Then per target:
# its anchored, branded and keyword linkers (PUSHED_RULE reads them).
BRANDED_LINKERS = f"""
SELECT r.target_root_domain AS target, r.source_root_domain AS source,
       bool_or({NAMES_TARGET}) AS branded, bool_or({KEYWORD_NOT_NAME}) AS keyword,
       bool_or({TARGETED}) AS targeted
FROM latest_links r {_CHOSEN_JOIN}
WHERE r.source_root_domain <> r.target_root_domain AND NOT r.redirect
  AND NOT r.rel_canonical AND r.anchor_text <> ''
GROUP BY ALL
"""
LINKER_ANCHORS = """
SELECT target AS root_domain, count(*) AS anchored_linkers,
       count(*) FILTER (WHERE branded) AS branded_linkers,
       count(*) FILTER (WHERE keyword) AS keyword_linkers,
       count(*) FILTER (WHERE targeted) AS targeted_linkers
FROM branded_linkers GROUP BY target
"""

# Per target root domain: the root domains linking to it from their newest captures, and those
# of them whose every such link sits in visitors' comments or answers, or is marked ugc (the
# mark for them): a site that only comment sections link to has placed its own links.
COMMENT_LINKERS = """
WITH linkers AS (
    SELECT r.target_root_domain AS target, r.source_root_domain AS source,
           bool_and(coalesce(r.in_comments OR r.ugc, false)) AS only_comments
    FROM latest_links r
    WHERE r.source_root_domain <> r.target_root_domain AND NOT r.redirect
      AND NOT r.rel_canonical
    GROUP BY ALL
)
SELECT target AS root_domain, count(*) AS page_linkers,
       count(*) FILTER (WHERE only_comments) AS comment_linkers
FROM linkers GROUP BY target
"""

# Per root domain, its own external links outside navigation: how many, and how many carry a
# keyword (not the target's name) to a pushed site. Shares of these do not grow with how
# much of the web the crawl saw.
LINK_NEIGHBOURHOOD = f"""
WITH content_links AS (
    SELECT r.source_root_domain AS root_domain, r.target_root_domain AS target,
           {TARGETED} AS keyword
    FROM latest_links r {_CHOSEN_JOIN}
    JOIN page_latest p ON p.page = r.source_page
    WHERE p.http_status = 200 AND NOT r.redirect AND NOT r.rel_canonical AND NOT r.in_nav
      AND {_VOUCHED}
), pushed AS (
    SELECT root_domain AS target FROM linker_anchors WHERE {PUSHED_RULE}
)
SELECT c.root_domain, count(*) AS content_external_links,
       count(*) FILTER (WHERE c.keyword AND p.target IS NOT NULL) AS pushed_keyword_links
FROM content_links c LEFT JOIN pushed p USING (target)
GROUP BY c.root_domain
"""

# One row per root domain with a 200 capture: every measured value a signal reads, but the
# organic body's reach (which needs these to know the pushers).
DOMAIN_MEASURES = f"""
WITH pages AS (
    SELECT p.root_domain, p.text_chars, p.content_bytes, p.contact_links, p.https,
           p.title, o.*
    FROM page_latest p LEFT JOIN page_outlinks o ON o.page = p.page
    WHERE p.http_status = 200
), per_root AS (
    SELECT root_domain,
           count(*) AS pages_ok,
           median(text_chars) AS median_text_chars,
           count(text_chars) AS pages_with_text,
           sum(text_chars) AS text_chars,
           sum(content_bytes) FILTER (WHERE text_chars IS NOT NULL) AS html_bytes,
           count(contact_links) AS pages_with_contact_known,
           coalesce(sum(contact_links), 0) AS contact_links,
           bool_or(coalesce(links_linkedin, false)) AS links_linkedin,
           bool_or(https) AS any_https,
           avg(coalesce(external_links, 0)) AS external_links_per_page,
           avg(coalesce(internal_links, 0)) AS internal_links_per_page,
           coalesce(sum(external_anchor_chars), 0) AS external_anchor_chars,
           coalesce(sum(nav_links), 0) AS nav_links,
           coalesce(sum(nav_external_links), 0) AS nav_external_links,
           coalesce(sum(external_links), 0) AS external_links,
           coalesce(sum(vouched_links), 0) AS vouched_links,
           coalesce(sum(poison_anchors), 0) AS poison_anchors,
           coalesce(sum(external_anchors), 0) AS external_anchors,
           coalesce(sum(money_anchors), 0) AS money_anchors,
           avg(CASE WHEN regexp_matches(lower(coalesce(title, '')), '{POISON_PATTERN}')
                    THEN 1.0 ELSE 0.0 END) AS poison_title_share
    FROM pages GROUP BY root_domain
), name AS (
    SELECT root_domain,
           split_part(root_domain, '.', 1) AS label,
           substr(root_domain, length(split_part(root_domain, '.', 1)) + 2) AS suffix
    FROM per_root
)
SELECT r.*, n.label, n.suffix,
       length(n.label) AS label_length,
       length(regexp_replace(n.label, '[^0-9]', '', 'g'))
           + length(regexp_replace(n.label, '[^-]', '', 'g')) AS digits_and_hyphens,
       coalesce(list_max(list_transform(
           regexp_extract_all(n.label, '[bcdfghjklmnpqrstvwxz]+'), lambda x: length(x))), 0)
           AS consonant_run,
       starts_with(n.label, 'xn--') AS idn,
       coalesce(c.root_domains_to, 0) AS root_domains_to,
       coalesce(c.nofollow_root_domains_to, 0) AS nofollow_root_domains_to,
       coalesce(a.anchored_linkers, 0) AS anchored_linkers,
       coalesce(a.branded_linkers, 0) AS branded_linkers,
       coalesce(a.keyword_linkers, 0) AS keyword_linkers,
       coalesce(a.targeted_linkers, 0) AS targeted_linkers,
       coalesce(l.content_external_links, 0) AS content_external_links,
       coalesce(l.pushed_keyword_links, 0) AS pushed_keyword_links,
       coalesce(cl.page_linkers, 0) AS page_linkers,
       coalesce(cl.comment_linkers, 0) AS comment_linkers
FROM per_root r
JOIN name n USING (root_domain)
LEFT JOIN counts_to_root_domain c ON c.target = r.root_domain
LEFT JOIN linker_anchors a ON a.root_domain = r.root_domain
LEFT JOIN link_neighbourhood l ON l.root_domain = r.root_domain
LEFT JOIN comment_linkers cl ON cl.root_domain = r.root_domain
"""

# Root domains that push with keywords: the rule of money_anchors or links_to_pushed_sites.
KEYWORD_PUSHERS = f"SELECT root_domain FROM spam_measures_own WHERE {MONEY_RULE} OR {PUSHING_RULE}"

WITH_REACH = """
SELECT m.*, coalesce(cr.reached, false) AS reached_from_core,
       coalesce(nl.roots_linked, 0) AS roots_linked,
       coalesce(nl.unreached_roots_linked, 0) AS unreached_roots_linked
FROM spam_measures_own m
LEFT JOIN core_reach cr USING (root_domain)
LEFT JOIN network_links nl USING (root_domain)
"""


STEPS: tuple[Step, ...] = (
    sql_step("page_outlinks", ["latest_links", "page_latest"], PAGE_OUTLINKS),
    sql_step("anchor_phrases", ["latest_links"], ANCHOR_PHRASES),
    sql_step("chosen_phrases", ["anchor_phrases", "page_latest"], CHOSEN_PHRASES),
    sql_step("branded_linkers", ["chosen_phrases", "latest_links"], BRANDED_LINKERS),
    sql_step("linker_anchors", ["branded_linkers"], LINKER_ANCHORS),
    sql_step("link_neighbourhood",
             ["chosen_phrases", "latest_links", "linker_anchors", "page_latest"],
             LINK_NEIGHBOURHOOD),
    sql_step("comment_linkers", ["latest_links"], COMMENT_LINKERS),
    sql_step("spam_measures_own",
             ["comment_linkers", "counts_to_root_domain", "link_neighbourhood", "linker_anchors",
              "page_latest", "page_outlinks"],
             DOMAIN_MEASURES),
    *core_reach_steps(KEYWORD_PUSHERS, "spam_measures_own"),
    sql_step("spam_measures", ["core_reach", "network_links", "spam_measures_own"], WITH_REACH),
)  # fmt: skip
