import { charts } from "./charts.js";
import { element, number, spam } from "./dom.js";
import { compare } from "./intersect.js";
import { linkingRootDomains } from "./linking.js";
import { inboundLinks } from "./links.js";
import { anchorText } from "./anchor_text.js";
import { topPages } from "./top_pages.js";
import { reasons } from "./reasons.js";

// The overview of one target, drawn from its url_metrics result (and Brand Authority from the
// JSON-RPC API): plain DOM built with textContent, so nothing from the index runs as markup.

const SCOPES = {
  root_domain: "the root domain",
  subdomain: "the subdomain",
  page: "the page",
};

// The scope a person means: a path asks about the page, a bare root domain (or its www host)
// about the root domain, any other host about that subdomain.
export function defaultScope(target, result) {
  const text = target.replace(/^[a-z]+:\/\//i, "");
  const slash = text.indexOf("/");
  if (slash >= 0 && text.slice(slash).replace(/[?#].*$/, "") !== "/") return "page";
  const host = (slash >= 0 ? text.slice(0, slash) : text).toLowerCase().replace(/^www\./, "");
  return host === result.root_domain ? "root_domain" : "subdomain";
}

// What the index holds of the target, from url_metrics alone: a root domain with a crawled
// page, one known only from links to it, or nothing (then every number is a default).
export function presence(m) {
  const linked = m.pages_to_root_domain + m.deleted_pages_to_root_domain;
  if (m.pages_crawled_from_root_domain > 0) {
    const page = m.last_crawled
      ? `The page ${m.page} was crawled on ${m.last_crawled} (HTTP ${m.http_code}).`
      : `The page ${m.page} was never crawled; it is known only from links to it, if any.`;
    return {
      status: "crawled",
      text: `In the index: ${number(m.pages_crawled_from_root_domain)} pages of ${m.root_domain} crawled. ${page}`,
    };
  }
  if (linked > 0) {
    return {
      status: "linked_only",
      text: `${m.root_domain} is known only from links to it; none of its pages was crawled, so its own links and Spam Score are not measured.`,
    };
  }
  return {
    status: "unknown",
    text: `Not in the index: no page of ${m.root_domain} was crawled and nothing links to it. The numbers below are defaults, not measurements.`,
  };
}

function metric(id, label, value, note = "") {
  const item = element("div", { class: "metric" });
  item.append(element("dt", { id: `label-${id}` }, label));
  const dd = element("dd", { "data-metric": id, "aria-labelledby": `label-${id}` }, value);
  item.append(dd);
  if (note) item.append(element("dd", { class: "note" }, note));
  return item;
}

function brandText(brand) {
  if (brand.score !== null) return [String(brand.score), ""];
  return ["—", brand.reason];
}

function authority(m, brand) {
  const spamNote = m.spam_score < 0 ? "no score: too little crawled to judge" : "";
  const [brandValue, brandNote] = brandText(brand);
  return element(
    "dl",
    { class: "metrics" },
    metric("domain_authority", "Domain Authority", String(m.domain_authority), m.root_domain),
    metric("page_authority", "Page Authority", String(m.page_authority), m.page),
    metric("spam_score", "Spam Score", spam(m.spam_score), spamNote),
    metric("brand_authority", "Brand Authority", brandValue, brandNote),
    metric("link_propensity", "Link Propensity", m.link_propensity.toFixed(2),
      "how readily the root domain links out"),
  );
}

function split(followed, nofollow) {
  const total = followed + nofollow;
  const share = total ? Math.round((100 * followed) / total) : 0;
  const bar = element("div", { class: "split", "aria-hidden": "true" });
  const fill = element("span", { class: "followed" });
  fill.style.width = `${share}%`; // CSSOM, which the page's style-src policy allows
  bar.append(fill);
  const text = total
    ? `${share}% of inbound links are followed, ${100 - share}% nofollow.`
    : "No inbound links.";
  return [bar, element("p", { class: "split-text" }, text)];
}

export function links(m, scope) {
  const inbound = m[`external_pages_to_${scope}`];
  const nofollow = m[`external_nofollow_pages_to_${scope}`];
  const section = element("div", { class: "links" });
  section.append(
    element("h3", {}, `Links to ${SCOPES[scope]} (${m[scope]}) from other root domains`),
    element(
      "dl",
      { class: "metrics" },
      metric("linking_root_domains", "Linking root domains", number(m[`root_domains_to_${scope}`])),
      metric("inbound_links", "Inbound links", number(inbound), "linking pages"),
      metric("followed_links", "Followed", number(inbound - nofollow)),
      metric("nofollow_links", "Nofollow", number(nofollow), "nofollow, ugc or sponsored"),
    ),
    ...split(inbound - nofollow, nofollow),
  );
  return section;
}

function scopeChooser(m, scope, onChange) {
  const field = element("div", { class: "field inline-field" });
  const select = element("select", { id: "scope" });
  for (const [value, name] of Object.entries(SCOPES)) {
    const option = element("option", { value }, `${name}: ${m[value]}`);
    option.selected = value === scope;
    select.append(option);
  }
  select.addEventListener("change", () => onChange(select.value));
  field.append(element("label", { for: "scope" }, "Count links to"), select);
  return field;
}

// Fills the overview section; `brand` is {score, reason}; `onError` hears of refused calls
// the section makes later (its table's pages), `say` of their progress.
export function renderOverview(section, target, m, brand, scope, onError, say) {
  const held = presence(m);
  const heading = element("h1", { id: "overview-title", tabindex: "-1" }, target);
  const facts = element("p", { id: "presence", class: `presence ${held.status}` }, held.text);
  facts.dataset.status = held.status;
  const linksHolder = element("div", { id: "links" }, links(m, scope));
  const tables = (chosen) => [
    linkingRootDomains(target, chosen, onError, say),
    inboundLinks(target, chosen, onError, say),
    anchorText(target, chosen, onError, say),
    topPages(target, chosen, onError, say),
  ];
  const tableHolder = element("div", {}, ...tables(scope));
  const compareHolder = element("div", {}, compare(target, scope, onError));
  const chartsHolder = element("div", {}, charts(target, scope, onError));
  const chooser = scopeChooser(m, scope, (chosen) => {
    linksHolder.replaceChildren(links(m, chosen));
    chartsHolder.replaceChildren(charts(target, chosen, onError));
    tableHolder.replaceChildren(...tables(chosen));
    compareHolder.replaceChildren(compare(target, chosen, onError));
  });
  section.replaceChildren(
    heading,
    facts,
    element("h2", {}, "Authority"),
    authority(m, brand),
    reasons(target, onError),
    element("h2", {}, "Inbound links"),
    chooser,
    linksHolder,
    chartsHolder,
    tableHolder,
    compareHolder,
  );
  return heading;
}
