// The page's one way to the server: the public API (POST /v2/..., POST /jsonrpc), sent with the
// signed-in key's credential, billed and limited as any client's call (docs/explorer.md).

// sessionStorage: one tab's, gone when the tab closes, never sent by the browser on its own
// (no cookie, so another site cannot make this browser call the API with it: no CSRF).
const CREDENTIAL = "linkindex.credential";
const WHO = "linkindex.who";

export class ApiError extends Error {
  constructor(status, message, retryAfter = null, code = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    this.code = code; // the JSON-RPC error code, for /jsonrpc
  }
}

// An error as a person reads it: a 429 says when to try again (its Retry-After).
export function describe(error) {
  if (error.status === 429 && error.retryAfter) {
    return `${error.message.replace(/\.$/, "")}. Try again in ${error.retryAfter} s.`;
  }
  return error.message;
}

export function signedIn() {
  return sessionStorage.getItem(CREDENTIAL) !== null;
}

export function who() {
  return sessionStorage.getItem(WHO) || "";
}

export function signOut() {
  sessionStorage.removeItem(CREDENTIAL);
  sessionStorage.removeItem(WHO);
}

function base64Utf8(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// One Authorization header for both APIs: V2 and JSON-RPC take "Bearer <token>" and
// "Bearer base64(access_id:secret_key)" alike (docs/api.md, "Authentication").
export function credentialOf({ accessId, secretKey, token }) {
  if (token) return { header: "Bearer " + token, who: "token …" + token.slice(-4) };
  return { header: "Bearer " + base64Utf8(accessId + ":" + secretKey), who: accessId };
}

async function post(path, body, header) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { Authorization: header, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, "The server could not be reached (" + error.message + ").");
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  return { response, payload };
}

function failure(response, message) {
  return new ApiError(
    response.status,
    message || response.statusText,
    response.headers.get("Retry-After"),
  );
}

// Checks the credential with the free index_metadata call, and keeps it only if it is good.
export async function signIn(credential) {
  const { response, payload } = await post("/v2/index_metadata", {}, credential.header);
  // 503 is "no index built yet": the credential was checked first and is good.
  if (!response.ok && response.status !== 503) throw failure(response, payload?.message);
  sessionStorage.setItem(CREDENTIAL, credential.header);
  sessionStorage.setItem(WHO, credential.who);
  return payload;
}

function header() {
  const value = sessionStorage.getItem(CREDENTIAL);
  if (value === null) throw new ApiError(401, "Sign in first.");
  return value;
}

export async function v2(endpoint, body) {
  const { response, payload } = await post("/v2/" + endpoint, body, header());
  if (!response.ok) throw failure(response, payload?.message);
  return payload;
}

// A ticket for a CSV export of a V2 list (POST /explorer/exports): {url, expires_in, row_cap}.
// Free; the download that follows `url` bills each row (docs/explorer.md, "CSV exports").
export async function exportTicket(endpoint, request) {
  const { response, payload } = await post("/explorer/exports", { endpoint, request }, header());
  if (!response.ok) throw failure(response, payload?.message);
  return payload;
}

// The explain report of a target (GET /explain.json): free, but behind the same credential.
export async function explainReport(target) {
  let response;
  try {
    response = await fetch("/explain.json?target=" + encodeURIComponent(target), {
      headers: { Authorization: header() },
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, "The server could not be reached (" + error.message + ").");
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw failure(response, payload?.message);
  return payload;
}

let calls = 0;

export async function rpc(method, data) {
  // Moz asks for ids of 24 characters or more; crypto.randomUUID needs https or loopback.
  const id = "linkindex-explorer-" + Date.now() + "-" + ++calls;
  const body = { jsonrpc: "2.0", id, method, params: { data } };
  const { response, payload } = await post("/jsonrpc", body, header());
  if (payload?.error) {
    const error = failure(response, payload.error.message);
    error.code = payload.error.code;
    throw error;
  }
  if (!response.ok) throw failure(response, payload?.message);
  return payload.result;
}

// Server-sent events of GET `path`, read with fetch (EventSource cannot send a credential
// header); `onEvent(id, data)` for each event. Reconnects after a drop, sending the last id
// seen (Last-Event-ID) so nothing is told twice; stops when `signal` aborts or on a 401.
export async function listen(path, signal, onEvent) {
  let last = null;
  while (!signal.aborted) {
    const headers = { Authorization: sessionStorage.getItem(CREDENTIAL) || "" };
    if (last) headers["Last-Event-ID"] = last;
    try {
      const response = await fetch(path, { headers, signal, credentials: "omit", cache: "no-store" });
      if (response.status === 401) return;
      if (response.ok) last = await readEvents(response.body, (id, data) => {
        last = id;
        onEvent(id, data);
      }, last);
    } catch {
      // a dropped connection or a server restart: try again below
    }
    if (!signal.aborted) await new Promise((done) => setTimeout(done, 5000));
  }
}

async function readEvents(body, onEvent, last) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let fields = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return last;
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines) {
      if (line === "") {
        if (fields.data !== undefined) {
          last = fields.id ?? last;
          onEvent(fields.id, JSON.parse(fields.data));
        }
        fields = {};
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
      }
    }
  }
}
