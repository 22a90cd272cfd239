// The officers' back office: accessible names for the parts of Django's admin widgets that
// are built, or only labelled, in the browser (WCAG 1.3.1 and 4.1.2). Loaded in the head of
// every admin page, before the admin's own scripts (templates/admin/base_site.html).
"use strict";

// The text of the <label> for a form control, without its trailing colon.
function labelText(control) {
  const label = control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  return label ? label.textContent.trim().replace(/:$/, "") : "";
}

// The <label> for a form control, given an id so that other elements can point to it.
function labelFor(control) {
  const label = control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  if (label && !label.id) label.id = `${control.id}-label`;
  return label;
}

// An autocomplete box (select2) is named only by the value chosen in it, so an empty box has
// no name at all: name it by its field's label, then the value.
function nameAutocompleteBoxes() {
  for (const container of document.querySelectorAll(".select2-container")) {
    const select = container.previousElementSibling;
    const box = container.querySelector(".select2-selection[role=combobox]");
    if (!select || select.tagName !== "SELECT" || !box || box.dataset.named) continue;
    const label = labelFor(select);
    if (!label) continue;
    const shown = container.querySelector(".select2-selection__rendered[role=textbox]");
    if (shown) shown.setAttribute("aria-labelledby", label.id);
    box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown.id}` : label.id);
    const search = container.querySelector(".select2-search__field");
    if (search) search.setAttribute("aria-labelledby", label.id);
    box.dataset.named = "true";
  }
}

// The split date and time widget writes "Date:" and "Time:" as bare text before its two
// boxes, with the field's label pointing at neither: name each box by both.
function nameDateAndTimeBoxes() {
  for (const row of document.querySelectorAll("p.datetime")) {
    const field = row.closest(".form-row, td");
    const fieldLabel = field && field.querySelector("label");
    const fieldName = fieldLabel ? fieldLabel.textContent.trim().replace(/:$/, "") : "";
    for (const input of row.querySelectorAll("input")) {
      if (input.hasAttribute("aria-label") || labelText(input)) continue;
      const before = input.previousSibling;
      const part = before && before.nodeType === Node.TEXT_NODE ? before.textContent.trim() : "";
      input.setAttribute("aria-label", [fieldName, part.replace(/:$/, "")].filter(Boolean).join(": "));
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  // A box for several values puts its "remove all" button inside the list of values, where a
  // list may hold only items; each value keeps a remove button of its own. This runs before
  // the admin's scripts turn the selects into select2 boxes.
  for (const select of document.querySelectorAll("select.admin-autocomplete[multiple]")) {
    select.dataset.allowClear = "false";
  }
  nameDateAndTimeBoxes();
  // Boxes are built after this, and again for every inline row added.
  new MutationObserver(nameAutocompleteBoxes).observe(document.body, {
    childList: true,
    subtree: true,
  });
  nameAutocompleteBoxes();
});

document.addEventListener("formset:added", nameDateAndTimeBoxes);
