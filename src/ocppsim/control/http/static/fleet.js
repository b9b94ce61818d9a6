// The fleet overview: connectors by status over time, messages/s out and in, the CSMS's answer latency
// (p50/p99), errors by kind, and a wall with one tile per connector coloured by its status.
//
// Made for 10,000 chargers: the wall is one canvas the size of its window (virtual scrolling: only the
// visible rows are drawn, at most once per animation frame), its state is two typed arrays fed by the
// event stream's status events; the figures come from /api/fleet/stats every 2 s, and the status counts
// are taken from the wall's state, so nothing is asked per charger.

import { $, api, clock, el, STATUS_COLOURS } from "./util.js";

/* global uPlot */

const TILE = 12; // px per tile, gap included
const GAP = 2;
const POLL_MS = 2000;
const KEEP = 1800; // one hour of 2 s readings
const EVENT_REDRAW_MS = 250; // tiles changed by events are drawn at most 4 times a second

export class FleetOverview {
  constructor(root) {
    this.root = root;
    this.canvas = root.querySelector("#wall");
    this.scroller = root.querySelector("#wall-scroll");
    this.spacer = root.querySelector("#wall-spacer");
    this.tip = root.querySelector("#wall-tip");
    this.statuses = [];
    this.ids = [];
    this.index = new Map(); // charger id -> its first tile
    this.tileCharger = new Int32Array(0); // tile -> charger index
    this.tileStatus = new Uint8Array(0); // tile -> index into statuses
    this.offline = new Uint8Array(0); // charger index -> 1 when not connected
    this.dirty = false;
    this.last = null;
    this.series = { t: [], status: {}, out: [], in: [], p50: [], p99: [] };
    this.frameTimes = [];
    this.scroller.addEventListener("scroll", () => this.invalidate());
    this.canvas.addEventListener("mousemove", (ev) => this.hover(ev));
    this.canvas.addEventListener("mouseleave", () => { this.tip.hidden = true; });
    this.canvas.addEventListener("click", (ev) => {
      const tile = this.tileAt(ev);
      if (tile >= 0) location.hash = "#/charger/" + encodeURIComponent(this.ids[this.tileCharger[tile]]);
    });
    window.addEventListener("resize", () => { this.layout(); this.resizeCharts(); });
  }

  // ------------------------------------------------------------ the wall

  async load() {
    const wall = await api("GET", "/api/connector-wall");
    this.statuses = wall.statuses;
    this.ids = wall.ids;
    this.index = new Map();
    const total = wall.tiles.reduce((n, t) => n + t.length, 0);
    this.tileCharger = new Int32Array(total);
    this.tileStatus = new Uint8Array(total);
    this.offline = new Uint8Array(wall.ids.length);
    let k = 0;
    wall.tiles.forEach((tiles, c) => {
      this.index.set(wall.ids[c], k);
      this.offline[c] = wall.connected[c] ? 0 : 1;
      for (const s of tiles) { this.tileCharger[k] = c; this.tileStatus[k] = s; k++; }
    });
    this.statusIndex = new Map(this.statuses.map((s, i) => [s, i]));
    this.layout();
    this.legend();
  }

