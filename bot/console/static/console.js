// Small helpers for the ticket page; everything works without them except inserting text.
"use strict";

function insertAtCursor(field, text) {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  const before = field.value.slice(0, start);
  const gap = before && !/\s$/.test(before) ? " " : "";
  field.value = before + gap + text + field.value.slice(end);
  const caret = start + gap.length + text.length;
  field.focus();
  field.setSelectionRange(caret, caret);
}

document.addEventListener("click", (event) => {
  const insert = event.target.closest("[data-insert]");
  if (insert) {
    const field = document.getElementById(insert.dataset.target);
    if (field) insertAtCursor(field, insert.dataset.insert);
    return;
  }
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const source = document.getElementById(copy.dataset.copy);
    const field = document.getElementById(copy.dataset.target);
    if (source && field) {
      field.value = source.textContent.trim();
      field.focus();
    }
    return;
  }
  const confirmable = event.target.closest("[data-confirm]");
  if (confirmable && !window.confirm(confirmable.dataset.confirm)) event.preventDefault();
});

// A saved reply goes into the reply box at the cursor (the whole box when it is empty), then the choice resets.
document.addEventListener("change", (event) => {
  const picker = event.target.closest("select[data-fill]");
  if (!picker) return;
  const option = picker.selectedOptions[0];
  const field = document.getElementById(picker.dataset.fill);
  if (field && option && option.dataset.text) {
    if (field.value.trim()) insertAtCursor(field, option.dataset.text);
    else { field.value = option.dataset.text; field.focus(); }
  }
  picker.value = "";
});

// Live updates (/live, Server-Sent Events): the queue list is fetched again and swapped in place; a ticket page
// only says that something changed, so nothing the advisor is typing is lost.
function announce(region, text) {
  let note = document.getElementById("live-status");
  if (!note) {
    note = document.createElement("p");
    note.id = "live-status";
    note.className = "meta live-status";
    note.setAttribute("role", "status");
    region.before(note);
  }
  note.textContent = text;
}

async function refreshRegion() {
  const region = document.getElementById("live-region");
  if (!region) return;
  const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok || response.redirected) return; // logged out: leave the page as it is
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("live-region");
  if (!fresh) return;
  region.replaceWith(document.importNode(fresh, true));
  announce(document.getElementById("live-region"), region.dataset.liveText);
}

function startLive() {
  const source = document.querySelector("[data-live]");
  if (!source || !window.EventSource) return;
  const events = new EventSource(source.dataset.live);
  events.addEventListener("queue", () => { refreshRegion().catch(() => {}); });
  events.addEventListener("ticket", () => {
    const note = document.getElementById("live-note");
    if (!note) return;
    note.querySelector("span").textContent = note.dataset.liveText;
    note.hidden = false;
  });
  window.addEventListener("pagehide", () => events.close());
}

startLive();
