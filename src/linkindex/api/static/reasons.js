// Why the overview's scores are what they are, in plain words: the explain report
// (GET /explain.json, free) of the target: its notes, each score's summary, and the Spam Score
// signals hit with their rules. Drawn with textContent only, like the rest of the overview.
import * as api from "./api.js";
import { element } from "./dom.js";

const SECTIONS = {
  page_authority: "Page Authority",
  domain_authority: "Domain Authority",
  spam_score: "Spam Score",
  link_propensity: "Link Propensity",
  brand_authority: "Brand Authority",
};

export function sentence(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

// What the page says of one section: its summary, and for PA and DA the rule that scales them.
export function reasonOf(report, section) {
  const part = report[section];
  const rule = part.rule && section !== "spam_score" ? ` ${part.rule}.` : "";
  return `${sentence(part.summary)}${rule}`;
}

function signalsHit(spam) {
  if (spam.score === -1) return [];
  const hit = spam.signals.filter((s) => s.hit);
  const list = element("ul", { id: "spam-signals" });
  for (const s of hit) {
    const measured = s.value === null ? "not enough data" : `measured ${s.value}`;
    const item = element("li", {}, element("strong", {}, s.signal), `: ${s.rule} (${measured})`);
    item.dataset.signal = s.signal;
    list.append(item);
  }
  const title = hit.length
    ? `Spam Score signals hit: ${hit.length} of ${spam.signals.length}`
    : `No Spam Score signal hit (of ${spam.signals.length})`;
  // Under the Spam Score's sentence, in the same list: the signals belong to that score.
  return [element("dd", { class: "signals" }, element("p", { id: "spam-signals-title" }, title),
    ...(hit.length ? [list] : []))];
}

// PA's and DA's strongest linking root domains, with their share of the evidence (the table
// the summary speaks of).
function sources(section, rows) {
  if (!rows?.length) return [];
  const body = element("tbody");
  for (const row of rows) {
    const name = row.own_root_domain ? `${row.root_domain} (its own root domain)` : row.root_domain;
    body.append(element("tr", {}, element("th", { scope: "row" }, name),
      element("td", {}, `${(100 * row.share).toFixed(1)}%`),
      element("td", {}, row.trust === null ? "" : row.trust.toFixed(2))));
  }
  const head = element("tr", {}, ...["Linking root domain", "Share of evidence", "Trust"]
    .map((h) => element("th", { scope: "col" }, h)));
  const table = element("table", { id: `${section}-sources-table` },
    element("caption", {}, `The strongest linking root domains of its ${SECTIONS[section]}`),
    element("thead", {}, head), body);
  return [element("dd", { class: "table-wrap" }, table)];
}

function render(holder, report) {
  const notes = report.notes.map((note) => element("p", { class: "note-box" }, note));
  const list = element("dl", { class: "reasons" });
  for (const [section, name] of Object.entries(SECTIONS)) {
    const reason = element("dd", {}, reasonOf(report, section));
    reason.dataset.section = section;
    list.append(element("dt", {}, name), reason, ...sources(section, report[section].strongest_sources));
    if (section === "spam_score") list.append(...signalsHit(report.spam_score));
  }
  holder.replaceChildren(...notes, list);
}

// The section, filled when the report arrives; `onError(error)` is told of a refused call.
export function reasons(target, onError) {
  const holder = element("div", { id: "reasons-body", "aria-busy": "true" },
    element("p", { class: "cost" }, "Reading the evidence…"));
  const section = element("section", { id: "reasons", "aria-labelledby": "reasons-title" },
    element("h2", { id: "reasons-title" }, "Why these scores"), holder);
  api.explainReport(target).then(
    (report) => render(holder, report),
    (error) => {
      holder.replaceChildren(element("p", { class: "error" }, `Could not read why: ${api.describe(error)}`));
      if (error.status === 401) onError(error);
    },
  ).finally(() => holder.removeAttribute("aria-busy"));
  return section;
}
