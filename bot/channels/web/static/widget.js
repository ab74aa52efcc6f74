/* ESS kennisbot chat widget. Embed with ONE tag, no build step:
 *   <script src="https://HOST/widget/widget.js" data-site="KEY" async></script>
 * Optional: data-lang="nl|en" (default: the browser's language).
 * Everything lives in a shadow DOM (styles isolated both ways), except the host page's NL Design System
 * tokens: CSS custom properties inherit into the shadow DOM, and the styles below read a small set of them
 * (docs/channels.md), each with a sober default. Text from the asker, the bot or a source is only ever
 * inserted with textContent; links are created for http(s) urls only.
 * The texts come from prompts/widget.<lang>.yaml, filled in by the server (__TEXTS__). */
(function () {
  "use strict";
  var TEXTS = __TEXTS__;
  var MAX_CHARS = __MAX_CHARS__;
  var POLL_MS = 30000;
  var TIME_ZONE = "Europe/Amsterdam"; // ESS and its advisors keep Dutch time, whatever the device says

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

  var clock = null;
  try {
    clock = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL",
                                    { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE });
  } catch (e) { clock = null; } // no time zone data: the device's own time below
  function hhmm(date) {
    if (clock) return clock.format(date);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  // --- DOM ------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The tokens read from the host page (NL Design System, "utrecht" and candidate "nl" names), each with
  // the sober default used where the page defines none. docs/channels.md lists them.
  var CSS = [
    ":host{all:initial;",
    "--ess-font:var(--utrecht-document-font-family,system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif);",
    "--ess-text:var(--utrecht-document-color,#1a1a1a);",
    "--ess-primary:var(--nl-button-primary-background-color,var(--utrecht-button-primary-action-background-color,#154273));",
    "--ess-on-primary:var(--nl-button-primary-color,var(--utrecht-button-primary-action-color,#fff));",
    "--ess-link:var(--nl-link-color,var(--utrecht-link-color,#154273));",
    "--ess-focus:var(--utrecht-focus-outline-color,#154273);",
    "--ess-focus-inverse:var(--utrecht-focus-inverse-outline-color,#ffb612);",
    "--ess-focus-width:var(--utrecht-focus-outline-width,3px);",
    "--ess-radius:var(--utrecht-button-border-radius,6px)}",
    "*{box-sizing:border-box;font-family:var(--ess-font)}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;background:var(--ess-primary);",
    "color:var(--ess-on-primary);border:2px solid var(--ess-on-primary);border-radius:28px;padding:14px 20px;",
    "font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 2px 10px rgba(0,0,0,.3)}",
    ".badge{display:inline-block;min-width:22px;margin-left:8px;padding:1px 6px;border-radius:11px;",
    "background:#ffb612;color:#1a1a1a;font-size:13px;font-weight:700;text-align:center}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible,li:focus{",
    "outline:var(--ess-focus-width) solid var(--ess-focus);outline-offset:2px}",
    ".launcher:focus-visible,.head button:focus-visible{outline-color:var(--ess-focus-inverse)}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:380px;height:600px;",
    "max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;color:var(--ess-text);",
    "border:1px solid #5c5c5c;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden],.launcher[hidden]{display:none}",
    ".head{display:flex;align-items:center;gap:8px;background:var(--ess-primary);color:var(--ess-on-primary);",
    "padding:12px 14px}",
    ".head h2{margin:0;font-size:17px}.head p{margin:2px 0 0;font-size:13px}",
    ".head .titles{flex:1}",
    ".head button{background:transparent;color:var(--ess-on-primary);border:1px solid var(--ess-on-primary);",
    "border-radius:var(--ess-radius);font-size:20px;line-height:1;width:36px;height:36px;cursor:pointer}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;",
    "font-size:15px}",
    ".notice{margin:0;padding:9px 12px;border-left:4px solid var(--ess-primary);background:#f3f3f3;",
    "color:#1a1a1a;font-size:14px;line-height:1.45}",
    ".msg{max-width:92%;padding:9px 12px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere;",
    "line-height:1.45}",
    ".meta{display:flex;gap:8px;align-items:baseline;font-size:12px;margin-bottom:3px}",
    ".who{font-weight:700}.meta time{font-size:12px}",
    ".user{align-self:flex-end;background:var(--ess-primary);color:var(--ess-on-primary)}",
    ".bot{align-self:flex-start;background:#eef2f7;color:#1a1a1a}",
    ".advisor{align-self:flex-start;background:#fff4d6;color:#1a1a1a;border:1px solid #8a6d00}",
    ".error{align-self:stretch;background:#fdecea;color:#8b0000;border:1px solid #8b0000}",
    ".ticket,.note{display:block;margin-top:6px;font-size:13px}.ticket{font-weight:600}.note{font-style:italic}",
    ".label{display:block;font-size:12px;font-weight:700;margin-top:8px}",
    ".sources{margin:4px 0 0;padding-left:0;list-style:none;font-size:13px;white-space:normal}",
    ".sources li{margin-top:4px}.msg a{color:var(--ess-link)}",
    ".actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;white-space:normal}",
    ".actions button{background:#fff;color:var(--ess-primary);border:1px solid var(--ess-primary);border-radius:var(--ess-radius);",
    "padding:6px 10px;font-size:14px;cursor:pointer}",
    ".actions button:disabled{color:#5c5c5c;border-color:#5c5c5c;cursor:default}",
    ".typing{display:inline-flex;gap:5px;padding:6px 2px}",
    ".typing i{width:8px;height:8px;border-radius:50%;background:#4a4a4a;animation:ess-dot 1.2s infinite ease-in-out}",
    ".typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}",
    "@keyframes ess-dot{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing i{animation:none}}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #c8c8c8}",
    "textarea{flex:1;resize:none;height:64px;font-size:16px;padding:8px;border:1px solid #5c5c5c;",
    "border-radius:var(--ess-radius);color:#1a1a1a;background:#fff}",
    "form button{background:var(--ess-primary);color:var(--ess-on-primary);border:0;border-radius:var(--ess-radius);",
    "padding:0 14px;font-size:15px;font-weight:600;cursor:pointer}",
    "form button:disabled{background:#5c5c5c;color:#fff}",
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
  // aria-live: every new message is read out once it is complete (aria-busy while an answer streams in)
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
  // outside the panel: a reply that arrives while the panel is closed is announced here
  var status = el("div", { "class": "sr", role: "status" });
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(status);

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // --- messages ---------------------------------------------------------------------------
  // A new message is shown with the end of the log, unless that would push its start out of view:
  // a long answer is read from its first line, not its last.
  function reveal(node) {
    log.scrollTop = Math.min(node.offsetTop - 8, log.scrollHeight - log.clientHeight);
  }

  // at: when it was said (ISO, from the server), now when absent, false for a text that is no message (welcome)
  function bubble(cls, who, text, at) {
    var node = el("div", { "class": "msg " + cls });
    var meta = el("span", { "class": "meta" });
    meta.appendChild(el("span", { "class": "who" }, who));
    if (at !== false) {
      var when = at ? new Date(at) : new Date();
      meta.appendChild(el("time", { datetime: when.toISOString() }, hhmm(when)));
    }
    node.appendChild(meta);
    var body = el("span", { "class": "body" });
    if (text) body.textContent = text;
    node.appendChild(body);
    log.appendChild(node);
    reveal(node);
    return node;
  }

  function typing(node) {
    var dots = el("span", { "class": "typing", "aria-hidden": "true" });
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    var body = node.querySelector(".body");
    body.appendChild(dots);
    body.appendChild(el("span", { "class": "sr" }, t.typing));
    node.setAttribute("data-typing", "");
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

  function outLink(url, label, extra) {
    var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label);
    a.appendChild(el("span", { "class": "sr" }, " " + (extra ? extra + " " : "") + t.new_window));
    return a;
  }

  var answers = 0; // numbers each answer's sources list, so a marker jumps to its own answer's source
  function addCitations(node, citations) {
    if (!citations || !citations.length) return;
    var base = "ess-src-" + (++answers) + "-";
    node.appendChild(el("span", { "class": "label" }, t.sources));
    var list = el("ul", { "class": "sources" });
    citations.forEach(function (c) {
      var item = el("li", { id: base + c.n, tabindex: "-1" });
      var label = "[" + c.n + "] " + c.label + (c.published ? " (" + String(c.published).slice(0, 4) + ")" : "");
      var url = c.url && safeUrl(c.url);
      if (url) item.appendChild(outLink(url, label));
      else item.textContent = label;
      list.appendChild(item);
    });
    node.appendChild(list);
    linkMarkers(node.querySelector(".body"), citations, base);
  }

  // Inline [n] markers become links: to source n's page when it has one, else to its line in the list.
  function linkMarkers(body, citations, base) {
    var byN = {};
    citations.forEach(function (c) { byN[c.n] = c; });
    var text = body.textContent, re = /\[(\d{1,3})\]/g, last = 0, m;
    var parts = [];
    while ((m = re.exec(text))) {
      var c = byN[m[1]];
      if (!c) continue;
      parts.push(document.createTextNode(text.slice(last, m.index)));
      parts.push(markerLink(c, base));
      last = re.lastIndex;
    }
    if (!parts.length) return;
    parts.push(document.createTextNode(text.slice(last)));
    body.textContent = "";
    parts.forEach(function (p) { body.appendChild(p); });
  }

  function markerLink(c, base) {
    var marker = "[" + c.n + "]";
    var name = t.source_link.replace("{n}", c.n).replace("{label}", c.label);
    var url = c.url && safeUrl(c.url);
    if (url) {
      var out = outLink(url, marker, name);
      out.setAttribute("class", "ref");
      return out;
    }
    var a = el("a", { "class": "ref", href: "#" + base + c.n }, marker);
    a.appendChild(el("span", { "class": "sr" }, " " + name));
    a.addEventListener("click", function (e) {
      e.preventDefault(); // the page's own #fragment would not find an element in the shadow DOM
      var item = root.getElementById(base + c.n);
      if (item) { item.scrollIntoView({ block: "nearest" }); item.focus(); }
    });
    return a;
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
        input.focus(); // a disabled button drops the focus to the page: Escape and typing would get lost
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
  }

  function showOutcome(outcome, node) {
    node = node || bubble("bot", t.bot, "");
    node.removeAttribute("data-typing");
    node.querySelector(".body").textContent = outcome.text; // a hand-over's text names its reference itself
    node.setAttribute("data-kind", outcome.kind);
    addCitations(node, outcome.citations);
    reveal(node);
  }

  // --- the API ---------------------------------------------------------------------------
  function url(path) { return api + path + (path.indexOf("?") < 0 ? "?" : "&") + "site=" + encodeURIComponent(site); }

  function post(path, body, accept) {
    return fetch(url(path), { method: "POST", mode: "cors", credentials: "omit",
                              headers: { "Content-Type": "application/json", "Accept": accept || "application/json" },
                              body: JSON.stringify(body || {}) });
  }

  function get(path) { return fetch(url(path), { mode: "cors", credentials: "omit" }); }

  function fail(response) {
    return response.json().then(function (d) { throw d.error || {}; }, function () { throw {}; });
  }

  var token = store("token");

  function forget() { token = null; store("token", null); store("seen", null); stopLive(); }

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
    // A token the server no longer knows (expired with retention, a rotated secret) is replaced once.
    return conversation().then(call).then(function (r) {
      if (r.status !== 404) return r;
      forget();
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
  }

  function ask(text) {
    bubble("user", t.you, text);
    var node = bubble("bot", t.bot, "");
    typing(node); // announced: the log is not busy until the answer starts
    var body = node.querySelector(".body");
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
          if (!started) {
            body.textContent = ""; started = true; node.removeAttribute("data-typing");
            log.setAttribute("aria-busy", "true"); // read out once complete, not chunk by chunk
          }
          body.textContent += d.text;
          reveal(node);
        },
        citations: function (c) { addCitations(node, c); },
        error: function (e) { failed = true; node.remove(); showError(errorText(e)); },
        done: function () {}
      }).then(function () {
        if (!failed) { addActions(node, kind); reveal(node); }
      });
    }).catch(function (err) {
      node.remove();
      showError(err instanceof TypeError || !err ? t.error_network : errorText(err));
    }).then(function () { log.setAttribute("aria-busy", "false"); setBusy(false); });
  }

  function sendFeedback(helpful) {
    var node = bubble("bot", t.bot, "");
    typing(node); // "niet nuttig" hands the question over: that takes a moment
    withConversation(function (tok) {
      return post("/conversations/" + tok + "/feedback", { helpful: helpful, language: lang });
    }).then(function (r) {
      if (!r.ok) return fail(r);
      return r.json().then(function (d) {
        showOutcome(d.outcome || { kind: "feedback", text: t.feedback_thanks, citations: [] }, node);
      });
    }).catch(function (err) {
      node.remove();
      showError(err instanceof TypeError ? t.error_network : errorText(err));
    });
  }

  // Asks for an advisor and nothing else: what is typed in the box stays there, unsent (the last question
  // goes over; typed text is a message of its own, sent with "Versturen").
  function askAdvisor() {
    var node = bubble("bot", t.bot, "");
    typing(node);
    withConversation(function (tok) {
      return post("/conversations/" + tok + "/advisor", { language: lang });
    }).then(function (r) {
      if (!r.ok) return fail(r);
      return r.json().then(function (d) { showOutcome(d.outcome, node); });
    }).catch(function (err) {
      node.remove();
      showError(err instanceof TypeError ? t.error_network : errorText(err));
    });
  }

  // --- the conversation so far, after a reload ---------------------------------------------
  var history = null;
  function loadHistory() {
    if (history) return history;
    if (!token) return Promise.resolve();
    setBusy(true); // a question typed meanwhile would land above its own past
    log.setAttribute("aria-live", "off"); // the past is not read out again, message by message
    history = get("/conversations/" + token + "/history").then(function (r) {
      if (r.status === 404) { forget(); return; } // expired with retention: a new conversation starts
      if (!r.ok) throw r;
      return r.json().then(function (d) { d.messages.forEach(showStored); });
    }).catch(function () {
      history = null; // offline for a moment: tried again when the panel is opened next
    }).then(function () { log.setAttribute("aria-live", "polite"); setBusy(false); });
    return history;
  }

  function showStored(m) {
    if (m.author === "advisor") {
      showReply({ id: m.id, ticket_ref: m.ticket_ref, text: m.text, created_at: m.at });
      return;
    }
    var node = bubble(m.author === "asker" ? "user" : "bot", m.author === "asker" ? t.you : t.bot, m.text, m.at);
    node.setAttribute("data-history", "");
    if (m.author === "bot") {
      node.setAttribute("data-kind", m.kind || "");
      var citations = m.citations || [];
      addCitations(node, citations); // as when it was given: its sources listed, its [n] markers linked
      // stored before sources were kept (shortened, or markers without sources): say so rather than show
      // markers that lead nowhere
      if (m.shortened || (!citations.length && /\[\d{1,3}\]/.test(m.text))) {
        node.appendChild(el("span", { "class": "note" }, t.earlier_answer));
      }
    }
  }

  // --- advisor replies -------------------------------------------------------------------
  var shown = {};
  var lastShown = 0;
  var unread = 0;
  var badge = el("span", { "class": "badge", "aria-hidden": "true" });

  function markUnread(count) {
    unread = count;
    if (!count) {
      status.textContent = "";
      launcher.removeAttribute("data-unread");
      launcher.setAttribute("aria-label", t.launcher_label);
      if (badge.parentNode) badge.remove();
      return;
    }
    badge.textContent = String(count);
    if (panel.hidden) status.textContent = t.unread_status;
    launcher.setAttribute("data-unread", "");
    launcher.setAttribute("aria-label", t.launcher_unread);
    launcher.appendChild(badge);
  }

  function fetchReplies(showThem) {
    if (!token) return Promise.resolve();
    var after = showThem ? lastShown : 0;
    return get("/conversations/" + token + "/replies?after=" + after)
      .then(function (r) { return r.ok ? r.json() : { replies: [] }; })
      .then(function (d) {
        var seen = Number(store("seen") || 0);
        if (showThem) d.replies.forEach(showReply);
        else markUnread(d.replies.filter(function (reply) { return reply.id > seen; }).length);
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  // Live replies: an EventSource on /events shows a reply the moment an advisor sends it; the poll stays as
  // the safety net (old browsers, proxies that cut streams). Both keep running once the chat has been
  // opened in this page view, so a reply that arrives while the panel is closed puts a badge on the launcher.
  var live = null;
  function showReply(reply) {
    if (shown[reply.id]) return;
    shown[reply.id] = true;
    lastShown = Math.max(lastShown, reply.id);
    var node = bubble("advisor", t.advisor_reply, reply.text, reply.created_at);
    addTicket(node, reply.ticket_ref);
    if (panel.hidden) markUnread(unread + 1);
    else if (reply.id > Number(store("seen") || 0)) store("seen", reply.id);
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
    markUnread(0);
    if (lastShown > Number(store("seen") || 0)) store("seen", lastShown);
    if (!greeted) {
      // AI Act transparency: before the first question, who answers and how to reach a person
      log.appendChild(el("p", { "class": "notice" }, t.ai_notice));
      bubble("bot", t.bot, t.welcome, false);
      greeted = true;
    }
    loadHistory().then(function () {
      if (lastShown > Number(store("seen") || 0)) store("seen", lastShown);
      startLive();
      if (!timer) timer = setInterval(function () { fetchReplies(true).then(startLive); }, POLL_MS);
    });
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
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