  layout() {
    const width = this.scroller.clientWidth || 1000;
    this.cols = Math.max(1, Math.floor((width - 4) / TILE));
    const rows = Math.ceil(this.tileStatus.length / this.cols);
    this.spacer.style.height = `${rows * TILE + 4}px`;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = this.scroller.clientHeight * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.scroller.clientHeight}px`;
    this.invalidate();
  }

  // Events change tiles often at 10,000 chargers; nobody sees a tile change 250 ms late.
  invalidateSoon() {
    if (this.soon) return;
    this.soon = setTimeout(() => { this.soon = null; this.invalidate(); }, EVENT_REDRAW_MS);
  }

  invalidate() {
    if (this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => { this.dirty = false; this.draw(); });
  }

  draw() {
    const ctx = this.canvas.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight;
    this.canvas.style.transform = `translateY(${top}px)`;
    ctx.clearRect(0, 0, this.canvas.width, height);
    const firstRow = Math.floor(top / TILE);
    const lastRow = Math.ceil((top + height) / TILE);
    const colours = this.statuses.map((s) => STATUS_COLOURS[s] || "#999");
    const size = TILE - GAP;
    for (let row = firstRow; row <= lastRow; row++) {
      const y = row * TILE - top + 2;
      for (let col = 0; col < this.cols; col++) {
        const tile = row * this.cols + col;
        if (tile >= this.tileStatus.length) return;
        ctx.fillStyle = colours[this.tileStatus[tile]];
        ctx.fillRect(col * TILE + 2, y, size, size);
        if (this.offline[this.tileCharger[tile]]) {
          ctx.fillStyle = "rgba(255,255,255,.65)";
          ctx.fillRect(col * TILE + 4, y + 2, size - 4, size - 4);
        }
      }
    }
  }

  tileAt(ev) {
    const rect = this.canvas.getBoundingClientRect();
    const col = Math.floor((ev.clientX - rect.left - 2) / TILE);
    const row = Math.floor((ev.clientY - rect.top - 2 + this.scroller.scrollTop) / TILE);
    const tile = row * this.cols + col;
    return col >= 0 && col < this.cols && tile >= 0 && tile < this.tileStatus.length ? tile : -1;
  }

  hover(ev) {
    const tile = this.tileAt(ev);
    if (tile < 0) { this.tip.hidden = true; return; }
    const c = this.tileCharger[tile];
    const connector = tile - this.index.get(this.ids[c]) + 1;
    this.tip.textContent = `${this.ids[c]} · connector ${connector} · ${this.statuses[this.tileStatus[tile]]}` +
      (this.offline[c] ? " · offline" : "");
    this.tip.style.left = `${ev.offsetX + 14}px`;
    this.tip.style.top = `${ev.offsetY + this.canvas.offsetTop + 14}px`;
    this.tip.hidden = false;
  }

  legend() {
    $("#wall-legend").replaceChildren(...this.statuses.map((s) => el("span", { class: "key" },
      el("i", { style: `background:${STATUS_COLOURS[s] || "#999"}` }), s)),
    el("span", { class: "key" }, el("i", { class: "offline" }), "offline"));
  }

  // A status or connection event from the stream.
  onEvent(kind, data) {
    const first = this.index.get(data.charger);
    if (first === undefined) return false; // a charger created since: the caller reloads the wall
    if (kind === "status" && data.connector > 0) {
      const s = this.statusIndex.get(data.status);
      if (s !== undefined) this.tileStatus[first + data.connector - 1] = s;
    } else if (kind === "connection" && data.connected !== undefined) {
      this.offline[this.tileCharger[first]] = data.connected ? 0 : 1;
    }
    this.invalidateSoon();
    return true;
  }

  // ------------------------------------------------------------ figures over time

  counts() {
    const n = new Array(this.statuses.length).fill(0);
    for (let i = 0; i < this.tileStatus.length; i++) n[this.tileStatus[i]]++;
    return n;
  }

  async poll() {
    const now = Date.now() / 1000;
    const s = await api("GET", "/api/fleet/stats");
    const prev = this.last;
    this.last = { at: now, ...s };
    const dt = prev ? now - prev.at : 0;
    const series = this.series;
    series.t.push(now);
    series.out.push(dt ? Math.max(0, (s.calls_out - prev.calls_out) / dt) : null);
    series.in.push(dt ? Math.max(0, (s.calls_in - prev.calls_in) / dt) : null);
    series.p50.push(s.latency_ms.p50);
    series.p99.push(s.latency_ms.p99);
    const counts = this.counts();
    this.statuses.forEach((name, i) => {
      (series.status[name] ||= new Array(series.t.length - 1).fill(null)).push(counts[i]);
    });
    if (series.t.length > KEEP) {
      for (const arr of [series.t, series.out, series.in, series.p50, series.p99, ...Object.values(series.status)]) arr.shift();
    }
    this.figures(s, prev ? series.out[series.out.length - 1] : null, prev ? series.in[series.in.length - 1] : null);
    this.drawCharts();
  }

  figures(s, out, inbound) {
    const c = s.counts;
    const rate = (v) => (v === null ? "-" : v.toFixed(1));
    $("#fleet-figures").replaceChildren(
      ...[["chargers", c.chargers], ["connected", c.connected], ["booted", c.booted], ["charging", c.charging],
        ["queued", c.queued], ["out /s", rate(out)], ["in /s", rate(inbound)],
        ["p50 ms", s.latency_ms.p50], ["p99 ms", s.latency_ms.p99]]
        .map(([k, v]) => el("div", { class: "figure", "data-figure": k }, el("b", { text: String(v) }), el("span", { text: k }))));
    const errors = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
    $("#fleet-errors").replaceChildren(...(errors.length
      ? errors.map(([kind, n]) => el("tr", { "data-kind": kind }, el("td", { text: kind }), el("td", { text: String(n) })))
      : [el("tr", {}, el("td", { colspan: 2, class: "muted", text: "no errors" }))]));
  }

  chartOpts(title, unit, series, height = 180) {
    return {
      title, width: this.chartWidth(), height, cursor: { sync: { key: "fleet" } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { values: (u, splits) => splits.map((v) => clock(v).slice(0, u.scales.x.max - u.scales.x.min < 600 ? 8 : 5)),
          size: 30, space: 70 },
        { label: unit, labelSize: 16, size: 50 },
      ],
      series: [{ label: "time", value: (u, v) => clock(v) },
        ...series.map(([label, stroke, digits]) => ({ label, stroke, width: 2, points: { show: false },
          paths: uPlot.paths.stepped({ align: 1 }),
          value: (u, v) => (v === null || v === undefined ? "-" : `${v.toFixed(digits)} ${unit}`) }))],
    };
  }

  // Three charts in a row beside the errors table.
  chartWidth() { return Math.max(300, Math.min(620, Math.floor((this.root.clientWidth - 300) / 3) - 10)); }

  drawCharts() {
    const s = this.series;
    const statusNames = this.statuses.filter((n) => s.status[n]?.some((v) => v > 0));
    const statusKey = statusNames.join(",");
    if (!this.charts || this.charts.statusKey !== statusKey) {
      if (this.charts) Object.values(this.charts).forEach((c) => c.destroy && c.destroy());
      const holder = $("#fleet-charts");
      holder.replaceChildren();
      this.charts = {
        statusKey,
        status: new uPlot(this.chartOpts("connectors by status", "", statusNames.map((n) => [n, STATUS_COLOURS[n], 0])), [[]], holder),
        rate: new uPlot(this.chartOpts("messages", "/s", [["out (CP → CSMS)", "#00897b", 1], ["in (CSMS → CP)", "#1565c0", 1]]), [[]], holder),
        latency: new uPlot(this.chartOpts("CSMS answer latency", "ms", [["p50", "#6a1b9a", 1], ["p99", "#c62828", 1]]), [[]], holder),
      };
    }
    this.charts.status.setData([s.t, ...statusNames.map((n) => s.status[n])]);
    this.charts.rate.setData([s.t, s.out, s.in]);
    this.charts.latency.setData([s.t, s.p50, s.p99]);
  }

  resizeCharts() {
    if (!this.charts) return;
    for (const c of [this.charts.status, this.charts.rate, this.charts.latency]) c.setSize({ width: this.chartWidth(), height: c.height });
  }

  start() {
    this.stop();
    this.poll();
    this.timer = setInterval(() => this.poll().catch(() => {}), POLL_MS);
  }

  stop() { clearInterval(this.timer); this.timer = null; }
}
