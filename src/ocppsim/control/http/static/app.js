// ocppsim dashboard: plain JavaScript, no build step, no CDN. Everything it shows comes from /api and
// the live event stream (/api/events, Server-Sent Events); the overview never polls per charger.
"use strict";

const PAGE_SIZE = 100;
const CHART_POINTS = 360;
const STATUSES = ["Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing",
  "Reserved", "Unavailable", "Faulted", "None"];
// OCPP 1.6 ChargePointErrorCode (section 7.6)
const ERROR_CODES = ["ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature",
  "InternalError", "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure", "OverVoltage",
  "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure", "UnderVoltage",
  "WeakSignal"];

const $ = (sel, root = document) => root.querySelector(sel);
const state = {
  view: null, chargerId: null, offset: 0, source: null, charger: null,
  series: {}, logRows: 0, refreshTimer: null, pollTimer: null, summaryTimer: null, pageTimer: null,
};

// ------------------------------------------------------------------ HTTP

function token() { return localStorage.getItem("ocppsim-token") || ""; }

async function api(method, path, body) {
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

function toast(text, error = false) {
  const el = $("#toast");
  el.textContent = text;
  el.className = "show" + (error ? " error" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.className = ""; }, error ? 6000 : 2500);
}

async function act(promise, done) {
  // undefined on failure (shown as a toast); a 204 gives null
  try { const r = await promise; if (done) toast(done(r)); return r; } catch (e) { toast(e.message, true); return undefined; }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function statusPill(status, label) {
  const s = status || "None";
  return el("span", { class: `pill cstat status-${s}`, "data-status": s, text: label || s });
}

// ------------------------------------------------------------------ live events

function openStream(params) {
  if (state.source) state.source.close();
  const q = new URLSearchParams(params);
  if (token()) q.set("access_token", token());
  const source = new EventSource("/api/events?" + q.toString());
  const pill = $("#stream-state");
  source.onopen = () => { pill.textContent = "live"; pill.classList.add("on"); };
  source.onerror = () => { pill.textContent = "reconnecting"; pill.classList.remove("on"); };
  for (const kind of ["status", "meter", "frame", "connection", "charger", "dropped"]) {
    source.addEventListener(kind, (ev) => onEvent(kind, JSON.parse(ev.data)));
  }
  state.source = source;
}

function onEvent(kind, data) {
  if (state.view === "overview") {
    if (kind === "status" || kind === "connection") updateRow(data);
    if (kind === "charger") schedule("pageTimer", loadPage, 500);
    schedule("summaryTimer", loadSummary, 1000);
  } else if (state.view === "charger" && data.charger === state.chargerId) {
    if (kind === "frame") appendFrame(data);
    if (kind === "meter") addPoint(data.connector, data.power_w, data.soc, data.session_wh, data.time);
    if (kind === "status" || kind === "meter" || kind === "connection") schedule("refreshTimer", refreshCharger, 250);
    if (kind === "status" || kind === "connection") schedule("summaryTimer", loadSummary, 1000);
    if (kind === "charger" && data.change === "removed") { toast(`${data.charger} was deleted`); location.hash = "#/"; }
  }
}

function schedule(name, fn, ms) {
  if (state[name]) return;
  state[name] = setTimeout(() => { state[name] = null; fn(); }, ms);
}

// ------------------------------------------------------------------ overview

async function loadSummary() {
  const s = await act(api("GET", "/api/summary"));
  if (!s) return;
  const parts = [`${s.chargers} charger${s.chargers === 1 ? "" : "s"}`, `${s.connected} connected`, `${s.booted} booted`, `${s.charging} charging`];
  const byStatus = Object.entries(s.connectors_by_status).map(([k, v]) => `${k} ${v}`).join(" · ");
  $("#summary").textContent = parts.join(" · ") + (byStatus ? "  |  connectors: " + byStatus : "");
}

async function loadPage() {
  const q = new URLSearchParams({ offset: state.offset, limit: PAGE_SIZE });
  const text = $("#filter-q").value.trim();
  const status = $("#filter-status").value;
  if (text) q.set("q", text);
  if (status) q.set("status", status);
  const page = await act(api("GET", "/api/chargers?" + q.toString()));
  if (!page) return;
  const body = $("#chargers tbody");
  const rows = page.items.map((c) => {
    const link = el("a", { href: "#/charger/" + encodeURIComponent(c.id), text: c.id });
    const conns = el("td", { class: "conns" });
    for (const k of c.connectors) conns.append(statusPill(k.status, `${k.connector}: ${k.status || "None"}`));
    const row = el("tr", { "data-id": c.id },
      el("td", {}, link),
      el("td", { class: "conn", text: c.connected ? "connected" : "offline" }),
      el("td", { class: "reg", text: c.registration || "-" }), conns);
    return row;
  });
  body.replaceChildren(...rows);
  const last = Math.min(page.offset + page.items.length, page.total);
  $("#page-info").textContent = page.total ? `${page.offset + 1}-${last} of ${page.total}` : "no chargers";
  $("#prev-page").disabled = page.offset === 0;
  $("#next-page").disabled = last >= page.total;
}

function updateRow(data) {
  const row = $(`#chargers tr[data-id="${CSS.escape(data.charger)}"]`);
  if (!row) return; // not on this page
  if (data.connected !== undefined) row.querySelector(".conn").textContent = data.connected ? "connected" : "offline";
  if (data.status && data.connector > 0) {
    const pills = row.querySelectorAll(".conns .pill");
    const pill = pills[data.connector - 1];
    if (pill) pill.replaceWith(statusPill(data.status, `${data.connector}: ${data.status}`));
  }
  if (data.status) row.querySelector(".reg").textContent = "Accepted";
}

async function showOverview() {
  state.view = "overview";
  $("#overview-view").hidden = false;
  $("#charger-view").hidden = true;
  openStream({ kinds: "status,connection,charger" });
  const templates = await act(api("GET", "/api/templates"));
  if (templates) {
    $("#create-template").replaceChildren(...templates.map((t) => el("option", { value: t.name, text: t.name })));
  }
  await Promise.all([loadSummary(), loadPage()]);
}

// ------------------------------------------------------------------ one charger

function fmt(n, unit, digits = 1) { return n === null || n === undefined ? "-" : `${Number(n).toFixed(digits)} ${unit}`; }

async function refreshCharger() {
  if (state.view !== "charger") return;
  const c = await act(api("GET", "/api/chargers/" + encodeURIComponent(state.chargerId)));
  if (!c) return;
  state.charger = c;
  $("#charger-title").textContent = c.id;
  const conn = $("#charger-conn");
  conn.textContent = c.connected ? "connected" : (c.held_offline ? "offline (held)" : "offline");
  conn.classList.toggle("on", c.connected);
  $("#charger-info").textContent = `${c.boot.chargePointVendor} ${c.boot.chargePointModel} · ${c.url} · ` +
    `registration ${c.registration || "-"} · security profile ${c.security_profile} · ` +
    `queued ${c.queued} · attempts ${c.connection_attempts}` + (c.last_error ? ` · last error: ${c.last_error}` : "");
  const holder = $("#connectors");
  const select = $("#chart-connector");
  if (holder.children.length !== c.connectors.length) {
    holder.replaceChildren(...c.connectors.map((k) => connectorCard(k.connector)));
    select.replaceChildren(...c.connectors.map((k) => el("option", { value: k.connector, text: k.connector })));
  }
  for (const k of c.connectors) {
    const card = holder.querySelector(`[data-connector="${k.connector}"]`);
    const status = card.querySelector(".status");
    status.textContent = k.status || "None";
    status.className = `status pill status-${k.status || "None"}`;
    status.dataset.status = k.status || "None";
    card.querySelector(".c-power").textContent = fmt(k.power_w / 1000, "kW", 2) + ` (${fmt(k.current_a, "A")} × ${k.phases_in_use})`;
    card.querySelector(".c-energy").textContent = fmt(k.session_wh / 1000, "kWh", 3) + ` · register ${fmt(k.register_wh / 1000, "kWh", 3)}`;
    card.querySelector(".c-soc").textContent = fmt(k.soc, "%") + ` of ${fmt(k.ev.capacity_wh / 1000, "kWh", 0)}`;
    card.querySelector(".c-offer").textContent = fmt(k.offer_a, "A") + (k.max_current_a !== null ? ` (max ${k.max_current_a} A)` : "");
    card.querySelector(".c-tx").textContent = k.transaction_id !== null ? `${k.transaction_id} (${k.id_tag})` : "-";
    card.querySelector(".c-error").textContent = k.error_code + (k.info ? ` · ${k.info}` : "") + (k.vendor_error_code ? ` · ${k.vendor_error_code}` : "");
    addPoint(k.connector, k.power_w, k.soc, k.session_wh, null);
  }
}

function connectorCard(id) {
  const card = $("#connector-card").content.firstElementChild.cloneNode(true);
  card.dataset.connector = id;
  card.querySelector(".c-id").textContent = id;
  card.querySelector(".c-fault").replaceChildren(...ERROR_CODES.filter((c) => c !== "NoError")
    .map((c) => el("option", { value: c, text: c })));
  card.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-act]");
    if (button) connectorAction(id, button.dataset.act, card);
  });
  return card;
}

