// The evaluator's page: who is connected, progress, time left; extra time, close, reissue a code.
"use strict";
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(path, { credentials: "same-origin", ...options });
  let data = {};
  try { data = await r.json(); } catch (e) { data = {}; }
  return { status: r.status, data };
}

function minutes(ms) {
  const m = Math.floor(ms / 60000), s = Math.floor((ms % 60000) / 1000);
  return `${m} min ${String(s).padStart(2, "0")} s`;
}

function button(label, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", action);
  return b;
}

async function refresh() {
  const { status, data } = await api("/api/eval/state");
  if (status === 401) { $("login").hidden = false; $("board").hidden = true; return; }
  $("login").hidden = true; $("board").hidden = false;
  const rows = $("rows");
  rows.replaceChildren();
  for (const s of data) {
    const tr = document.createElement("tr");
    const cells = [s.name, s.sitting, s.connected ? "oui" : "non", `${s.answered} / ${s.total}`, s.closed ? "—" : minutes(s.time_left_ms),
      s.closed ? "terminée" : s.started ? "en cours" : "pas commencée"];
    for (const text of cells) { const td = document.createElement("td"); td.textContent = text; tr.append(td); }
    const actions = document.createElement("td");
    if (!s.closed) {
      actions.append(button("+10 min", async () => { await api("/api/eval/extra", { id: s.id, minutes: 10 }); refresh(); }));
      actions.append(button("Clore", async () => { if (confirm(`Clore l'épreuve de ${s.name} ?`)) { await api("/api/eval/close", { id: s.id }); refresh(); } }));
      if (s.code_used) actions.append(button("Réactiver le code", async () => { await api("/api/eval/reset", { id: s.id }); $("message").textContent = `Code de ${s.name} réactivé.`; refresh(); }));
    }
    tr.append(actions);
    rows.append(tr);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const { status, data } = await api("/api/eval/login", { code: $("code").value });
    if (status === 200) refresh(); else $("login-error").textContent = data.error || "code refusé";
  });
  setInterval(refresh, 3000);
  refresh();
});
