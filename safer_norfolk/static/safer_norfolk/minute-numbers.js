// The minute-taking screen (templates/admin/meetings/meeting/take_minutes.html): shows each
// minute's paragraphs numbered while it is typed, as the public page will number them, and
// adds rows to the decisions, action points and questions tables. Without it the page still
// saves, and the numbers are shown after a save.
"use strict";

// A list or an indented block that follows a paragraph belongs to it: the same rule as
// safer_norfolk.text.paragraphs, which numbers the published minutes.
const CONTINUATION = /^(\s+|[-*+] |\d+[.)] )/;

function minuteParagraphs(text) {
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => block.replace(/^\n+|\n+$/g, ""))
    .filter((block) => block.trim());
  const grouped = [];
  for (const block of blocks) {
    if (grouped.length && CONTINUATION.test(block)) {
      grouped[grouped.length - 1] += `\n\n${block}`;
    } else {
      grouped.push(block);
    }
  }
  return grouped;
}

function opening(paragraph) {
  const words = paragraph.split(/\s+/).filter(Boolean).join(" ");
  return words.length > 110 ? `${words.slice(0, 109)}…` : words;
}

function showParagraphNumbers(panel) {
  const body = document.getElementById(panel.dataset.paragraphsFor);
  const numberInput = document.getElementById(panel.dataset.numberFrom);
  const list = panel.querySelector(".paragraph-numbers__list");
  const count = panel.querySelector(".paragraph-numbers__count");
  if (!body || !list || !count) return;
  const update = () => {
    const prefix = (numberInput && numberInput.value.trim()) || "?";
    const parts = minuteParagraphs(body.value);
    list.replaceChildren(
      ...parts.map((part, index) => {
        const item = document.createElement("li");
        const number = document.createElement("span");
        number.className = "paragraph-number";
        number.textContent = `${prefix}.${index + 1}`;
        item.append(number, ` ${opening(part)}`);
        return item;
      }),
    );
    const summary = parts.length
      ? `${parts.length} paragraph${parts.length === 1 ? "" : "s"}: ${prefix}.1` +
        (parts.length > 1 ? ` to ${prefix}.${parts.length}` : "")
      : "No paragraphs yet.";
    if (count.textContent !== summary) count.textContent = summary;
  };
  body.addEventListener("input", update);
  if (numberInput) numberInput.addEventListener("input", update);
}

function firstField(row) {
  return row.querySelector("input:not([type=hidden]), select, textarea");
}

// A table shows its rows and `data-keep-blank` empty rows for new entries; the button shows
// the next empty row, or adds one. A table with no row to show is hidden.
function enableAddingRows(button) {
  const prefix = button.dataset.addRow;
  const template = document.getElementById(`${prefix}-empty`);
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const rows = document.querySelector(`tbody[data-rows="${CSS.escape(prefix)}"]`);
  if (!template || !total || !rows) return;
  const table = rows.closest("table");
  const showTable = () => {
    table.hidden = ![...rows.querySelectorAll("tr.minute-row")].some((row) => !row.hidden);
  };
  const keep = Number(rows.dataset.keepBlank || 0);
  for (const row of [...rows.querySelectorAll("tr.minute-row--blank")].slice(keep)) {
    row.hidden = true;
  }
  showTable();
  button.hidden = false;
  button.addEventListener("click", () => {
    let row = rows.querySelector("tr.minute-row[hidden]");
    if (row) {
      row.hidden = false;
    } else {
      const index = Number(total.value);
      const holder = document.createElement("tbody");
      holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(index));
      row = holder.querySelector("tr.minute-row");
      rows.append(...holder.children);
      total.value = String(index + 1);
      // The admin's autocomplete boxes are set up on rows it is told were added.
      row.dispatchEvent(
        new CustomEvent("formset:added", { bubbles: true, detail: { formsetName: prefix } }),
      );
    }
    showTable();
    const field = firstField(row);
    if (field) field.focus();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const panel of document.querySelectorAll(".paragraph-numbers[data-paragraphs-for]")) {
    showParagraphNumbers(panel);
  }
  for (const button of document.querySelectorAll("button[data-add-row]")) {
    enableAddingRows(button);
  }
});
