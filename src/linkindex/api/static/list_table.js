// A list the API pages with next_token (linking root domains, inbound links), as a table: the
// API's sorts and filters, a page size, paging, and a CSV export of every page. Loaded only
// when asked for, since each row shown is billed; a page seen before is shown from memory.
import * as api from "./api.js";

const SIZES = [25, 50, 5];

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function number(n) {
  return Number(n).toLocaleString("en-US");
}

export function spam(score) {
  return score < 0 ? "—" : `${score}%`;
}

// Text a spreadsheet would take for a formula (=, +, -, @, a tab or carriage return first) gets
// an apostrophe first: anchors and titles are whatever the crawled pages say, and a formula in
// an exported anchor would run when the file is opened. Numbers are written as they are.
export function csvCell(value) {
  let text = String(value ?? "");
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(spec, results) {
  const lines = [spec.csv.map(([field]) => field).join(",")];
  for (const r of results) lines.push(spec.csv.map(([, value]) => csvCell(value(r))).join(","));
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

function choice(id, label, options) {
  const select = element("select", { id, name: id });
  for (const [value, text] of options) select.append(element("option", { value }, text));
  return [element("div", { class: "field" }, element("label", { for: id }, label), select), select];
}

// `spec`: {id, endpoint, title, noun, billing, sorts, filters, columns: [[header, row => text]],
// csv: [[field, row => value]]}; a list without sorts or filters (anchor text) has `order`, the
// words for its one order, instead. `onError(error)` hears of a 401; `say(text)` of progress.
export function listTable(spec, target, scope, onError, say) {
  const id = spec.id;
  const [sortField, sort] = spec.sorts
    ? choice(`${id}-sort`, "Sort by", Object.entries(spec.sorts))
    : ["", null];
  const [filterField, filter] = spec.filters
    ? choice(`${id}-filter`, "Filter", Object.entries(spec.filters))
    : ["", null];
  const [sizeField, size] = choice(`${id}-limit`, "Per page", SIZES.map((n) => [String(n), String(n)]));
  const show = element("button", { type: "submit" }, `Show ${spec.noun}`);
  const exporter = element("button", { type: "button", id: `${id}-export`,
    "aria-label": `Export CSV (every page) of ${spec.noun}` }, "Export CSV (every page)");
  const form = element("form", { id: `${id}-form`, class: "controls" },
    sortField, filterField, sizeField, show, exporter);
  const body = element("tbody");
  const caption = element("caption");
  const head = element("tr", {}, ...spec.columns.map(([name]) => element("th", { scope: "col" }, name)));
  const table = element("table", { id: `${id}-table` }, caption, element("thead", {}, head), body);
  const wrap = element("div", { class: "table-wrap", hidden: "" }, table);
  const previous = element("button", { type: "button", id: `${id}-previous`,
    "aria-label": `Previous page of ${spec.noun}` }, "Previous page");
  const next = element("button", { type: "button", id: `${id}-next`,
    "aria-label": `Next page of ${spec.noun}` }, "Next page");
  const where = element("span", { id: `${id}-page`, "aria-live": "polite" });
  const pager = element("nav", { class: "pager", "aria-label": `Pages of ${spec.noun}`, hidden: "" },
    previous, where, next);

  // pages[i]: {results, next_token} of page i of the current query, as the API answered.
  let pages = [];
  let shown = 0;

  function row(result) {
    const tr = element("tr");
    spec.columns.forEach(([, cell], i) =>
      tr.append(element(i ? "td" : "th", i ? {} : { scope: "row" }, cell(result))));
    return tr;
  }

  function draw() {
    const page = pages[shown];
    body.replaceChildren(...page.results.map(row));
    const order = sort ? spec.sorts[sort.value] : spec.order;
    caption.textContent = `${spec.title} of ${target} (${scope.replace("_", " ")}), by ${order}`;
    where.textContent = `Page ${shown + 1}${page.next_token ? "" : " (last)"}`;
    previous.disabled = shown === 0;
    next.disabled = !page.next_token;
    wrap.hidden = false;
    pager.hidden = false;
  }

  // `notify`: refresh the header's rows used after the call (an export does it once, at its end).
  async function load(token, limit = Number(size.value), notify = true) {
    const request = { target, target_scope: scope, limit };
    if (sort) request.sort = sort.value;
    if (filter) request.filter = filter.value;
    if (token) request.next_token = token;
    wrap.setAttribute("aria-busy", "true");
    try {
      return await api.v2(spec.endpoint, request);
    } finally {
      wrap.removeAttribute("aria-busy");
      if (notify) document.dispatchEvent(new Event("linkindex:billed"));
    }
  }

  function failed(error) {
    if (error.status === 401) onError(error);
    else say(`${spec.title}: ${api.describe(error)}`);
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
      failed(error);
    }
  });
  next.addEventListener("click", async () => {
    try {
      if (shown + 1 === pages.length) pages.push(await load(pages[shown].next_token));
      shown += 1;
      draw();
    } catch (error) {
      failed(error);
    }
  });
  previous.addEventListener("click", () => {
    shown -= 1;
    draw();
  });

  // The whole list, 50 rows a call, following next_token to its end; each call is billed, and
  // a refusal (quota, rate) stops the export without a file.
  exporter.addEventListener("click", async () => {
    const results = [];
    exporter.disabled = true;
    try {
      let token = null;
      do {
        const page = await load(token, 50, false);
        results.push(...page.results);
        token = page.next_token;
        say(`Exporting ${spec.noun}: ${results.length} rows…`);
      } while (token);
    } catch (error) {
      if (error.status === 401) onError(error);
      else say(`Export stopped after ${results.length} rows (no file): ${api.describe(error)}`);
      return;
    } finally {
      exporter.disabled = false;
      document.dispatchEvent(new Event("linkindex:billed"));
    }
    const name = `${spec.endpoint.replaceAll("_", "-")}-${target.replace(/[^A-Za-z0-9.-]+/g, "_")}-${scope}.csv`;
    download(name, csv(spec, results));
    say(`Exported ${results.length} ${spec.noun} to ${name}.`);
  });

  return element("section", { class: "list", "aria-labelledby": `${id}-title` },
    element("h2", { id: `${id}-title` }, spec.title),
    element("p", { class: "cost" }, spec.billing),
    form, wrap, pager);
}
