/* Presenter page: show the lab phone (SMS) and mailbox (e-mail) beside the app, polling the lab inbox.
   No inline scripts (CSP): the inbox URL comes from the data-inbox-url attribute. */
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) { return; }
  var url = root.getAttribute("data-inbox-url");
  var seen = null;  // message ids already shown; null until the first answer
  var CODE = /\b\d{4,8}\b/;

  function item(message, fresh) {
    var li = document.createElement("li");
    li.className = "presenter-message" + (fresh ? " presenter-new" : "");
    var meta = document.createElement("div");
    meta.className = "presenter-meta";
    var when = new Date(message.created_at);
    meta.textContent = message.recipient + " · " + when.toLocaleTimeString();
    li.appendChild(meta);
    if (message.subject) {
      var subject = document.createElement("div");
      subject.className = "presenter-subject";
      subject.textContent = message.subject;
      li.appendChild(subject);
    }
    var body = document.createElement("div");
    body.className = "presenter-body";
    body.textContent = message.body;
    li.appendChild(body);
    var code = CODE.exec(message.body || "");
    if (code) {
      var big = document.createElement("div");
      big.className = "code presenter-code";
      big.textContent = code[0];
      li.appendChild(big);
    }
    return li;
  }

  function render(kind, messages, known) {
    var list = document.getElementById("presenter-" + kind);
    var empty = document.getElementById("presenter-" + kind + "-empty");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    messages.slice(0, 20).forEach(function (m) {
      list.appendChild(item(m, known !== null && !known[m.id]));
    });
    empty.hidden = messages.length > 0;
  }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        var messages = data.messages || [];
        render("sms", messages.filter(function (m) { return m.channel === "sms"; }), seen);
        render("email", messages.filter(function (m) { return m.channel !== "sms"; }), seen);
        seen = {};
        messages.forEach(function (m) { seen[m.id] = true; });
      })
      .catch(function () { /* keep the last view; the next poll retries */ });
  }

  poll();
  window.setInterval(poll, 2000);
}());
