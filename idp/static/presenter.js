/* Presenter page: show the lab phone (SMS) and mailbox (e-mail) beside the app, polling the lab inbox.
   The inbox holds the IdP's and the diary's messages. An SMS shows its code in big type; an e-mail
   carries a link, shown clickable (it opens in the framed app when it is one of this site's pages).
   No inline scripts (CSP): the inbox URL and the texts come from data-* attributes. */
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) { return; }
  var url = root.getAttribute("data-inbox-url");
  var seen = null;  // keys (source:id) of messages already shown; null until the first answer
  var LINK = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]»]/g;
  var CODE = /(^|[^\d])(\d{4,8})(?!\d)/;

  function linkTarget(href) {
    try {
      return new URL(href, window.location.href).origin === window.location.origin ? "presenter-app" : "_blank";
    } catch (e) { return "_blank"; }
  }

  function link(href, className) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = href;
    a.className = className;
    a.target = linkTarget(href);
    if (a.target === "_blank") { a.rel = "noopener"; }
    return a;
  }

  /* Append text to node with each web address as a link. */
  function appendText(node, text) {
    var last = 0;
    text.replace(LINK, function (match, offset) {
      node.appendChild(document.createTextNode(text.slice(last, offset)));
      node.appendChild(link(match, "message-link"));
      last = offset + match.length;
      return match;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  /* The code of an SMS: a 4–8 digit number outside any web address (never a port or a path). */
  function codeOf(text) {
    var found = CODE.exec(text.replace(LINK, " "));
    return found ? found[2] : null;
  }

  function item(message, fresh) {
    var text = message.body || "";
    var li = document.createElement("li");
    li.className = "presenter-message" + (fresh ? " presenter-new" : "");
    var meta = document.createElement("div");
    meta.className = "presenter-meta";
    var when = new Date(message.business_time || message.created_at);
    var source = message.source === "diary" ? root.getAttribute("data-diary-label") : root.getAttribute("data-idp-label");
    meta.textContent = source + " · " + message.recipient + " · " +
      (isNaN(when.getTime()) ? "" : when.toLocaleTimeString(document.documentElement.lang || undefined, { timeZone: "UTC" }));
    li.appendChild(meta);
    if (message.subject) {
      var subject = document.createElement("div");
      subject.className = "presenter-subject";
      subject.textContent = message.subject;
      li.appendChild(subject);
    }
    var big = null;
    if (message.channel === "sms") {
      var code = codeOf(text);
      if (code) {
        big = document.createElement("div");
        big.className = "code presenter-code";
        big.textContent = code;
      }
    } else {
      var first = text.match(LINK);
      if (first) {
        big = document.createElement("div");
        big.className = "presenter-link";
        big.appendChild(link(first[0], "button presenter-open"));
        big.firstChild.textContent = root.getAttribute("data-open-label");
      }
    }
    if (big) { li.appendChild(big); }
    var body = document.createElement("div");
    body.className = "presenter-body";
    appendText(body, text);
    li.appendChild(body);
    return li;
  }

  function key(m) { return (m.source || "idp") + ":" + m.id; }

  function render(kind, messages, known) {
    var list = document.getElementById("presenter-" + kind);
    var empty = document.getElementById("presenter-" + kind + "-empty");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    messages.slice(0, 20).forEach(function (m) {
      list.appendChild(item(m, known !== null && !known[key(m)]));
    });
    empty.hidden = messages.length > 0;
  }

  function showDiary(diary) {
    var note = document.getElementById("presenter-diary");
    if (!note) { return; }
    note.hidden = !diary || diary.ok;
    if (diary && !diary.ok) {
      note.textContent = root.getAttribute("data-diary-down").replace("%(url)s", diary.url).replace("%(error)s", diary.error || "");
    }
  }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        var messages = data.messages || [];
        render("sms", messages.filter(function (m) { return m.channel === "sms"; }), seen);
        render("email", messages.filter(function (m) { return m.channel !== "sms"; }), seen);
        showDiary(data.diary);
        seen = {};
        messages.forEach(function (m) { seen[key(m)] = true; });
      })
      .catch(function () { /* keep the last view; the next poll retries */ });
  }

  poll();
  window.setInterval(poll, 2000);
}());