async function connectorAction(id, what, card) {
  const base = `/api/chargers/${encodeURIComponent(state.chargerId)}/connectors/${id}`;
  const said = (r) => `connector ${id}: ${r.result}${r.authorization ? " (" + r.authorization + ")" : ""}`;
  const tag = card.querySelector(".c-tag").value.trim();
  if (what === "tag") {
    if (!tag) { toast("enter an id tag first", true); return; }
    await act(api("POST", base + "/tag", { id_tag: tag }), said);
  } else if (what === "start") {
    await act(api("POST", base + "/start", tag ? { id_tag: tag } : {}), said);
  } else if (what === "max") {
    const text = card.querySelector(".c-max").value.trim();
    await act(api("PUT", base + "/max-current", { amps: text === "" ? null : Number(text) }), said);
  } else if (what === "fault") {
    const body = { error_code: card.querySelector(".c-fault").value };
    const info = card.querySelector(".c-info").value.trim();
    const vendor = card.querySelector(".c-vendor").value.trim();
    if (info) body.info = info;
    if (vendor) body.vendor_error_code = vendor;
    await act(api("PUT", base + "/fault", body), said);
  } else if (what === "nofault") {
    await act(api("DELETE", base + "/fault"), said);
  } else if (what === "operative" || what === "inoperative") {
    await act(api("PUT", base + "/availability", { type: what === "operative" ? "Operative" : "Inoperative" }), said);
  } else {
    await act(api("POST", `${base}/${what}`), said);
  }
  refreshCharger();
}

