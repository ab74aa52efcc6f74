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
