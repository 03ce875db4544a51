// The charts of one target at one scope, drawn by uPlot (shipped in vendor/uplot, MIT): linking
// root domains and links gained and lost over time (url_metrics' history deltas), and the DA and
// Spam Score distributions of the linking root domains (its `distributions`). One url_metrics
// call for all four, on request only, since it bills rows; each chart has its numbers as a table.
import uPlot from "./vendor/uplot/uPlot.esm.js";
import * as api from "./api.js";
import { element, number } from "./dom.js";

const PERIODS = {
  daily: "By day (the index date and the 60 days before)",
  monthly: "By month (the index month and the 32 before)",
};
const DA_BUCKETS = ["1-10", "11-20", "21-30", "31-40", "41-50", "51-60", "61-70", "71-80", "81-90", "91-100"];
const SPAM_BUCKETS = DA_BUCKETS.map((range) => `${range}%`);
const GAINED = "#1a7f37";
const LOST = "#b3261e";
const BARS = "#0b5cad";
// Room on the right for the last date's label; a legend of names only (the values under the
// pointer would be the table's numbers again, and a pointer is not how everyone reads).
const PADDING = [12, 44, 0, 0];
const LEGEND = { live: false };
const HEIGHT = 220;

// The width a chart gets: its box's, so it fits a phone as a laptop (uPlot draws in pixels).
function widthOf(holder) {
  return Math.max(240, Math.min(holder.clientWidth || 600, 880));
}

function numbersTable(id, caption, headers, rows) {
  const head = element("tr", {}, ...headers.map((h) => element("th", { scope: "col" }, h)));
  const body = element("tbody");
  for (const [first, ...rest] of rows) {
    body.append(element("tr", {}, element("th", { scope: "row" }, first),
      ...rest.map((cell) => element("td", {}, cell))));
  }
  const table = element("table", { id: `${id}-table` }, element("caption", {}, caption),
    element("thead", {}, head), body);
  return element("details", {}, element("summary", {}, "The numbers"),
    element("div", { class: "table-wrap" }, table));
}

// A figure: its caption names the chart (and labels it), the canvas is described as an image
// whose numbers are in the table that follows.
function figure(id, title, draw, numbers) {
  const captionId = `${id}-title`;
  const plot = element("div", { id, class: "chart", role: "img",
    "aria-label": `${title}: a chart; its numbers are in the table below it.` });
  const node = element("figure", { class: "chart-figure", "aria-labelledby": captionId },
    element("figcaption", { id: captionId }, title), plot, numbers);
  // Drawn again to the box's new width when it changes (a phone turned, a window resized):
  // uPlot draws in pixels and does not follow its box by itself.
  const drawAndFollow = () => {
    const chart = draw(plot);
    let width = plot.clientWidth;
    new ResizeObserver(() => {
      if (plot.clientWidth === width) return;
      width = plot.clientWidth;
      chart.setSize({ width: widthOf(plot), height: HEIGHT });
    }).observe(plot);
  };
  return { node, draw: drawAndFollow };
}

// One delta history ({gained, lost}, newest first) as a chart of two lines, oldest first.
function deltasFigure(id, title, deltas, noun) {
  const lost = new Map(deltas.lost.map((d) => [d.date, d.count]));
  const rows = deltas.gained.map((d) => [d.date, d.count, lost.get(d.date) ?? 0]);
  const oldestFirst = [...rows].reverse();
  const dates = oldestFirst.map(([date]) => date);
  const data = [
    dates.map((_, i) => i),
    oldestFirst.map(([, gained]) => gained),
    oldestFirst.map(([, , lostCount]) => lostCount),
  ];
  const numbers = numbersTable(id, `${title}, newest first`, ["Date", `${noun} gained`, `${noun} lost`],
    rows.map(([date, gained, lostCount]) => [date, number(gained), number(lostCount)]));
  if (!rows.length) {
    // The index knew nothing of the target in the period (its captures start later): say so
    // rather than draw empty axes.
    const empty = element("p", { id, class: "cost" }, "No dates in this period: the index holds no capture of them.");
    return { node: element("figure", { class: "chart-figure", "aria-labelledby": `${id}-title` },
      element("figcaption", { id: `${id}-title` }, title), empty, numbers), draw: () => {} };
  }
  const draw = (plot) => new uPlot({
    width: widthOf(plot), height: HEIGHT,
    padding: PADDING, legend: LEGEND,
    scales: { x: { time: false } },
    axes: [
      { values: (u, splits) => splits.map((i) => dates[i] ?? ""), space: 90 },
      { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? number(v) : "")) },
    ],
    series: [
      { label: "Date", value: (u, i) => dates[i] ?? "" },
      { label: "Gained", stroke: GAINED, width: 2, points: { show: dates.length < 40 } },
      { label: "Lost", stroke: LOST, width: 2, points: { show: dates.length < 40 } },
    ],
  }, data, plot);
  return figure(id, title, draw, numbers);
}

