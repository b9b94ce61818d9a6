// The installed charging profiles as a table (OCPP 1.6 section 7.8 ChargingProfile: purpose, stack
// level, kind, schedule periods), each with its raw JSON one click away.

import { el } from "./util.js";

function periods(schedule) {
  const unit = schedule.chargingRateUnit;
  return schedule.chargingSchedulePeriod.map((p) => {
    const phases = p.numberPhases ? ` ×${p.numberPhases}` : "";
    return `${p.startPeriod} s: ${p.limit} ${unit}${phases}`;
  }).join(" · ");
}

function kind(p) {
  return p.chargingProfileKind + (p.recurrencyKind ? ` (${p.recurrencyKind})` : "");
}

function validity(p) {
  const s = p.chargingSchedule;
  const parts = [];
  if (s.startSchedule) parts.push(`start ${s.startSchedule}`);
  if (s.duration) parts.push(`${s.duration} s`);
  if (p.validFrom) parts.push(`from ${p.validFrom}`);
  if (p.validTo) parts.push(`to ${p.validTo}`);
  return parts.join(" · ") || "-";
}

export function renderProfiles(table, report) {
  const body = table.querySelector("tbody");
  if (!report.profiles.length) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 8, class: "muted", text: "no charging profile installed: the hardware limit applies" })));
    return;
  }
  const rows = [];
  for (const p of report.profiles) {
    const raw = el("pre", { class: "raw", text: JSON.stringify(p, null, 2) });
    const detail = el("tr", { class: "raw-row", hidden: "" }, el("td", { colspan: 8 }, raw));
    const button = el("button", { type: "button", class: "json", text: "JSON" });
    button.addEventListener("click", () => { detail.hidden = !detail.hidden; });
    rows.push(el("tr", { "data-profile": p.chargingProfileId },
      el("td", { text: p.chargingProfileId }),
      el("td", { text: p.connectorId }),
      el("td", { text: p.chargingProfilePurpose }),
      el("td", { text: p.stackLevel }),
      el("td", { text: kind(p) }),
      el("td", { text: periods(p.chargingSchedule) }),
      el("td", { text: validity(p) + (p.transactionId !== undefined ? ` · tx ${p.transactionId}` : "") }),
      el("td", {}, button)), detail);
  }
  body.replaceChildren(...rows);
}
