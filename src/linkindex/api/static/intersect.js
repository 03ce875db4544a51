// Compare: the target's and its competitors' own metrics side by side (one POST /v2/url_metrics
// with them all), and the root domains linking to up to 5 competitors but not to the target
// (POST /v2/link_intersect). Asked for only: url_metrics bills a row per site, the intersect 5
// rows for each root domain listed.
import * as api from "./api.js";
import { element, number, spam } from "./dom.js";

const MAX_COMPETITORS = 5; // with the target, the API's 6 targets at most

// A competitor with a path is that page; otherwise its whole root domain.
export function competitorTarget(text) {
  const bare = text.trim().replace(/^[a-z]+:\/\//i, "");
  const slash = bare.indexOf("/");
  const page = slash >= 0 && bare.slice(slash).replace(/[?#].*$/, "") !== "/";
  return { target: text.trim(), scope: page ? "page" : "root_domain" };
}

const SCOPE_WORDS = { page: "page", subdomain: "subdomain", root_domain: "root domain" };

// One row per site, each at its own scope: [site, counted for, DA, PA, Spam Score, linking root
// domains, inbound links (linking pages on other root domains)].
const METRIC_COLUMNS = ["Site", "Links counted to", "DA", "PA", "Spam Score",
  "Linking root domains", "Inbound links"];

function metricsRow({ target: site, scope }, m) {
  const cells = [`${SCOPE_WORDS[scope]} ${m[scope]}`, String(m.domain_authority),
    String(m.page_authority), spam(m.spam_score), number(m[`root_domains_to_${scope}`]),
    number(m[`external_pages_to_${scope}`])];
  return element("tr", {}, element("th", { scope: "row" }, site),
    ...cells.map((text) => element("td", {}, text)));
}

// The section for `target` at `scope`; `onError(error)` is told of a refused call.
export function compare(target, scope, onError) {
  const inputs = [];
  const fields = element("div", { class: "competitors" });
  for (let i = 1; i <= MAX_COMPETITORS; i++) {
    const input = element("input", { id: `competitor-${i}`, spellcheck: "false", autocapitalize: "off" });
    inputs.push(input);
    fields.append(element("div", { class: "field" },
      element("label", { for: `competitor-${i}` }, `Competitor ${i}`), input));
  }
  const minimum = element("select", { id: "minimum-matching" });
  const minimumField = element("div", { class: "field" },
    element("label", { for: "minimum-matching" }, "Linking to at least"), minimum);
  const error = element("p", { class: "error", role: "alert" });
  const button = element("button", { type: "submit" }, "Find the gap");
  const form = element("form", { id: "compare-form", class: "controls" }, fields, minimumField, button);
  const body = element("tbody");
  const caption = element("caption");
  const table = element("table", { id: "compare-table" }, caption,
    element("thead", {}, element("tr", {},
      ...["Root domain", "DA", "Spam Score", "Links to"].map((c) => element("th", { scope: "col" }, c)))),
    body);
  const wrap = element("div", { class: "table-wrap", hidden: "" }, table);
  const more = element("button", { type: "button", id: "compare-more", hidden: "" }, "More");
  const metricsBody = element("tbody");
  const metricsCaption = element("caption");
  const metricsWrap = element("div", { class: "table-wrap", hidden: "" },
    element("table", { id: "compare-metrics-table" }, metricsCaption,
      element("thead", {}, element("tr", {},
        ...METRIC_COLUMNS.map((c) => element("th", { scope: "col" }, c)))),
      metricsBody));

  let competitors = [];
  let token = "";

  function filled() {
    return inputs.map((input) => input.value.trim()).filter(Boolean);
  }

  function syncMinimum() {
    const count = Math.max(1, filled().length);
    const chosen = Math.min(Number(minimum.value) || 1, count);
    minimum.replaceChildren(...Array.from({ length: count }, (_, i) =>
      element("option", { value: String(i + 1) }, `${i + 1} of them`)));
    minimum.value = String(chosen);
  }
  syncMinimum();
  fields.addEventListener("input", syncMinimum);

  function add(results) {
    for (const r of results) {
      const names = r.matching_target_indexes.map((i) => competitors[i]).join(", ");
      const tr = element("tr", {}, element("th", { scope: "row" }, r.page),
        element("td", {}, String(r.domain_authority)), element("td", {}, spam(r.spam_score)),
        element("td", { class: "names" }, names));
      body.append(tr);
    }
  }

  async function load(next) {
    const request = {
      positive_targets: competitors.map(competitorTarget),
      negative_targets: [{ target, scope }],
      source_scope: "root_domain",
      minimum_matching_targets: Number(minimum.value),
      limit: 25,
    };
    if (next) request.next_token = next;
    try {
      const answer = await api.v2("link_intersect", request);
      add(answer.results);
      token = answer.next_token;
      more.hidden = !token;
      wrap.hidden = false;
      caption.textContent = `${body.rows.length} root domains link to ${competitors.join(", ")} but not to ${target}${token ? " (more below)" : ""}`;
    } catch (failure) {
      if (failure.status === 401) onError(failure);
      else error.textContent = api.describe(failure);
    } finally {
      document.dispatchEvent(new Event("linkindex:billed"));
    }
  }

  // The sites' own numbers, from one url_metrics call with them all (a row billed each).
  async function sideBySide() {
    const sites = [{ target, scope }, ...competitors.map(competitorTarget)];
    metricsWrap.hidden = true;
    try {
      const answer = await api.v2("url_metrics", { targets: sites.map((site) => site.target) });
      metricsBody.replaceChildren(...sites.map((site, i) => metricsRow(site, answer.results[i])));
      metricsCaption.textContent = `${target} and its competitors, each counted for its own scope`;
      metricsWrap.hidden = false;
    } catch (failure) {
      if (failure.status === 401) onError(failure);
      else error.textContent = api.describe(failure);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    competitors = filled();
    if (!competitors.length) {
      error.textContent = "Enter at least one competitor.";
      inputs[0].focus();
      return;
    }
    body.replaceChildren();
    await sideBySide();
    await load(null);
  });
  more.addEventListener("click", () => load(token));

  return element("section", { class: "compare", "aria-labelledby": "compare-title" },
    element("h2", { id: "compare-title" }, "Compare: who links to them but not to you"),
    element("p", { class: "cost" },
      "Each site's own numbers side by side (one url_metrics call: a row billed per site), then the root domains linking to your competitors and not to this target (link intersect): each root domain listed bills 5 rows."),
    form, error, metricsWrap, wrap, more);
}
