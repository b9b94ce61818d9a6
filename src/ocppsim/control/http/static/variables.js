// An OCPP 2.0.1 charger's device model as a table (part 2 "Device model": component, EVSE, variable,
// attribute type, value, mutability), with a filter box; ReadWrite Actual values are edited through
// PUT /api/chargers/{id}/variables, which applies SetVariables' validation (B05).

import { act, api, el } from "./util.js";

function label(v) {
  return v.variable + (v.instance ? `[${v.instance}]` : "");
}

function evseText(v) {
  if (v.evse === null || v.evse === undefined) return "";
  return v.connector ? `${v.evse}:${v.connector}` : String(v.evse);
}

function row(chargerId, v, a) {
  const path = `/api/chargers/${encodeURIComponent(chargerId)}/variables`;
  const text = [v.component, evseText(v), label(v), a.type, a.value ?? "", a.mutability].join(" ").toLowerCase();
  const cells = [
    el("td", { text: v.component }), el("td", { text: evseText(v) }),
    el("td", { text: label(v), title: v.unit ? `${v.data_type}, ${v.unit}` : v.data_type }),
    el("td", { text: a.type }),
  ];
  // PUT sets the Actual attribute: only that one, and only where the device model lets it be written.
  const editable = a.type === "Actual" && a.mutability === "ReadWrite";
  let save = "";
  if (editable) {
    const input = el("input", { value: a.value ?? "", "aria-label": `${v.component}.${label(v)}`, size: 30 });
    if (v.values_list) input.title = "one of: " + v.values_list;
    const button = el("button", { type: "button", text: "save" });
    button.addEventListener("click", async () => {
      const body = { component: v.component, variable: v.variable, value: input.value };
      if (v.evse !== null) body.evse = v.evse;
      if (v.connector !== null) body.connector = v.connector;
      if (v.instance !== null) body.instance = v.instance;
      const done = await act(api("PUT", path, body), (r) => `${v.component}.${label(v)}: ${r.status}`);
      if (done) tr.dataset.text = [v.component, evseText(v), label(v), a.type, input.value, a.mutability].join(" ").toLowerCase();
    });
    cells.push(el("td", {}, input));
    save = button;
  } else {
    cells.push(el("td", { class: "value", text: a.value ?? "" }));
  }
  cells.push(el("td", { text: a.mutability }), el("td", {}, save));
  const tr = el("tr", { "data-variable": `${v.component}.${label(v)}`, "data-attribute": a.type }, ...cells);
  tr.dataset.text = text;
  return tr;
}

export function applyFilter(table, text) {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const tr of table.querySelectorAll("tbody tr")) {
    tr.hidden = !words.every((w) => tr.dataset.text.includes(w));
  }
}

export async function renderVariables(table, filter, chargerId) {
  const vars = await act(api("GET", `/api/chargers/${encodeURIComponent(chargerId)}/variables`));
  if (!vars) return;
  const rows = [];
  for (const v of vars) for (const a of v.attributes) rows.push(row(chargerId, v, a));
  table.querySelector("tbody").replaceChildren(...rows);
  applyFilter(table, filter.value);
}
