/* The resend countdown of the code pages: the server gives the seconds left (data-wait-seconds on the
   disabled button); each second the hint shows the time left, and at zero the button is enabled.
   No inline scripts (CSP); the texts come from data-template / data-ready on the hint. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-countdown]");
  Array.prototype.forEach.call(forms, function (form) {
    var button = form.querySelector("button[data-wait-seconds]");
    var hint = form.querySelector("#resend-hint");
    if (!button || !hint) { return; }
    var left = parseInt(button.getAttribute("data-wait-seconds"), 10);
    if (!(left > 0)) { return; }
    var template = hint.getAttribute("data-template");
    var deadline = Date.now() + left * 1000;
    var timer = window.setInterval(function () {
      left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      if (left > 0) {
        hint.textContent = template.replace("%(seconds)s", String(left));
        return;
      }
      window.clearInterval(timer);
      button.disabled = false;
      button.removeAttribute("aria-describedby");
      hint.textContent = hint.getAttribute("data-ready");
    }, 1000);
  });
}());