// ------------------------------------------------------------------ chart

function addPoint(connector, powerW, soc, sessionWh, time) {
  const series = state.series[connector] || (state.series[connector] = []);
  const t = time ? Date.parse(time) : Date.now();
  const last = series[series.length - 1];
  if (last && !time && t - last.t < 1000) return; // refreshes come in bursts; one point a second is plenty
  series.push({ t, p: powerW / 1000, soc, e: sessionWh / 1000 });
  if (series.length > CHART_POINTS) series.shift();
  if (String(connector) === $("#chart-connector").value) drawChart();
}

function drawChart() {
  const canvas = $("#chart");
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 30;
  ctx.clearRect(0, 0, w, h);
  const series = state.series[$("#chart-connector").value] || [];
  ctx.strokeStyle = "#d8dde6";
  ctx.strokeRect(pad, 5, w - 2 * pad, h - pad - 5);
  if (series.length < 2) return;
  const t0 = series[0].t, t1 = series[series.length - 1].t || t0 + 1;
  const maxP = Math.max(1, ...series.map((s) => s.p));
  const maxE = Math.max(0.001, ...series.map((s) => s.e));
  const x = (t) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (w - 2 * pad);
  const line = (color, value, max) => {
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    series.forEach((s, i) => {
      const y = h - pad - (value(s) / max) * (h - pad - 10);
      if (i === 0) ctx.moveTo(x(s.t), y); else ctx.lineTo(x(s.t), y);
    });
    ctx.stroke();
  };
  line("#00897b", (s) => s.p, maxP);
  line("#1565c0", (s) => s.soc, 100);
  line("#6a1b9a", (s) => s.e, maxE);
  ctx.fillStyle = "#667085"; ctx.font = "11px system-ui";
  ctx.fillText(`${maxP.toFixed(1)} kW · 100 % · ${maxE.toFixed(2)} kWh`, pad + 4, 16);
  ctx.fillText(new Date(t0).toLocaleTimeString(), pad, h - 10);
  ctx.fillText(new Date(t1).toLocaleTimeString(), w - pad - 60, h - 10);
}

// ------------------------------------------------------------------ message log

function logFilter() {
  return { action: $("#log-action").value.trim(), direction: $("#log-direction").value };
}

function frameRow(f) {
  const payload = typeof f.payload === "string" ? f.payload : JSON.stringify(f.payload);
  return el("tr", { "data-action": f.action || "", "data-direction": f.direction },
    el("td", { text: f.time.slice(11, 23) }),
    el("td", { text: f.direction === "out" ? "→ CSMS" : "← CSMS" }),
    // Expert mode: a frame an override changed or withheld is marked, the override named on hover.
    el("td", f.note ? { text: f.type + " ✎", title: f.note, class: "intercepted" } : { text: f.type }),
    el("td", { text: f.action || "" }),
    el("td", { text: f.message_id || f.messageId || "" }),
    el("td", { text: f.latency_ms === null || f.latency_ms === undefined ? "" : String(f.latency_ms) }),
    el("td", { text: payload.length > 600 ? payload.slice(0, 600) + "…" : payload }));
}

