// The charger page's charts (uPlot, vendored in static/vendor): one connector's last hour from the API's
// history, and the composite schedule ahead, on one time axis.
//   power chart: power kW (left axis), current, offer and the profiles' limit in A (right axis)
//   energy chart: session kWh (left axis), SoC % (right axis)
// Power, current, offer and limit are step functions: a value holds until the next sample (a stop is a
// drop at its instant). Energy and SoC rise continuously and are drawn as lines. Drag to zoom (both charts
// follow), double-click to zoom out; the legend shows the values under the cursor.

import { clock } from "./util.js";

/* global uPlot */

const COLOURS = { power: "#00897b", current: "#1565c0", offer: "#ef6c00", limit: "#c62828",
  energy: "#6a1b9a", soc: "#2e7d32" };

function timeAxis() {
  return {
    label: "time (UTC)", labelSize: 16, size: 36, space: 70,
    values: (u, splits) => splits.map((v) => clock(v).slice(0, 5 + (u.scales.x.max - u.scales.x.min < 600 ? 3 : 0))),
  };
}

function unitAxis(scale, unit, side, grid = true) {
  return {
    scale, side, label: unit, labelSize: 16, size: 50, grid: { show: grid },
    values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? v : v.toFixed(1))),
  };
}

function series(label, scale, colour, unit, { step = false, dash, digits = 2 } = {}) {
  return {
    label: `${label} ${unit}`, scale, stroke: colour, width: 2, dash,
    paths: step ? uPlot.paths.stepped({ align: 1 }) : undefined,
    points: { show: false },
    value: (u, v) => (v === null || v === undefined ? "-" : `${v.toFixed(digits)} ${unit}`),
  };
}

// The history (columns) with the present repeated at `now`, then the schedule ahead until `end`.
export function chartColumns(h) {
  const now = h.now;
  const n = h.time.length;
  const past = n ? now - h.time[0] : 0;
  const end = now + Math.min(3600, Math.max(300, past / 4));
  const x = [], power = [], current = [], offer = [], limit = [], energy = [], soc = [];
  const push = (t, p, c, o, l, e, s) => { x.push(t); power.push(p); current.push(c); offer.push(o); limit.push(l); energy.push(e); soc.push(s); };
  for (let i = 0; i < n; i++) {
    if (h.time[i] > now) break;
    push(h.time[i], h.power_w[i] / 1000, h.current_a[i], h.offer_a[i], h.limit_a[i], h.session_wh[i] / 1000, h.soc[i]);
  }
  const ahead = h.schedule.filter((p) => p.start < end);
  if (n) {
    const i = n - 1;
    const nowLimit = ahead.length ? ahead[0].limit_a : h.limit_a[i];
    if (x[x.length - 1] === now) limit[limit.length - 1] = nowLimit;
    else push(now, h.power_w[i] / 1000, h.current_a[i], h.offer_a[i], nowLimit, h.session_wh[i] / 1000, h.soc[i]);
  }
  for (const p of ahead) {
    if (p.start <= now) continue;
    push(p.start, null, null, null, p.limit_a, null, null);
  }
  if (ahead.length) push(end, null, null, null, ahead[ahead.length - 1].limit_a, null, null);
  return { x, power, current, offer, limit, energy, soc, end };
}

export class ConnectorCharts {
  constructor(powerHolder, energyHolder) {
    this.zoomed = false;
    const width = Math.max(400, Math.min(1100, powerHolder.clientWidth || 900));
    const cursor = { sync: { key: "charger" }, drag: { x: true, y: false } };
    const hooks = (other) => ({
      setSelect: [() => { this.zoomed = true; }],
      setScale: [(u, key) => {
        if (key !== "x" || this.syncing) return;
        const peer = other();
        if (!peer) return;
        this.syncing = true;
        peer.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
        this.syncing = false;
      }],
    });
    this.power = new uPlot({
      width, height: 260, cursor, hooks: hooks(() => this.energy),
      scales: { x: { time: true }, kW: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
        A: { range: (u, min, max) => [0, Math.max(1, max * 1.3)] } },
      axes: [timeAxis(), unitAxis("kW", "kW", 3), unitAxis("A", "A", 1, false)],
      series: [
        { label: "time", value: (u, v) => clock(v) },
        series("power", "kW", COLOURS.power, "kW", { step: true }),
        series("current", "A", COLOURS.current, "A", { step: true, digits: 1 }),
        series("offer", "A", COLOURS.offer, "A", { step: true, digits: 1, dash: [6, 3] }),
        series("limit (profiles)", "A", COLOURS.limit, "A", { step: true, digits: 1, dash: [2, 3] }),
      ],
    }, [[], [], [], [], []], powerHolder);
    this.energy = new uPlot({
      width, height: 200, cursor, hooks: hooks(() => this.power),
      scales: { x: { time: true }, kWh: { range: (u, min, max) => [0, Math.max(0.1, max * 1.1)] },
        "%": { range: [0, 100] } },
      axes: [timeAxis(), unitAxis("kWh", "kWh", 3), unitAxis("%", "%", 1, false)],
      series: [
        { label: "time", value: (u, v) => clock(v) },
        series("session energy", "kWh", COLOURS.energy, "kWh", { digits: 3 }),
        series("SoC", "%", COLOURS.soc, "%", { digits: 1 }),
      ],
    }, [[], [], []], energyHolder);
    for (const chart of [this.power, this.energy]) {
      chart.over.addEventListener("dblclick", () => { this.zoomed = false; this.update(this.last); });
    }
  }

  update(history) {
    if (!history) return;
    this.last = history;
    const c = chartColumns(history);
    const keep = this.zoomed;
    const view = keep ? { min: this.power.scales.x.min, max: this.power.scales.x.max } : null;
    this.power.setData([c.x, c.power, c.current, c.offer, c.limit], !keep);
    this.energy.setData([c.x, c.energy, c.soc], !keep);
    if (keep) { this.power.setScale("x", view); }
  }

  resize(width) {
    for (const chart of [this.power, this.energy]) chart.setSize({ width, height: chart.height });
  }

  destroy() { this.power.destroy(); this.energy.destroy(); }
}
