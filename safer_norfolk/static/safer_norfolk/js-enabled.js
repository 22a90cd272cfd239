// GOV.UK Frontend styles interactive components only when the body carries these classes.
// Kept as a file rather than inline so a strict Content Security Policy can forbid inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