function appendFrame(data) {
  if ($("#log-pause").checked) return;
  const { action, direction } = logFilter();
  if (action && data.action !== action) return;
  if (direction && data.direction !== direction) return;
  let payload = data.raw;
  try { const frame = JSON.parse(data.raw); payload = frame[frame.length - 1]; } catch (e) { /* keep raw text */ }
  const body = $("#log tbody");
  body.prepend(frameRow({ ...data, payload }));
  while (body.children.length > 500) body.lastElementChild.remove();
}

async function loadLog() {
  const { action, direction } = logFilter();
  const q = new URLSearchParams({ limit: 200 });
  if (action) q.set("action", action);
  if (direction) q.set("direction", direction);
  const base = `/api/chargers/${encodeURIComponent(state.chargerId)}/messages`;
  $("#log-export").href = `${base}.jsonl?${q.toString()}`.replace("limit=200&", "").replace("limit=200", "");
  const page = await act(api("GET", `${base}?${q.toString()}`));
  if (page) $("#log tbody").replaceChildren(...page.items.reverse().map(frameRow));
}

// ------------------------------------------------------------------ configuration and profiles

async function loadConfig() {
  const keys = await act(api("GET", `/api/chargers/${encodeURIComponent(state.chargerId)}/configuration`));
  if (!keys) return;
  $("#config tbody").replaceChildren(...keys.map((k) => {
    const input = el("input", { value: k.value ?? "", "aria-label": k.key, size: 40 });
    if (k.readonly) input.disabled = true;
    const save = el("button", { type: "button", text: "save" });
    save.disabled = k.readonly;
    save.addEventListener("click", () => act(
      api("PUT", `/api/chargers/${encodeURIComponent(state.chargerId)}/configuration/${encodeURIComponent(k.key)}`,
        { value: input.value }),
      (r) => `${r.key}: ${r.status}`));
    return el("tr", { "data-key": k.key }, el("td", { text: k.key + (k.readonly ? " (R)" : "") }), el("td", {}, input), el("td", {}, save));
  }));
}

async function loadProfiles() {
  const p = await act(api("GET", `/api/chargers/${encodeURIComponent(state.chargerId)}/profiles`));
  if (p) $("#profiles").textContent = JSON.stringify(p, null, 2);
}

async function showCharger(id) {
  state.view = "charger";
  state.chargerId = id;
  state.series = {};
  $("#overview-view").hidden = true;
  $("#charger-view").hidden = false;
  $("#connectors").replaceChildren();
  openStream({ charger: id });
  await refreshCharger();
  await Promise.all([loadLog(), loadConfig(), loadProfiles(), loadSummary()]);
}

// ------------------------------------------------------------------ wiring

function route() {
  clearInterval(state.pollTimer);
  const m = location.hash.match(/^#\/charger\/(.+)$/);
  if (m) {
    showCharger(decodeURIComponent(m[1]));
    // One charger's counters (energy, SoC) move between events: refresh this one charger every 5 s.
    state.pollTimer = setInterval(() => { refreshCharger(); loadProfiles(); }, 5000);
  } else {
    showOverview();
  }
}

function init() {
  $("#filter-status").append(...STATUSES.map((s) => el("option", { value: s, text: s })));
  let typing = null;
  $("#filter-q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => { state.offset = 0; loadPage(); }, 250); });
  $("#filter-status").addEventListener("change", () => { state.offset = 0; loadPage(); });
  $("#prev-page").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadPage(); });
  $("#next-page").addEventListener("click", () => { state.offset += PAGE_SIZE; loadPage(); });
  $("#create-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = $("#create-id").value.trim();
    const created = await act(api("POST", "/api/chargers", { id, template: $("#create-template").value }), (c) => `created ${c.id}`);
    if (created) location.hash = "#/charger/" + encodeURIComponent(created.id);
  });
  $("#btn-connect").addEventListener("click", () => act(api("POST", `/api/chargers/${encodeURIComponent(state.chargerId)}/connect`), () => "connecting").then(refreshCharger));
  $("#btn-disconnect").addEventListener("click", () => act(api("POST", `/api/chargers/${encodeURIComponent(state.chargerId)}/disconnect`), () => "disconnected").then(refreshCharger));
  $("#btn-delete").addEventListener("click", async () => {
    if (!confirm(`Delete ${state.chargerId} and everything stored for it?`)) return;
    const ok = await act(api("DELETE", `/api/chargers/${encodeURIComponent(state.chargerId)}`), () => "deleted");
    if (ok !== undefined) location.hash = "#/";
  });
  $("#log-action").addEventListener("change", loadLog);
  $("#log-direction").addEventListener("change", loadLog);
  $("#chart-connector").addEventListener("change", drawChart);
  window.addEventListener("hashchange", route);
  route();
}

init();
