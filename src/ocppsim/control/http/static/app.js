// ocppsim dashboard: plain JavaScript, no build step, no CDN. Everything it shows comes from /api and
// the live event stream (/api/events, Server-Sent Events); the overview never polls per charger.
import { $, ERROR_CODES, STATUSES, act, api, debounce, el, fmt, statusPill, toast, token } from "./util.js";
import { ConnectorCharts } from "./charts.js";
import { FleetOverview } from "./fleet.js";
import { renderProfiles } from "./profiles.js";
import { MessageSequence } from "./sequence.js";
import { applyFilter, renderVariables } from "./variables.js";

const PAGE_SIZE = 100;
const state = {
  view: null, chargerId: null, offset: 0, source: null, charger: null,
  refreshTimer: null, pollTimer: null, summaryTimer: null, pageTimer: null, wallTimer: null,
  charts: null, fleet: null, log: null, events: 0,
};
// For benchmarks/dashboard_fleet.py and the browser tests: the page's state (events received, the wall).
window.ocppsimDashboard = state;

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
    source.addEventListener(kind, (ev) => { state.events++; onEvent(kind, JSON.parse(ev.data)); });
  }
  state.source = source;
}

function onEvent(kind, data) {
  if (state.view === "overview") {
    if (kind === "status" || kind === "connection") {
      updateRow(data);
      if (state.fleet && !state.fleet.onEvent(kind, data)) schedule("wallTimer", () => state.fleet.load(), 1000);
    }
    if (kind === "charger") { schedule("pageTimer", loadPage, 500); schedule("wallTimer", () => state.fleet.load(), 1000); }
    schedule("summaryTimer", loadSummary, 2000); // counts over the whole fleet: not more often
  } else if (state.view === "charger" && data.charger === state.chargerId) {
    if (kind === "frame") state.log.append(data);
    if (kind === "status" || kind === "meter") schedule("historyTimer", loadHistory, 500);
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
  if (state.charts) { state.charts.destroy(); state.charts = null; }
  openStream({ kinds: "status,connection,charger" });
  state.fleet = state.fleet || new FleetOverview($("#overview-view"));
  const templates = await act(api("GET", "/api/templates"));
  if (templates) {
    $("#create-template").replaceChildren(...templates.map((t) => el("option", { value: t.name, text: t.name })));
  }
  await Promise.all([loadSummary(), loadPage(), act(state.fleet.load())]);
  state.fleet.start();
}

// ------------------------------------------------------------------ one charger


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
  // OCPP 2.0.1: what the display shows (SetDisplayMessage) and the running cost (CostUpdated).
  const shown = (c.display_messages || []).filter((m) => m.shown).map((m) => `“${m.content}” (${m.priority})`);
  const costs = Object.entries(c.running_costs || {}).map(([tx, cost]) => `transaction ${tx}: ${cost}`);
  const display = $("#charger-display");
  display.hidden = shown.length + costs.length === 0;
  display.textContent = [...(shown.length ? [`display: ${shown.join(" · ")}`] : []), ...costs].join(" · ");
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

// ------------------------------------------------------------------ charts

async function loadHistory() {
  if (state.view !== "charger" || !state.charts) return;
  const connector = $("#chart-connector").value || "1";
  const h = await act(api("GET", `/api/chargers/${encodeURIComponent(state.chargerId)}/connectors/${connector}/history`));
  if (h && state.charts) state.charts.update(h);
}

// ------------------------------------------------------------------ configuration and profiles

async function loadConfig() {
  // A 2.0.1 charger's configuration is its device model (variables), not 1.6 keys.
  const v201 = (state.charger?.ocpp_versions || []).includes("2.0.1");
  $("#config-box").hidden = v201;
  $("#variables-box").hidden = !v201;
  if (v201) { await renderVariables($("#variables"), $("#variables-filter"), state.chargerId); return; }
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
  if (!p) return;
  const text = JSON.stringify(p.profiles);
  if (text === state.profilesText) return; // unchanged: keep what the reader opened
  state.profilesText = text;
  renderProfiles($("#profiles"), p);
}

async function showCharger(id) {
  state.view = "charger";
  state.chargerId = id;
  state.profilesText = null;
  if (state.fleet) state.fleet.stop();
  $("#overview-view").hidden = true;
  $("#charger-view").hidden = false;
  $("#connectors").replaceChildren();
  $("#log-older").disabled = false;
  if (!state.charts) state.charts = new ConnectorCharts($("#chart-power"), $("#chart-energy"));
  openStream({ charger: id });
  await refreshCharger();
  await Promise.all([loadHistory(), state.log.load(id), loadConfig(), loadProfiles(), loadSummary()]);
}

// ------------------------------------------------------------------ wiring

function route() {
  clearInterval(state.pollTimer);
  const m = location.hash.match(/^#\/charger\/(.+)$/);
  if (m) {
    showCharger(decodeURIComponent(m[1]));
    // One charger's counters (energy, SoC) move between events: refresh this one charger every 5 s.
    state.pollTimer = setInterval(() => { refreshCharger(); loadProfiles(); loadHistory(); }, 5000);
  } else {
    showOverview();
  }
}

function init() {
  state.log = new MessageSequence($("#log"));
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
  $("#log-action").addEventListener("change", () => state.log.load(state.chargerId));
  $("#log-direction").addEventListener("change", () => state.log.load(state.chargerId));
  $("#log-older").addEventListener("click", () => state.log.older());
  $("#chart-connector").addEventListener("change", loadHistory);
  $("#variables-filter").addEventListener("input", () => applyFilter($("#variables"), $("#variables-filter").value));
  window.addEventListener("resize", debounce(() => {
    if (state.charts) state.charts.resize(Math.max(400, Math.min(1100, $("#chart-power").clientWidth)));
  }, 200));
  window.addEventListener("hashchange", route);
  route();
}

init();
