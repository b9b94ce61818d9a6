// What every page of the dashboard shares: the HTTP client (with the API token), toasts, DOM helpers,
// OCPP names and the time format (24-hour UTC, as OCPP timestamps and the message log are).

export const STATUSES = ["Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing",
  "Reserved", "Unavailable", "Faulted", "None"];
// OCPP 1.6 ChargePointErrorCode (section 7.6)
export const ERROR_CODES = ["ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature",
  "InternalError", "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure", "OverVoltage",
  "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure", "UnderVoltage",
  "WeakSignal"];
// The tiles' and pills' colours (app.css has the same as CSS variables).
export const STATUS_COLOURS = {
  Available: "#43a047", Preparing: "#42a5f5", Charging: "#0d47a1", SuspendedEV: "#f9a825",
  SuspendedEVSE: "#fbc02d", Finishing: "#6a1b9a", Reserved: "#ef6c00", Unavailable: "#616161",
  Faulted: "#c62828", None: "#b0b7c3",
};

export const $ = (sel, root = document) => root.querySelector(sel);

export function token() { return localStorage.getItem("ocppsim-token") || ""; }

export async function api(method, path, body) {
  const headers = {};
  if (token()) headers.Authorization = "Bearer " + token();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    const t = prompt("This simulator needs its API token:");
    if (t) { localStorage.setItem("ocppsim-token", t); return api(method, path, body); }
  }
  if (res.status === 204) return null;
  const data = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error((data && data.error) || res.statusText);
  return data;
}

export function toast(text, error = false) {
  const node = $("#toast");
  node.textContent = text;
  node.className = "show" + (error ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.className = ""; }, error ? 6000 : 2500);
}

export async function act(promise, done) {
  // undefined on failure (shown as a toast); a 204 gives null
  try { const r = await promise; if (done) toast(done(r)); return r; } catch (e) { toast(e.message, true); return undefined; }
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

export function statusPill(status, label) {
  const s = status || "None";
  return el("span", { class: `pill cstat status-${s}`, "data-status": s, text: label || s });
}

export function fmt(n, unit, digits = 1) {
  return n === null || n === undefined ? "-" : `${Number(n).toFixed(digits)} ${unit}`;
}

// Epoch seconds as 24-hour UTC time: "14:05:09" (with `ms`: "14:05:09.123").
export function clock(seconds, ms = false) {
  if (seconds === null || seconds === undefined) return "-";
  return new Date(seconds * 1000).toISOString().slice(11, ms ? 23 : 19);
}

// Runs `fn` once, `ms` after the first call of a burst.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
}
