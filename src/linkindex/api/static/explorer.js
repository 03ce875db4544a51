// The Link Explorer's views: sign in, look up, overview, sign out. Every number comes from the
// public API through api.js, with the signed-in key.
import * as api from "./api.js";
import { defaultScope, renderOverview } from "./overview.js";

const $ = (id) => document.getElementById(id);
const target = (new URLSearchParams(location.search).get("target") || "").trim();

function say(text) {
  $("status").textContent = text;
}

const problem = api.describe;

async function showUsage() {
  try {
    const usage = await api.v2("usage_data", {});
    $("usage").textContent = `${usage.rows_consumed.toLocaleString("en-US")} rows used this period`;
  } catch {
    $("usage").textContent = "";
  }
}

function showSignIn(why) {
  listening?.abort();
  listening = null;
  clearInterval(ageTimer);
  $("fresh").hidden = true;
  $("index").textContent = "";
  $("account").hidden = true;
  $("search").hidden = true;
  $("overview").hidden = true;
  $("signin").hidden = false;
  $("signin-why").textContent = why;
  $("access-id").focus();
}

// The index the server answers from, its date and when it was published, and a notice when a
// new one is published while the tab is open (GET /v2/index_events): the overview on screen is
// then of the index before.
let listening = null;
let currentIndex = null;
let ageTimer = null;

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const STEPS = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7], ["week", 4.35], ["month", 12], ["year", Infinity]];

// "3 minutes ago", in the largest unit that fits.
function ago(when, now = Date.now()) {
  let amount = (when - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return RELATIVE.format(Math.round(amount), unit);
    amount /= size;
  }
  return "";
}

function utc(when) {
  return when.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

// "index <id>, data to <date>, published <time ago>", the absolute time in the <time> element's
// title and datetime; a snapshot published before that was recorded says no time.
function showIndex(event) {
  const parts = [`index ${event.index_id}`];
  if (event.index_date) parts.push(`data to ${event.index_date}`);
  const node = $("index");
  node.replaceChildren(parts.join(", "));
  clearInterval(ageTimer);
  if (!event.published_at) return;
  const when = new Date(event.published_at);
  const time = document.createElement("time");
  time.id = "published";
  time.dateTime = event.published_at;
  time.title = utc(when);
  const age = () => { time.textContent = `${ago(when)} (${utc(when)})`; };
  age();
  ageTimer = setInterval(age, 30_000);
  node.append(", published ", time);
}

function listenForIndexes() {
  listening = new AbortController();
  currentIndex = null;
  api.listen("/v2/index_events", listening.signal, (id, event) => {
    showIndex(event);
    if (currentIndex !== null && event.index_id !== currentIndex) {
      const at = event.published_at ? utc(new Date(event.published_at)) : new Date().toLocaleTimeString();
      const dated = event.index_date ? `, data to ${event.index_date}` : "";
      $("fresh-text").textContent = `A new index (${event.index_id}${dated}) was published at ${at}.`;
      $("fresh").hidden = false;
      $("fresh-reload").hidden = !target;
    }
    currentIndex = event.index_id;
  });
}

function showSignedIn() {
  $("signin").hidden = true;
  $("account").hidden = false;
  $("who").textContent = api.who();
  $("search").hidden = false;
  $("target").value = target;
  showUsage();
  if (!listening) listenForIndexes();
}

// Brand Authority is a JSON-RPC method; a root domain without a score yet is not an error here.
async function brandOf(rootDomain) {
  try {
    const result = await api.rpc("data.site.metrics.brand.authority.fetch", {
      site_query: { query: rootDomain, scope: "domain" },
    });
    return { score: result.site_metrics.brand_authority_score, reason: "" };
  } catch (error) {
    if (error.status === 401) throw error;
    if (error.code === -32655) return { score: null, reason: "not scored: no branded links" };
    if (error.code === -32656) return { score: null, reason: "not in the index" };
    return { score: null, reason: problem(error) };
  }
}

// A call refused after the overview was drawn (a table page): a 401 means the key is gone.
function refused(error) {
  if (error.status === 401) {
    api.signOut();
    $("overview").hidden = true;
    showSignIn("The server no longer accepts this key (was it revoked?). Sign in again.");
    say("");
    return;
  }
  say(problem(error));
}

async function lookUp() {
  const section = $("overview");
  say(`Looking up ${target}…`);
  section.setAttribute("aria-busy", "true");
  try {
    const answer = await api.v2("url_metrics", { targets: [target] });
    const metrics = answer.results[0];
    const brand = await brandOf(metrics.root_domain);
    section.hidden = false;
    const scope = defaultScope(target, metrics);
    const heading = renderOverview(section, target, metrics, brand, scope, refused, say);
    say(`Overview of ${target}.`);
    document.title = `${target} · Link Explorer · linkindex`; // what the tab and history show
    heading.focus();
  } catch (error) {
    if (error.status === 401) {
      api.signOut();
      showSignIn("The server no longer accepts this key (was it revoked?). Sign in again.");
      say("");
      return;
    }
    section.hidden = true;
    say(`Could not look up ${target}: ${problem(error)}`);
  } finally {
    section.removeAttribute("aria-busy");
    showUsage();
  }
}

function signInMessage(error) {
  if (error.status === 401) {
    return "Sign-in failed: this server has no key with that access id and secret key (or token), or the key was revoked. Check them and try again.";
  }
  return `Sign-in failed: ${problem(error)}`;
}

async function signIn(event) {
  event.preventDefault();
  const accessId = $("access-id").value.trim();
  const secretKey = $("secret-key").value.trim();
  const token = $("token").value.trim();
  const error = $("signin-error");
  error.textContent = "";
  if (!token && !(accessId && secretKey)) {
    error.textContent = "Enter an access id and its secret key, or a token.";
    return;
  }
  $("signin-button").disabled = true;
  try {
    await api.signIn(api.credentialOf({ accessId, secretKey, token }));
  } catch (failure) {
    error.textContent = signInMessage(failure);
    $("secret-key").select();
    return;
  } finally {
    $("signin-button").disabled = false;
  }
  $("secret-key").value = "";
  $("token").value = "";
  showSignedIn();
  if (target) {
    await lookUp();
  } else {
    say(`Signed in as ${api.who()}.`);
    $("target").focus();
  }
}

function signOut() {
  api.signOut();
  $("overview").replaceChildren();
  showSignIn("");
  say("Signed out. The key is no longer kept by this page.");
}

function start() {
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("fresh-reload").addEventListener("click", () => {
    $("fresh").hidden = true;
    lookUp();
  });
  document.addEventListener("linkindex:billed", () => {
    if (api.signedIn()) showUsage();
  });
  if (!api.signedIn()) {
    showSignIn(target ? `Sign in to look up ${target}.` : "");
    return;
  }
  showSignedIn();
  if (target) lookUp();
  else $("target").focus();
}

start();
