/* Long actions show that they are working: a form with data-busy marks its button aria-busy, shows the
   busy label (data-busy) on it and a "working…" note, and ignores a second press until the next page.
   No framework, no inline script (CSP). The form still submits normally without JavaScript. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
      var button = event.submitter || form.querySelector("[type=submit]");
      form.setAttribute("aria-busy", "true");
      if (button) {
        button.setAttribute("aria-busy", "true");
        button.setAttribute("aria-disabled", "true");
        if (button.tagName === "BUTTON") { button.textContent = form.getAttribute("data-busy"); }
        else { button.value = form.getAttribute("data-busy"); }
      }
      var note = form.querySelector(".busy-note");
      if (note) { note.hidden = false; note.textContent = form.getAttribute("data-busy-note") || note.textContent; }
    });
  });
  /* Coming back with the browser's Back button shows the page as it was before the press. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
}());
