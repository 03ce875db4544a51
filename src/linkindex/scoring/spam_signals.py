"""The Spam Score's signals: the rule of each over the measured values, and the rules they share.

The values come from builder.spam_measures; docs/metrics.md lists each rule and why it holds.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linkindex.scoring.spam_words import SPAM_TLDS

# The rules two or more signals share, over spam_measures' columns (each defined once here).
MIN_LINKS = 3  # links or linkers a share is taken of, at the least
LINK_SHARE = 0.2  # of a site's own links, the share that makes it a pusher
LINKER_SHARE = 0.5  # of a site's linkers, the share that makes it pushed
# A money-anchor linker: 3+ external links with anchor text, 20 %+ of them with a money word.
MONEY_RULE = (
    f"(external_anchors >= {MIN_LINKS} AND money_anchors >= {LINK_SHARE} * external_anchors)"
)
# A pushed site: 3+ root domains link to it with anchor text, half or more of them with a
# commercial or poison keyword that is not its own name. A share of its own linkers, so it
# does not flip when unrelated sites are added, nor grow true of every shop as the index grows.
PUSHED_RULE = (
    f"(anchored_linkers >= {MIN_LINKS} AND targeted_linkers >= {LINKER_SHARE} * anchored_linkers)"
)
KEYWORD_LINKED_RULE = (
    f"(anchored_linkers >= {MIN_LINKS} AND keyword_linkers >= {LINKER_SHARE} * anchored_linkers)"
)
# A site that places its own links in other sites' comments: 3+ root domains link to it, and
# half or more of them only from visitors' comments or answers (or with rel=ugc).
COMMENT_PLACED_RULE = (
    f"(comment_linkers >= {MIN_LINKS} AND comment_linkers >= {LINKER_SHARE} * page_linkers)"
)
# A site that links to pushed sites: 20 %+ of its external links outside navigation are a
# keyword link to a pushed site. No minimum number of links: the pushed site's own linkers
# carry the evidence, and a network of one- and two-page sites has one or two links a site.
PUSHING_RULE = (
    "(content_external_links >= 1"
    f" AND pushed_keyword_links >= {LINK_SHARE} * content_external_links)"
)


@dataclass(frozen=True)
class Signal:
    """One spam signal: the value it measures, the rule that flags it, and when it can tell."""

    name: str
    rule: str  # the rule in words, as docs/metrics.md states it
    measure: str  # SQL expression over spam_measures: the measured value
    hit: Callable[[np.ndarray], np.ndarray]  # measured values -> flagged
    evidence: str = "true"  # SQL condition: enough is known to evaluate the signal


def _at_least(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda values: operator.ge(values, threshold)


def _below(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda values: operator.lt(values, threshold)


_TLD_LIST = ", ".join(f"'{t}'" for t in SPAM_TLDS)

SIGNALS: tuple[Signal, ...] = (
    Signal("spam_tld", "its TLD is one spam sites use often (SPAM_TLDS)",
           f"(suffix IN ({_TLD_LIST}))::INTEGER", _at_least(1)),
    Signal("long_domain_name", "its registered name (without the suffix) has 16+ characters",
           "label_length", _at_least(16), "NOT idn"),
    Signal("numerals_and_hyphens", "its registered name has 2+ digits and hyphens together",
           "digits_and_hyphens", _at_least(2), "NOT idn"),
    Signal("consonant_run", "its registered name has a run of 5+ consonants (y is a vowel)",
           "consonant_run", _at_least(5), "NOT idn"),
    Signal("thin_content", "its pages' median visible text is under 250 characters",
           "median_text_chars", _below(250), "pages_with_text > 0"),
    Signal("markup_heavy", "visible text is under 3% of its HTML pages' bytes",
           "text_chars / html_bytes", _below(0.03), "html_bytes > 0"),
    Signal("many_external_links", "its pages link out to other root domains 25+ times on average",
           "external_links_per_page", _at_least(25)),
    Signal("few_internal_links", "its pages link to its own pages fewer than 3 times on average",
           "internal_links_per_page", _below(3)),
    Signal("anchor_text_heavy", "external links' anchor text is 30%+ of its visible text",
           "external_anchor_chars / text_chars", _at_least(0.3), "text_chars > 0"),
    Signal("external_links_in_navigation",
           "half or more of the links in its <nav>/<header>/<footer> go to other root domains",
           "nav_external_links / nav_links", _at_least(0.5), "nav_links > 0"),
    Signal("no_contact_info", "no page has a mailto:/tel: link and none links to LinkedIn",
           "(contact_links + links_linkedin::INTEGER)", _below(1),
           "pages_with_contact_known > 0"),
    Signal("poison_words_in_titles", "20%+ of its page titles have a pharma/adult/gambling word",
           "poison_title_share", _at_least(0.2)),
    Signal("poison_words_in_anchors",
           "10%+ of its external links' anchors have a pharma/adult/gambling word",
           "poison_anchors / vouched_links", _at_least(0.1), "vouched_links > 0"),
    Signal("no_https", "none of its pages was captured over https",
           "any_https::INTEGER", _below(1)),
    Signal("skewed_follow_ratio",
           "of 3+ linking root domains, 30%+ link only with nofollow",
           "nofollow_root_domains_to / root_domains_to", _at_least(0.3),
           "root_domains_to >= 3"),
    Signal("few_branded_anchors",
           "of 5+ root domains linking with anchor text, under 10% name its brand",
           "branded_linkers / anchored_linkers", _below(0.1), "anchored_linkers >= 5"),
    Signal("money_anchors",
           "20%+ of its 3+ external links with anchor text carry a commercial keyword "
           "(MONEY_WORDS)",
           "money_anchors / external_anchors", _at_least(LINK_SHARE),
           f"external_anchors >= {MIN_LINKS}"),
    Signal("links_to_pushed_sites",
           "20%+ of its external content links carry a keyword (not the target's name) to a "
           "pushed site (the rule of keyword_linked)",
           "pushed_keyword_links / content_external_links", _at_least(LINK_SHARE),
           "content_external_links >= 1"),
    Signal("unreached_pusher",
           "the organic body of the link graph does not reach it, and it places links: it "
           "meets the rule of money_anchors, links_to_pushed_sites or comment_linked; a "
           "network, or a comment spammer, nothing organic links to",
           f"(NOT reached_from_core AND ({MONEY_RULE} OR {PUSHING_RULE}"
           f" OR {COMMENT_PLACED_RULE}))::INTEGER",
           _at_least(1)),
    Signal("keyword_linked",
           "it is pushed: 3+ root domains link to it with a commercial or poison keyword that "
           "is not its name, half or more of those linking with anchor text",
           f"{KEYWORD_LINKED_RULE}::INTEGER", _at_least(1)),
    Signal("comment_linked",
           "of the root domains linking to it, 3+ and half or more link to it only from "
           "visitors' comments or answers (or with rel=ugc): it placed its own links",
           f"{COMMENT_PLACED_RULE}::INTEGER", _at_least(1)),
    Signal("links_into_a_network",
           "of the 2+ root domains it links to that link out themselves, half or more are "
           "outside the organic body's reach: it links into a network nothing organic links to",
           "unreached_roots_linked / roots_linked", _at_least(0.5), "roots_linked >= 2"),
)  # fmt: skip

SIGNAL_NAMES = tuple(s.name for s in SIGNALS)

# Evidence of manipulation: how the site links, what it sells. Without one of these a site's
# Spam Score stays below 50 (spam_model.UNMANIPULATED_CAP).
MANIPULATION_SIGNALS = (
    "unreached_pusher", "links_into_a_network", "links_to_pushed_sites", "money_anchors",
    "keyword_linked", "poison_words_in_anchors", "poison_words_in_titles", "comment_linked",
)  # fmt: skip

# Of those, the ones that say the site is in, or held up by, a network or sells what spam
# sells. Money anchors and links to pushed sites alone are also what an ordinary site that
# sold one sponsored post does; the model gives the first of these its own weight.
NETWORK_SIGNALS = (
    "unreached_pusher", "links_into_a_network", "keyword_linked", "poison_words_in_anchors",
    "poison_words_in_titles", "comment_linked",
)  # fmt: skip

# Below this many pages that answered 200, too little of a site is seen for a Spam Score:
# it gets Moz's "no score", -1, instead of a guess from one or two pages.
MIN_PAGES_FOR_SCORE = 3


def flag(values: np.ndarray) -> np.ndarray:
    """Each signal's flag (one column per signal, as SIGNALS) of measured values in the same
    columns; a value that is NaN, where a signal cannot tell, is not flagged."""
    known = ~np.isnan(values)
    flags = np.zeros(values.shape, dtype=bool)
    for i, signal in enumerate(SIGNALS):
        column = values[:, i]
        flags[known[:, i], i] = signal.hit(column[known[:, i]])
    return flags
