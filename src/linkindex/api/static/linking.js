// The linking root domains table: POST /v2/linking_root_domains with the API's sorts, filters
// and next_token paging. Loaded only when asked for, since each row shown is a row billed; a
// page already seen is shown again from memory, not bought twice.
import * as api from "./api.js";

const SORTS = {
  source_domain_authority: "Domain Authority",
  source_spam_score: "Spam Score",
  source_link_propensity: "Link Propensity",
};
const FILTERS = {
  external: "all",
  "external+follow": "with a followed link",
  "external+nofollow": "linking only with nofollow",
  "external+not_deleted": "linking now",
  "external+deleted": "lost (linked before)",
};
const SIZES = [25, 50, 5];
const COLUMNS = ["Root domain", "DA", "Spam Score", "Link Propensity", "Linking pages", "Nofollow pages"];

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function choice(id, label, options) {
  const select = element("select", { id, name: id });
  for (const [value, text] of options) select.append(element("option", { value }, text));
  return [element("div", { class: "field" }, element("label", { for: id }, label), select), select];
}

// CSV of every row, in the API's field names; to_target's counts flattened.
const CSV_FIELDS = [
  "root_domain", "domain_authority", "spam_score", "link_propensity",
  "root_domains_to_root_domain", "pages", "nofollow_pages", "redirect_pages", "deleted_pages",
];

function csvCell(value) {
  const text = String(value ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(results) {
  const lines = [CSV_FIELDS.join(",")];
  for (const r of results) {
    const flat = { ...r, ...r.to_target };
    lines.push(CSV_FIELDS.map((field) => csvCell(flat[field])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const link = element("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function row(result) {
  const spam = result.spam_score < 0 ? "—" : `${result.spam_score}%`;
  const cells = [
    result.root_domain,
    String(result.domain_authority),
    spam,
    result.link_propensity.toFixed(2),
    result.to_target.pages.toLocaleString("en-US"),
    result.to_target.nofollow_pages.toLocaleString("en-US"),
  ];
  const tr = element("tr");
  cells.forEach((text, i) => tr.append(element(i ? "td" : "th", i ? {} : { scope: "row" }, text)));
  return tr;
}

// The section for `target` at `scope`; `onError(error)` is told of a refused call, `say(text)`
// reports progress.
export function linkingRootDomains(target, scope, onError, say) {
  const [sortField, sort] = choice("lrd-sort", "Sort by", Object.entries(SORTS));
  const [filterField, filter] = choice("lrd-filter", "Filter", Object.entries(FILTERS));
  const [sizeField, size] = choice("lrd-limit", "Per page", SIZES.map((n) => [String(n), String(n)]));
  const show = element("button", { type: "submit" }, "Show linking root domains");
  const exporter = element("button", { type: "button", id: "lrd-export" }, "Export CSV (every page)");
  const form = element("form", { id: "lrd-form", class: "controls" },
    sortField, filterField, sizeField, show, exporter);
  const body = element("tbody");
  const caption = element("caption");
  const table = element("table", { id: "lrd-table" }, caption,
    element("thead", {}, element("tr", {}, ...COLUMNS.map((c) => element("th", { scope: "col" }, c)))),
    body);
  const wrap = element("div", { class: "table-wrap", hidden: "" }, table);
  const previous = element("button", { type: "button", id: "lrd-previous" }, "Previous page");
  const next = element("button", { type: "button", id: "lrd-next" }, "Next page");
  const where = element("span", { id: "lrd-page", "aria-live": "polite" });
  const pager = element("nav", { class: "pager", "aria-label": "Linking root domains pages", hidden: "" },
    previous, where, next);

  // pages[i]: {results, next_token} of page i of the current query, as the API answered.
  let pages = [];
  let shown = 0;

  function draw() {
    const page = pages[shown];
    body.replaceChildren(...page.results.map(row));
    caption.textContent = `Root domains linking to ${target} (${scope.replace("_", " ")}), by ${SORTS[sort.value]}`;
    where.textContent = `Page ${shown + 1}${page.next_token ? "" : " (last)"}`;
    previous.disabled = shown === 0;
    next.disabled = !page.next_token;
    wrap.hidden = false;
    pager.hidden = false;
  }

  // `notify`: refresh the header's rows used after the call (an export does it once, at its end).
  async function load(token, limit = Number(size.value), notify = true) {
    const request = { target, target_scope: scope, sort: sort.value, filter: filter.value, limit };
    if (token) request.next_token = token;
    wrap.setAttribute("aria-busy", "true");
    try {
      return await api.v2("linking_root_domains", request);
    } finally {
      wrap.removeAttribute("aria-busy");
      if (notify) document.dispatchEvent(new Event("linkindex:billed"));
    }
  }

  // Another sort, filter or size is another query: its tokens are not this one's.
  form.addEventListener("change", () => {
    pages = [];
    wrap.hidden = true;
    pager.hidden = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      pages = [await load(null)];
      shown = 0;
      draw();
    } catch (error) {
      onError(error);
    }
  });
  next.addEventListener("click", async () => {
    try {
      if (shown + 1 === pages.length) pages.push(await load(pages[shown].next_token));
      shown += 1;
      draw();
    } catch (error) {
      onError(error);
    }
  });
  // The whole list, 50 rows a call, following next_token to its end (the API stops at its
  // 10,000-row cap); each call is billed, and a refusal (quota, rate) stops the export.
  exporter.addEventListener("click", async () => {
    const results = [];
    exporter.disabled = true;
    try {
      let token = null;
      do {
        const page = await load(token, 50, false);
        results.push(...page.results);
        token = page.next_token;
        say(`Exporting linking root domains: ${results.length} rows…`);
      } while (token);
    } catch (error) {
      if (error.status === 401) onError(error);
      else say(`Export stopped after ${results.length} rows (no file): ${error.message}`);
      return;
    } finally {
      exporter.disabled = false;
      document.dispatchEvent(new Event("linkindex:billed"));
    }
    const name = `linking-root-domains-${target.replace(/[^A-Za-z0-9.-]+/g, "_")}-${scope}.csv`;
    download(name, csv(results));
    say(`Exported ${results.length} linking root domains to ${name}.`);
  });
  previous.addEventListener("click", () => {
    shown -= 1;
    draw();
  });

  return element("section", { class: "linking", "aria-labelledby": "lrd-title" },
    element("h2", { id: "lrd-title" }, "Linking root domains"),
    element("p", { class: "cost" },
      "Each root domain listed or exported is a row billed to your key."),
    form, wrap, pager);
}