// A 10-bucket distribution as bars.
function distributionFigure(id, title, buckets, counts, noun) {
  // At a phone's width "11-20" labels overlap: each bar is then named by its lower bound.
  const label = (u, i) => {
    const roomy = u.bbox.width / devicePixelRatio / buckets.length >= 52;
    return roomy ? buckets[i] ?? "" : (buckets[i] ?? "").replace(/-\d+%?/, "");
  };
  const numbers = numbersTable(id, title, ["Bucket", noun],
    buckets.map((bucket, i) => [bucket, number(counts[i])]));
  const draw = (plot) => new uPlot({
    width: widthOf(plot), height: HEIGHT,
    padding: PADDING, legend: LEGEND,
    scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] } },
    axes: [
      { splits: () => buckets.map((_, i) => i), values: (u, splits) => splits.map((i) => label(u, i)) },
      { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? number(v) : "")) },
    ],
    series: [
      { label: "Bucket", value: (u, i) => buckets[i] ?? "" },
      { label: noun, fill: BARS, stroke: BARS, paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } },
    ],
  }, [buckets.map((_, i) => i), counts], plot);
  return figure(id, title, draw, numbers);
}

const SCOPE_WORDS = { page: "the page", subdomain: "the subdomain", root_domain: "the root domain" };

// The request the charts make: the target with its history deltas and distributions.
export function chartsRequest(target, scope, period) {
  return {
    targets: [target],
    distributions: true,
    [`${period}_history_deltas`]: [`root_domains_to_${scope}`, `external_pages_to_${scope}`],
  };
}

// The section for `target` at `scope`; `onError(error)` is told of a refused call.
export function charts(target, scope, onError) {
  const periodSelect = element("select", { id: "charts-period", name: "period" });
  for (const [value, text] of Object.entries(PERIODS)) periodSelect.append(element("option", { value }, text));
  const show = element("button", { type: "submit" }, "Show charts");
  const form = element("form", { id: "charts-form", class: "controls" },
    element("div", { class: "field" }, element("label", { for: "charts-period" }, "Gained and lost"), periodSelect),
    show);
  const message = element("p", { class: "error", role: "alert" });
  const holder = element("div", { id: "charts", class: "charts", "aria-live": "polite" });
  const section = element("section", { "aria-labelledby": "charts-heading" },
    element("h2", { id: "charts-heading" }, "Charts"),
    element("p", { class: "cost" }, `Of links to ${SCOPE_WORDS[scope]}. One url_metrics call with its history and distributions: 3 rows billed to your key.`),
    form, message, holder);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const period = periodSelect.value;
    show.disabled = true;
    message.textContent = "";
    holder.setAttribute("aria-busy", "true");
    try {
      const answer = await api.v2("url_metrics", chartsRequest(target, scope, period));
      const result = answer.results[0];
      const [roots, pages] = result[`${period}_history_deltas`].map((h) => h.metric_deltas);
      const by = period === "daily" ? "by day" : "by month";
      const dist = result.distributions;
      const figures = [
        deltasFigure("chart-root-domains", `Linking root domains gained and lost, ${by}`, roots, "Root domains"),
        deltasFigure("chart-links", `Inbound links (linking pages) gained and lost, ${by}`, pages, "Links"),
        distributionFigure("chart-da", "Linking root domains by their Domain Authority", DA_BUCKETS,
          dist[`root_domains_to_${scope}_by_domain_authority`], "Root domains"),
        distributionFigure("chart-spam", "Linking root domains by their Spam Score (those with a score)",
          SPAM_BUCKETS, dist[`root_domains_to_${scope}_by_spam_score`], "Root domains"),
      ];
      holder.replaceChildren(...figures.map((f) => f.node));
      for (const f of figures) f.draw(); // after they are in the page, so each knows its width
      document.dispatchEvent(new Event("linkindex:billed"));
    } catch (error) {
      message.textContent = `Could not draw the charts: ${api.describe(error)}`;
      if (error.status === 401) onError(error);
    } finally {
      show.disabled = false;
      holder.removeAttribute("aria-busy");
    }
  });
  return section;
}
