// The candidate's page: one question at a time; every click saves the answer on the server,
// which keeps the time. Nothing here knows the answer key.
"use strict";
let state = null;
let current = 0;
let deadline = 0;

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, { credentials: "same-origin", ...options });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  return { status: response.status, data };
}

function show(section) {
  for (const id of ["login", "quiz", "done"]) $(id).hidden = id !== section;
}

async function load() {
  const { status, data } = await api("/api/state");
  if (status === 401) { show("login"); $("code").focus(); return; }
  if (status !== 200) { $("save-status").textContent = data.error || "erreur du serveur"; return; }
  state = data;
  if (state.closed) { show("done"); return; }
  deadline = Date.now() + state.time_left_ms;
  show("quiz");
  const firstOpen = state.questions.findIndex((q) => !(q.number in state.answers));
  if (current === 0 && firstOpen > 0) current = firstOpen;
  render();
}

function given(q) {
  return state.answers[q.number] || "";
}

function render() {
  const q = state.questions[current];
  $("who").textContent = state.name;
  $("progress").textContent = `Question ${current + 1} / ${state.total} — ${Object.keys(state.answers).filter((n) => state.answers[n]).length} répondue(s)`;
  $("question").textContent = `${q.number}. ${q.text}`;
  $("hint").textContent = q.multiple ? "Plusieurs réponses possibles." : "Une seule réponse.";
  const box = $("choices");
  box.replaceChildren();
  const chosen = given(q);
  for (const c of q.choices) {
    const id = `c-${q.number}-${c.letter}`;
    const input = document.createElement("input");
    input.type = q.multiple ? "checkbox" : "radio";
    input.name = "choice";
    input.id = id;
    input.value = c.letter;
    input.checked = chosen.includes(c.letter);
    input.addEventListener("change", save);
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = `${c.letter}. ${c.text}`;
    const row = document.createElement("div");
    row.className = "choice";
    row.append(input, label);
    box.append(row);
  }
  $("prev").disabled = current === 0;
  $("next").disabled = current === state.questions.length - 1;
}

async function save() {
  const q = state.questions[current];
  const letters = [...document.querySelectorAll("#choices input:checked")].map((i) => i.value).join(";");
  $("save-status").textContent = "Enregistrement…";
  const { status, data } = await api("/api/answer", { number: q.number, given: letters });
  if (status === 200) {
    state.answers[q.number] = letters;
    deadline = Date.now() + data.time_left_ms;
    $("save-status").textContent = "Réponse enregistrée.";
    render();
  } else if (status === 410) {
    show("done");
  } else if (status === 401) {
    show("login");
  } else {
    $("save-status").textContent = data.error || "Réponse non enregistrée : vérifiez la connexion.";
  }
}

function tick() {
  if (!state || state.closed || $("quiz").hidden) return;
  const left = Math.max(0, deadline - Date.now());
  const m = Math.floor(left / 60000), s = Math.floor((left % 60000) / 1000);
  $("timer").textContent = `Temps restant : ${m} min ${String(s).padStart(2, "0")} s`;
  if (left === 0) load();
}

function move(step) {
  const next = current + step;
  if (state && next >= 0 && next < state.questions.length) { current = next; render(); }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const { status, data } = await api("/api/login", { code: $("code").value });
    if (status === 200) { $("login-error").textContent = ""; current = 0; load(); }
    else $("login-error").textContent = data.error || "code refusé";
  });
  $("prev").addEventListener("click", () => move(-1));
  $("next").addEventListener("click", () => move(1));
  $("finish").addEventListener("click", async () => {
    if (!confirm("Terminer l'épreuve ? Vous ne pourrez plus modifier vos réponses.")) return;
    await api("/api/finish", {});
    show("done");
  });
  document.addEventListener("keydown", (e) => {
    if (!state || $("quiz").hidden || e.target.id === "code") return;
    if (e.key === "ArrowRight") move(1);
    else if (e.key === "ArrowLeft") move(-1);
    else if (/^[a-eA-E]$/.test(e.key)) {
      const input = document.getElementById(`c-${state.questions[current].number}-${e.key.toUpperCase()}`);
      if (input) { input.checked = input.type === "radio" ? true : !input.checked; save(); }
    }
  });
  setInterval(tick, 500);
  setInterval(() => { if (state && !$("quiz").hidden) load(); }, 15000);
  load();
});
