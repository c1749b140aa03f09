// The queue page: one item at a time, answered from the keyboard.
"use strict";
const $ = (id) => document.getElementById(id);
const entry = $("entry");
let current = null;       // the item shown
let record = [];          // the item and its neighbours, in path order, for ↑ ↓
const history = [];       // items shown before, for ←

function render(item) {
  current = item;
  $("empty").hidden = item !== null;
  $("item").hidden = item === null;
  if (!item) return;
  const doc = item.document;
  $("document-link").textContent = doc.file || doc.doc_id;
  $("document-link").href = `/documents/${encodeURIComponent(doc.doc_id)}#field-${item.id}`;
  $("document-meta").textContent = [doc.department, doc.fiscal_year].filter(Boolean).join(" · ");
  $("page").textContent = item.page ? `page ${item.page}` : "";
  $("path").textContent = item.path;
  const crop = $("crop");
  crop.hidden = !(item.page && item.bbox);
  if (!crop.hidden) crop.src = `/api/fields/${item.id}/crop.png?v=${item.version}`;
  $("value").textContent = shown(item.value);
  $("confidence").textContent = `confidence ${item.confidence.toFixed(2)}`;
  $("source").textContent = shown(item.source);
  const reasons = $("reasons");
  reasons.replaceChildren(...item.reasons.map((r) => element("li", r.kind === "check" ? `${r.rule}: ${r.message}` : r.message, `reason-${r.kind}`)));
  record = [item, ...item.neighbours].sort((a, b) => a.id - b.id);
  const rows = record.map((field) => {
    const row = element("tr", undefined, `status-${field.status}` + (field.id === item.id ? " selected" : ""));
    row.append(element("td", field.path), element("td", shown(field.value)), element("td", field.status));
    return row;
  });
  $("neighbours").replaceChildren(...rows);
  entry.value = "";
  $("message").textContent = "";
  entry.focus();
}

async function refreshCounts() {
  const [queue, spot] = await Promise.all([api("GET", "/api/queue?limit=1"), api("GET", "/api/spot-checks")]);
  const c = queue.counts;
  const rate = spot.checked ? ` · auto fields wrong ${(100 * spot.rate).toFixed(1)}% (95% CI ${(100 * spot.low).toFixed(1)}–${(100 * spot.high).toFixed(1)}%, ${spot.checked} spot checks)` : "";
  $("counts").textContent = `${c.queued} waiting · ${c.failed_check} in failed checks · ${c.spot_checks} spot checks · ${c.reviewed} reviewed${rate}`;
}

async function next() {
  // Moving on from an item without an answer lets it go: the queue gives the one after it.
  const passed = current ? [current.id] : [];
  if (current) history.push(current.id);
  const data = await api("POST", "/api/queue/next", { passed });
  render(data.item);
  refreshCounts();
}

async function open(fieldId, remember = true) {
  try {
    const item = await api("POST", `/api/fields/${fieldId}/lease`);
    if (remember && current) history.push(current.id);
    render(item);
  } catch (error) {
    say(error.message);
  }
}

function say(text) { $("message").textContent = text; }

async function submit() {
  if (!current) return;
  const typed = entry.value.trim();
  const body = typed === "" ? { action: "confirm", version: current.version }
                            : { action: "correct", value: typed, version: current.version };
  try {
    const result = await api("POST", `/api/fields/${current.id}`, body);
    const cleared = result.left_queue.length ? ` · ${result.left_queue.length} linked field(s) left the queue` : "";
    current = null;
    await next();
    say(`${result.field.path} ${result.field.status}${cleared}`);
  } catch (error) {
    say(error.message);  // a bad value, a stale version, another reviewer's lease: the item stays
    entry.select();
  }
}

async function skip() {
  if (!current) return;
  await api("POST", `/api/fields/${current.id}/skip`);
  current = null;
  await next();
}

function move(step) {
  if (!current || record.length < 2) return;
  const at = record.findIndex((field) => field.id === current.id);
  const target = record[at + step];
  if (target) open(target.id);
}

function toggleHelp() {
  const help = $("help");
  if (help.open) help.close(); else help.showModal();
}

document.addEventListener("keydown", (event) => {
  if ($("help").open && event.key !== "?") return;
  const empty = entry.value === "";
  if (event.key === "Enter" && document.activeElement === entry) { event.preventDefault(); submit(); return; }
  if (event.key === "Escape") { entry.value = ""; return; }
  if (!empty) return;  // letters are part of the answer being typed
  const keys = {
    "s": skip, "S": skip, "?": toggleHelp,
    "ArrowUp": () => move(-1), "ArrowDown": () => move(1),
    "ArrowRight": next, "ArrowLeft": () => { const back = history.pop(); if (back) open(back, false); },
  };
  if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
});

next().catch((error) => say(error.message));
