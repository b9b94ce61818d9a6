// The message log as a sequence diagram: the charge point's and the CSMS's lifelines, one arrow per frame
// (CALL solid, answer dashed, CALLERROR red), labelled with the action and its key values (statuses,
// connector, id tag), and the answer's latency. A click opens the frame pretty-printed. Oldest at the
// top; "older" pages back (the API keeps a request and its answer on one page).

import { $, api, act, clock, el } from "./util.js";

const MAX_ROWS = 600;

// A frame from the API ({time, direction, type, action, message_id, latency_ms, payload}) or from the
// event stream ({raw, ...}) in the API's shape.
export function fromEvent(data) {
  let payload = data.raw;
  try {
    const frame = JSON.parse(data.raw);
    payload = frame[frame.length - 1];
    if (data.type === "CALLERROR" && frame.length >= 5) {
      payload = { errorCode: frame[2], errorDescription: frame[3], errorDetails: frame[4] };
    }
  } catch (e) { /* not JSON: keep the text */ }
  return { seq: data.seq, time: data.time, direction: data.direction, type: data.type, action: data.action,
    message_id: data.messageId, latency_ms: data.latency_ms, note: data.note, payload };
}

// The values a CSMS developer looks for first, per action.
export function keyValues(f) {
  const p = f.payload;
  if (!p || typeof p !== "object") return "";
  if (f.type === "CALLERROR") return [p.errorCode, p.errorDescription].filter(Boolean).join(": ");
  const parts = [];
  if (f.type === "CALL") {
    if (p.connectorId !== undefined) parts.push(`#${p.connectorId}`);
    if (p.status) parts.push(p.status);
    if (p.errorCode && p.errorCode !== "NoError") parts.push(p.errorCode);
    if (p.idTag) parts.push(`tag ${p.idTag}`);
    if (p.transactionId !== undefined) parts.push(`tx ${p.transactionId}`);
    if (p.reason) parts.push(p.reason);
    if (p.type) parts.push(p.type);
    if (p.key && p.value !== undefined) parts.push(`${p.key}=${p.value}`);
    if (p.requestedMessage) parts.push(p.requestedMessage);
    const cp = p.csChargingProfiles;
    if (cp) {
      const first = cp.chargingSchedule?.chargingSchedulePeriod?.[0];
      parts.push(`${cp.chargingProfilePurpose} L${cp.stackLevel}` + (first ? ` ${first.limit} ${cp.chargingSchedule.chargingRateUnit}` : ""));
    }
    const mv = p.meterValue?.[0]?.sampledValue;
    if (mv) {
      const power = mv.find((s) => (s.measurand || "") === "Power.Active.Import" && !s.phase);
      if (power) parts.push(`${power.value} ${power.unit || "W"}`);
    }
  } else {
    if (p.status) parts.push(p.status);
    if (p.idTagInfo?.status) parts.push(p.idTagInfo.status);
    if (p.transactionId !== undefined) parts.push(`tx ${p.transactionId}`);
    if (p.interval !== undefined && f.action === "BootNotification") parts.push(`interval ${p.interval} s`);
  }
  return parts.join(" · ");
}

function row(f) {
  const answer = f.type !== "CALL";
  const kind = f.type === "CALLERROR" || f.type === "INVALID" ? "error" : answer ? "answer" : "call";
  const values = keyValues(f);
  const label = el("span", { class: "label" },
    el("b", { text: (answer ? "↩ " : "") + (f.action || f.type) }),
    values ? el("span", { class: "kv", text: " " + values }) : "",
    // Expert mode: a frame an override changed or withheld is marked, the override named on hover.
    f.note ? el("span", { class: "intercepted", text: " ✎", title: f.note }) : "");
  const timeText = typeof f.time === "number" ? clock(f.time, true) : String(f.time).slice(11, 23);
  const node = el("div", {
    class: `msg ${f.direction} ${kind}`, "data-seq": f.seq, "data-action": f.action || "",
    "data-direction": f.direction, "data-type": f.type, title: `message id ${f.message_id}`,
  },
  el("span", { class: "t", text: timeText }),
  el("span", { class: "arrow" }, label),
  el("span", { class: "ms", text: f.latency_ms === null || f.latency_ms === undefined ? "" : `${f.latency_ms} ms` }));
  node.addEventListener("click", () => {
    const open = node.nextElementSibling;
    if (open && open.classList.contains("payload")) { open.remove(); return; }
    const text = JSON.stringify({ type: f.type, messageId: f.message_id, action: f.action, payload: f.payload }, null, 2);
    node.after(el("pre", { class: "payload", text }));
  });
  return node;
}

export class MessageSequence {
  constructor(root) {
    this.root = root;
    this.body = root.querySelector(".seq-body");
    this.seqs = new Set();
  }

  filter() { return { action: $("#log-action").value.trim(), direction: $("#log-direction").value }; }

  base(chargerId) { return `/api/chargers/${encodeURIComponent(chargerId)}/messages`; }

  query(extra = {}) {
    const { action, direction } = this.filter();
    const q = new URLSearchParams(extra);
    if (action) q.set("action", action);
    if (direction) q.set("direction", direction);
    return q;
  }

  async load(chargerId) {
    this.chargerId = chargerId;
    $("#log-export").href = `${this.base(chargerId)}.jsonl?${this.query().toString()}`;
    const page = await act(api("GET", `${this.base(chargerId)}?${this.query({ limit: 100 }).toString()}`));
    if (!page) return;
    this.seqs = new Set(page.items.map((f) => f.seq));
    this.body.replaceChildren(...page.items.map(row));
    this.body.scrollTop = this.body.scrollHeight;
  }

  async older() {
    const first = this.body.querySelector(".msg");
    if (!first) return;
    const q = this.query({ limit: 100, before: first.dataset.seq });
    const page = await act(api("GET", `${this.base(this.chargerId)}?${q.toString()}`));
    if (!page) return;
    const fresh = page.items.filter((f) => !this.seqs.has(f.seq));
    fresh.forEach((f) => this.seqs.add(f.seq));
    const height = this.body.scrollHeight;
    this.body.prepend(...fresh.map(row));
    this.body.scrollTop += this.body.scrollHeight - height; // stay where the reader was
    if (!fresh.length) $("#log-older").disabled = true;
  }

  append(data) {
    if ($("#log-pause").checked || this.seqs.has(data.seq)) return;
    const { action, direction } = this.filter();
    if ((action && data.action !== action) || (direction && data.direction !== direction)) return;
    const atBottom = this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 40;
    this.seqs.add(data.seq);
    this.body.append(row(fromEvent(data)));
    while (this.body.children.length > MAX_ROWS) this.body.firstElementChild.remove();
    if (atBottom) this.body.scrollTop = this.body.scrollHeight;
  }
}
