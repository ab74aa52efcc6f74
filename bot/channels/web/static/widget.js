/* ESS kennisbot chat widget. Embed with ONE tag, no build step:
 *   <script src="https://HOST/widget/widget.js" data-site="KEY" async></script>
 * Optional: data-lang="nl|en" (default: the browser's language).
 * Everything lives in a shadow DOM (styles isolated both ways). Text from the asker, the bot or a
 * source is only ever inserted with textContent; links are created for http(s) urls only.
 * The texts come from prompts/widget.<lang>.yaml, filled in by the server (__TEXTS__). */
(function () {
  "use strict";
  var TEXTS = __TEXTS__;
  var MAX_CHARS = __MAX_CHARS__;
  var POLL_MS = 30000;

  var script = document.currentScript;
  if (!script || window.__essKennisbot) return; // one widget per page, even if the tag is repeated
  window.__essKennisbot = true;
  var site = script.getAttribute("data-site") || "";
  var api = new URL(script.src).origin + "/widget";
  var wanted = (script.getAttribute("data-lang") || navigator.language || "nl").slice(0, 2).toLowerCase();
  var lang = TEXTS[wanted] ? wanted : "nl";
  var t = TEXTS[lang];
  var storeKey = "essbot:" + site;

  function store(name, value) {
    try {
      if (value === undefined) return localStorage.getItem(storeKey + ":" + name);
      if (value === null) localStorage.removeItem(storeKey + ":" + name);
      else localStorage.setItem(storeKey + ":" + name, String(value));
    } catch (e) { return null; } // storage blocked: the widget still works for this page view
  }

  // --- DOM ------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;background:#154273;color:#fff;",
    "border:2px solid #fff;border-radius:28px;padding:14px 20px;font-size:16px;font-weight:600;cursor:pointer;",
    "box-shadow:0 2px 10px rgba(0,0,0,.3)}",
    ".launcher[data-unread]::after{content:'';display:inline-block;width:10px;height:10px;margin-left:8px;",
    "border-radius:50%;background:#ffb612;vertical-align:middle}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #154273;outline-offset:2px}",
    ".launcher:focus-visible,.head button:focus-visible{outline:3px solid #ffb612;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:380px;height:600px;",
    "max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;color:#1a1a1a;",
    "border:1px solid #5c5c5c;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;gap:8px;background:#154273;color:#fff;padding:12px 14px}",
    ".head h2{margin:0;font-size:17px}.head p{margin:2px 0 0;font-size:13px}",
    ".head .titles{flex:1}",
    ".head button{background:transparent;color:#fff;border:1px solid #fff;border-radius:6px;font-size:20px;",
    "line-height:1;width:36px;height:36px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;font-size:15px}",
    ".msg{max-width:92%;padding:9px 12px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere;",
    "line-height:1.45}",
    ".who{display:block;font-size:12px;font-weight:700;margin-bottom:3px}",
    ".user{align-self:flex-end;background:#154273;color:#fff}",
    ".bot{align-self:flex-start;background:#eef2f7;color:#1a1a1a}",
    ".advisor{align-self:flex-start;background:#fff4d6;color:#1a1a1a;border:1px solid #8a6d00}",
    ".error{align-self:stretch;background:#fdecea;color:#8b0000;border:1px solid #8b0000}",
    ".ticket{display:block;margin-top:6px;font-size:13px;font-weight:600}",
    ".sources{margin:8px 0 0;padding-left:0;list-style:none;font-size:13px;white-space:normal}",
    ".sources li{margin-top:4px}.sources a{color:#154273}",
    ".actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;white-space:normal}",
    ".actions button{background:#fff;color:#154273;border:1px solid #154273;border-radius:6px;padding:6px 10px;",
    "font-size:14px;cursor:pointer}",
    ".actions button:disabled{color:#5c5c5c;border-color:#5c5c5c;cursor:default}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #c8c8c8}",
    "textarea{flex:1;resize:none;height:64px;font-size:16px;padding:8px;border:1px solid #5c5c5c;border-radius:6px;",
    "color:#1a1a1a;background:#fff}",
    "form button{background:#154273;color:#fff;border:0;border-radius:6px;padding:0 14px;font-size:15px;",
    "font-weight:600;cursor:pointer}",
    "form button:disabled{background:#5c5c5c}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0;border:0}",
    ".launcher{right:12px;bottom:12px}}"
  ].join("");

  var host = el("div", { id: "ess-kennisbot" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", {}, CSS));

  var launcher = el("button", { type: "button", "class": "launcher", "aria-haspopup": "dialog",
                                "aria-expanded": "false", "aria-controls": "ess-panel",
                                "aria-label": t.launcher_label }, t.launcher);
  var panel = el("section", { id: "ess-panel", "class": "panel", role: "dialog", "aria-modal": "false",
                              "aria-labelledby": "ess-title", lang: lang });
  panel.hidden = true;
  var head = el("div", { "class": "head" });
  var titles = el("div", { "class": "titles" });
  titles.appendChild(el("h2", { id: "ess-title" }, t.title));
  titles.appendChild(el("p", {}, t.subtitle));
  var closeBtn = el("button", { type: "button", "aria-label": t.close }, "\u00d7");
  head.appendChild(titles);
  head.appendChild(closeBtn);
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": t.log_label,
                        tabindex: "0" });
  var form = el("form", { novalidate: "" });
  var inputId = "ess-input";
  form.appendChild(el("label", { "for": inputId, "class": "sr" }, t.input_label));
  var input = el("textarea", { id: inputId, placeholder: t.placeholder, maxlength: String(MAX_CHARS),
                               rows: "2" });
  var sendBtn = el("button", { type: "submit" }, t.send);
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // --- messages ---------------------------------------------------------------------------
  function bubble(cls, who, text) {
    var node = el("div", { "class": "msg " + cls });
    node.appendChild(el("span", { "class": "who" }, who));
    var body = el("span", { "class": "body" });
    if (text) body.textContent = text;
    node.appendChild(body);
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function showError(message) {
    var node = bubble("error", t.bot, message);
    node.setAttribute("role", "alert");
  }

  function errorText(err) {
    // a refused message that reads as urgent carries the emergency lines: they come first
    if (err && err.emergency) return err.emergency + "\n\n" + (err["message_" + lang] || err.message || "");
    if (err && err["message_" + lang]) return err["message_" + lang];
    if (err && err.message) return err.message;
    return t.error_generic;
  }

  function safeUrl(url) {
    try {
      var u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }

  function addCitations(node, citations) {
    if (!citations || !citations.length) return;
    node.appendChild(el("span", { "class": "who" }, t.sources));
    var list = el("ul", { "class": "sources" });
    citations.forEach(function (c) {
      var item = el("li");
      var label = "[" + c.n + "] " + c.label + (c.published ? " (" + String(c.published).slice(0, 4) + ")" : "");
      var url = c.url && safeUrl(c.url);
      if (url) {
        var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label);
        a.appendChild(el("span", { "class": "sr" }, " " + t.new_window));
        item.appendChild(a);
      } else {
        item.textContent = label;
      }
      list.appendChild(item);
    });
    node.appendChild(list);
    log.scrollTop = log.scrollHeight;
  }

  function addTicket(node, ref) {
    if (ref) node.appendChild(el("span", { "class": "ticket" }, t.ticket.replace("{ref}", ref)));
  }

  function addActions(node, kind) {
    var row = el("div", { "class": "actions" });
    var buttons = [];
    function button(label, handler) {
      var b = el("button", { type: "button" }, label);
      b.addEventListener("click", function () {
        buttons.forEach(function (x) { x.disabled = true; });
        handler();
      });
      buttons.push(b);
      row.appendChild(b);
    }
    if (kind === "answer") { // a hand-over already reached an advisor
      button(t.helpful, function () { sendFeedback(true); });
      button(t.not_helpful, function () { sendFeedback(false); });
      button(t.ask_advisor, askAdvisor);
    }
    if (buttons.length) node.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function showOutcome(outcome) {
    var node = bubble("bot", t.bot, outcome.text); // a hand-over's text names its reference itself
    node.setAttribute("data-kind", outcome.kind);
    addCitations(node, outcome.citations);
  }

  // --- the API ---------------------------------------------------------------------------
  function url(path) { return api + path + (path.indexOf("?") < 0 ? "?" : "&") + "site=" + encodeURIComponent(site); }

  function post(path, body, accept) {
    return fetch(url(path), { method: "POST", mode: "cors", credentials: "omit",
                              headers: { "Content-Type": "application/json", "Accept": accept || "application/json" },
                              body: JSON.stringify(body || {}) });
  }

  function fail(response) {
    return response.json().then(function (d) { throw d.error || {}; }, function () { throw {}; });
  }

  var token = store("token");

  function conversation() {
    if (token) return Promise.resolve(token);
    return post("/conversations", { site: site }).then(function (r) {
      if (!r.ok) return fail(r);
      return r.json().then(function (d) {
        token = d.token; store("token", token);
        if (!panel.hidden) setTimeout(startLive, 0);
        return token;
      });
    });
  }

  function withConversation(call) {
    // A token the server no longer knows (e.g. a rotated secret) is replaced once.
    return conversation().then(call).then(function (r) {
      if (r.status !== 404) return r;
      token = null; store("token", null); store("seen", null); stopLive();
      return conversation().then(call);
    });
  }

  function readStream(response, handlers) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function dispatch(block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (data.length && handlers[name]) handlers[name](JSON.parse(data.join("\n")));
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { if (buffer.trim()) dispatch(buffer); return; }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var at;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, at));
          buffer = buffer.slice(at + 2);
        }
        return pump();
      });
    }
    return pump();
  }

  var busy = false;
  function setBusy(value) {
    busy = value;
    sendBtn.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
  }

  function ask(text) {
    bubble("user", t.you, text);
    var node = bubble("bot", t.bot, "");
    var body = node.querySelector(".body");
    body.textContent = t.typing;
    var started = false, kind = null, failed = false;
    setBusy(true);
    return withConversation(function (tok) {
      return post("/conversations/" + tok + "/messages", { text: text, language: lang }, "text/event-stream");
    }).then(function (r) {
      var type = r.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") < 0) return fail(r);
      return readStream(r, {
        meta: function (m) { kind = m.kind; node.setAttribute("data-kind", m.kind); },
        delta: function (d) {
          if (!started) { body.textContent = ""; started = true; }
          body.textContent += d.text;
          log.scrollTop = log.scrollHeight;
        },
        citations: function (c) { addCitations(node, c); },
        error: function (e) { failed = true; node.remove(); showError(errorText(e)); },
        done: function () {}
      }).then(function () {
        if (!failed) addActions(node, kind);
      });
    }).catch(function (err) {
      node.remove();
      showError(err instanceof TypeError || !err ? t.error_network : errorText(err));
    }).then(function () { setBusy(false); });
  }

  function sendFeedback(helpful) {
    withConversation(function (tok) {
      return post("/conversations/" + tok + "/feedback", { helpful: helpful, language: lang });
    }).then(function (r) {
      if (!r.ok) return fail(r);
      return r.json().then(function (d) {
        if (d.outcome) showOutcome(d.outcome); else bubble("bot", t.bot, t.feedback_thanks);
      });
    }).catch(function (err) { showError(err instanceof TypeError ? t.error_network : errorText(err)); });
  }

  function askAdvisor() {
    var text = input.value.trim();
    if (text) { bubble("user", t.you, text); input.value = ""; }
    withConversation(function (tok) {
      return post("/conversations/" + tok + "/advisor", { text: text, language: lang });
    }).then(function (r) {
      if (!r.ok) return fail(r);
      return r.json().then(function (d) { showOutcome(d.outcome); });
    }).catch(function (err) { showError(err instanceof TypeError ? t.error_network : errorText(err)); });
  }

  // --- advisor replies -------------------------------------------------------------------
  var shown = {};
  var lastShown = 0; // after a reload every reply is shown again, then only newer ones are fetched
  function fetchReplies(showThem) {
    if (!token) return Promise.resolve();
    var after = showThem ? lastShown : 0;
    return fetch(url("/conversations/" + token + "/replies?after=" + after), { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { replies: [] }; })
      .then(function (d) {
        var seen = Number(store("seen") || 0);
        d.replies.forEach(function (reply) {
          if (showThem) showReply(reply);
          else if (reply.id > seen) {
            launcher.setAttribute("data-unread", "");
            launcher.setAttribute("aria-label", t.launcher_unread);
          }
        });
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  // Live replies: an EventSource on /events shows a reply the moment an advisor sends it; the poll
  // above stays as the safety net (old browsers, proxies that cut streams).
  var live = null;
  function showReply(reply) {
    if (shown[reply.id]) return;
    shown[reply.id] = true;
    lastShown = Math.max(lastShown, reply.id);
    var node = bubble("advisor", t.advisor_reply, reply.text);
    addTicket(node, reply.ticket_ref);
    if (reply.id > Number(store("seen") || 0)) store("seen", reply.id);
  }
  function startLive() {
    if (live || !token || typeof EventSource === "undefined") return;
    live = new EventSource(url("/conversations/" + token + "/events?after=" + lastShown));
    live.addEventListener("reply", function (e) {
      try { showReply(JSON.parse(e.data)); } catch (err) { /* a damaged event: the poll fetches it */ }
    });
  }
  function stopLive() { if (live) { live.close(); live = null; } }

  // --- open, close, send -----------------------------------------------------------------
  var timer = null;
  var greeted = false;
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    launcher.removeAttribute("data-unread");
    launcher.setAttribute("aria-label", t.launcher_label);
    if (!greeted) { bubble("bot", t.bot, t.welcome); greeted = true; }
    fetchReplies(true).then(startLive);
    timer = setInterval(function () { fetchReplies(true).then(startLive); }, POLL_MS);
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    clearInterval(timer);
    stopLive();
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    if (text.length > MAX_CHARS) { showError(t.too_long.replace("{max}", MAX_CHARS)); return; }
    input.value = "";
    ask(text);
  });

  fetchReplies(false); // a returning asker sees at once that an advisor has replied
})();
