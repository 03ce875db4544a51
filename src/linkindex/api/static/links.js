// The inbound links table (POST /v2/links): one row per link, source and linked page with the
// source's authority, on list_table.js, with every sort and filter the API takes for it
// (api/link_params.py): filter terms joined by "+", anchor text, source root domain, one link per
// source, and hosts limited to one link.
import { element, spam } from "./dom.js";
import { choice, listTable } from "./list_table.js";

// Each pair of opposite terms is one choice (the API refuses a term with its opposite).
const STATES = [
  ["follow", "Followed", [["", "any"], ["follow", "followed"], ["nofollow", "nofollow"]]],
  ["state", "Live or lost", [["", "live now"], ["deleted", "lost"],
    ["not_deleted", "not lost (the same as live now)"]]],
  ["redirect", "Redirect", [["", "any"], ["redirect", "an HTTP redirect"], ["not_redirect", "not a redirect"]]],
  ["canonical", "rel=canonical", [["", "any"], ["rel_canonical", "a rel=canonical"],
    ["not_rel_canonical", "not a rel=canonical"]]],
  ["via-redirect", "Through a redirect", [["", "any"], ["via_redirect", "through a redirect"],
    ["not_via_redirect", "direct or by rel=canonical"]]],
  ["via-canonical", "Through a rel=canonical", [["", "any"], ["via_rel_canonical", "through a rel=canonical"],
    ["not_via_rel_canonical", "direct or by redirect"]]],
];
const RECENT = [
  ["gained_last_60_days", "first seen in the 60 days before the index date"],
  ["lost_last_60_days", "lost in the 60 days before the index date"],
];
const NO_ANCHOR = "(none)"; // as the anchor text table names links without one
const RULES =
  "The terms chosen are sent as one filter joined by “+”. With more than one term the API " +
  "needs “external” among them; one term alone without it includes links from the target's own " +
  "root domain. Lost links are listed only with “lost” or “lost in the 60 days”; the 60 days " +
  "end on the index date (in the header). Anchor text matches after the API's normalisation " +
  `(lowercase, spaces collapsed); ${NO_ANCHOR} asks for links without anchor text.`;

function box(id, label, checked = false) {
  const input = element("input", { id, type: "checkbox" });
  input.checked = checked;
  return [element("div", { class: "field check" }, input, element("label", { for: id }, label)), input];
}

function text(id, label, placeholder) {
  const input = element("input", { id, placeholder, spellcheck: "false", autocapitalize: "off" });
  return [element("div", { class: "field" }, element("label", { for: id }, label), input), input];
}

// The filter's terms, anchor text, source root domain, source scope and limited hosts.
function linkFilters(id) {
  const [externalField, external] = box(`${id}-external`, "Only from other root domains (external)", true);
  const states = STATES.map(([name, label, options]) => choice(`${id}-${name}`, label, options));
  const recent = RECENT.map(([term, label]) => box(`${id}-${term}`, label));
  const [anchorField, anchor] = text(`${id}-anchor`, "Anchor text", `any; ${NO_ANCHOR} for none`);
  const [sourceField, source] = text(`${id}-source-root`, "From root domain", "example.com");
  const [perField, per] = choice(`${id}-source-scope`, "Links listed", [
    ["page", "every link"], ["subdomain", "the best from each subdomain"],
    ["root_domain", "the best from each root domain"]]);
  const [limitedField, limited] = text(`${id}-limited`, "One link at most from (hosts)",
    "blog.example.com, www.example.org");
  const sent = element("p", { id: `${id}-filter-sent`, class: "cost", "aria-live": "polite" });
  const terms = () => [
    ...(external.checked ? ["external"] : []),
    ...states.map(([, select]) => select.value).filter(Boolean),
    ...RECENT.filter((_, i) => recent[i][1].checked).map(([term]) => term),
  ];
  const params = () => {
    const request = { filter: terms().join("+") };
    const anchorText = anchor.value.trim();
    if (anchorText) request.anchor_text = anchorText === NO_ANCHOR ? "\u0000" : anchorText;
    if (source.value.trim()) request.source_root_domain = source.value.trim();
    if (per.value !== "page") request.source_scope = per.value;
    const hosts = limited.value.split(/[\s,]+/).filter(Boolean);
    if (hosts.length) request.subdomains_limited_to_one = hosts;
    return request;
  };
  const fieldset = element("fieldset", { class: "filters" }, element("legend", {}, "Filter"),
    externalField, ...states.map(([field]) => field), ...recent.map(([field]) => field),
    anchorField, sourceField, perField, limitedField,
    element("p", { class: "cost rules" }, RULES), sent);
  const describe = () => { sent.textContent = `filter sent: ${terms().join("+") || "(no term)"}`; };
  fieldset.addEventListener("change", describe);
  describe();
  return { fields: [fieldset], params };
}

const lost = (request) => /(^|\+)(deleted|lost_last_60_days)(\+|$)/.test(request.filter || "");

const LINKS = {
  id: "links",
  endpoint: "links",
  title: "Inbound links",
  noun: "inbound links",
  billing: "Each link listed or exported is a row billed to your key.",
  sorts: {
    source_page_authority: "Page Authority",
    source_domain_authority: "Domain Authority",
    source_spam_score: "Spam Score",
    source_link_propensity: "Link Propensity",
    root_domains_to_source_page: "Source page's linking root domains",
    root_domains_to_source_root_domain: "Source root domain's linking root domains",
  },
  more: linkFilters,
  columns: [
    ["Source page", (r) => r.source.page],
    ["PA", (r) => String(r.source.page_authority)],
    ["DA", (r) => String(r.source.domain_authority)],
    ["Spam Score", (r) => spam(r.source.spam_score)],
    ["Anchor text", (r) => r.anchor_text],
    ["Links to", (r) => r.target.page],
    ["Kind", (r) => (r.nofollow ? "nofollow" : "followed") + (r.redirect ? ", redirect" : "")],
    ["First seen", (r) => r.date_first_seen],
    ["Lost", (r) => r.date_disappeared, lost],
  ],
};

export function inboundLinks(target, scope, onError, say) {
  return listTable(LINKS, target, scope, onError, say);
}
