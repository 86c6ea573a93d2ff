/* coopguide chat widget: one <script> tag, no build step.
   <script src="https://HOST/widget.js" data-api-key="…" data-lang="de"></script>
   Untrusted text (answers, passages, titles) is only ever set with textContent. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__coopguideWidget) return;
  window.__coopguideWidget = true;
  var base = new URL(script.src, document.baseURI).origin;
  var apiKey = script.getAttribute("data-api-key") || "";
  var lang = (script.getAttribute("data-lang") || navigator.language || "en").slice(0, 2) === "de" ? "de" : "en";
  var T = {
    de: { open: "Fragen zur Kooperation", title: "coopguide – Kooperationen sicher gestalten", close: "Schließen",
          placeholder: "Ihre Frage …", send: "Senden", sources: "Quellen", wait: "Suche in den Leitfäden …",
          error: "Die Anfrage ist fehlgeschlagen: " },
    en: { open: "Cooperation questions", title: "coopguide – cooperate safely", close: "Close",
          placeholder: "Your question …", send: "Send", sources: "Sources", wait: "Searching the guidance …",
          error: "The request failed: " }
  }[lang];

  var host = document.createElement("div");
  host.setAttribute("data-coopguide", "");
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,sans-serif}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:24px;",
    "padding:12px 18px;background:#1d4e89;color:#fff;font-size:15px;cursor:pointer;box-shadow:0 2px 8px #0004}",
    ".launcher:focus-visible,button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:16px;bottom:72px;z-index:2147483001;width:380px;max-width:calc(100vw - 32px);",
    "height:560px;max-height:calc(100vh - 96px);display:flex;flex-direction:column;background:#fff;color:#111;",
    "border-radius:12px;box-shadow:0 4px 24px #0005;overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;justify-content:space-between;align-items:center;padding:10px 12px;background:#1d4e89;color:#fff}",
    "header h2{font-size:15px;margin:0}",
    "header button{background:transparent;color:#fff;border:0;font-size:20px;cursor:pointer;min-width:44px;min-height:44px}",
    ".log{flex:1;overflow-y:auto;padding:12px;font-size:14px;line-height:1.45}",
    ".msg{margin:0 0 12px;white-space:pre-wrap;word-wrap:break-word}",
    ".bot{white-space:normal}",
    ".user{background:#eef3fa;padding:8px 10px;border-radius:8px}",
    ".bot .sources{margin-top:8px;font-size:12px;color:#333}",
    ".bot .sources .src{margin-left:12px}",
    ".line.h{font-weight:600;margin-top:8px}",
    ".line.q{background:#fff7e6;border-left:3px solid #f5a623;padding:2px 8px;font-size:13px}",
    ".bot a{color:#1d4e89}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}",
    "textarea{flex:1;resize:none;font-size:15px;padding:8px;border:1px solid #aaa;border-radius:6px;min-height:44px}",
    "form button{min-width:64px;min-height:44px;border:0;border-radius:6px;background:#1d4e89;color:#fff;font-size:15px}",
    "@media (max-width:600px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}"
  ].join("");
  root.appendChild(style);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function safeUrl(url) {
    // only http(s) URLs as a source wrote them: anything with spaces or quotes is a crafted string, not a link
    if (!url || /[\s"'<>`]/.test(url)) return null;
    try { var u = new URL(url, base); return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null; }
    catch (e) { return null; }
  }

  var launcher = el("button", { "class": "launcher", "type": "button", "aria-expanded": "false",
                                "aria-controls": "cg-panel" }, T.open);
  var panel = el("section", { "class": "panel", "id": "cg-panel", "role": "dialog", "aria-label": T.title });
  panel.hidden = true;
  var header = el("header");
  header.appendChild(el("h2", {}, T.title));
  var close = el("button", { "type": "button", "aria-label": T.close }, "×");
  header.appendChild(close);
  var log = el("div", { "class": "log", "role": "log", "aria-live": "polite" });
  var form = el("form");
  var input = el("textarea", { "rows": "2", "aria-label": T.placeholder, "placeholder": T.placeholder });
  var send = el("button", { "type": "submit" }, T.send);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);
  var history = [];

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    (open ? input : launcher).focus();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  function citationLink(c) {
    // a link only to a valid original; otherwise the marker stays text (the stored document needs advisor scope)
    var href = safeUrl(c.source_url);
    var title = c.title + (c.section ? " — " + c.section : "");
    if (!href) return el("span", { "class": "cite", "title": title }, "[" + c.n + "]");
    return el("a", { "href": href, "target": "_blank", "rel": "noopener noreferrer", "title": title }, "[" + c.n + "]");
  }

  function renderAnswer(node, data) {
    node.textContent = "";
    var byN = {};
    data.citations.forEach(function (c) { byN[c.n] = c; });
    var body = data.answer.split(/\n(?:Quellen:|Sources:|Am nächsten kommen|The closest sources)/)[0];
    body.split("\n").forEach(function (line) {
      if (!line.trim()) return;
      var kind = /^###\s/.test(line) ? "h" : /^>\s?/.test(line) ? "q" : "p";
      var block = el("div", { "class": "line " + kind });
      line = line.replace(/^###\s+/, "").replace(/^>\s?/, "").replace(/^-\s+/, "• ").replace(/\*\*/g, "");
      line.split(/(\[\d+\])/).forEach(function (part) {
        var m = /^\[(\d+)\]$/.exec(part);
        if (m && byN[m[1]]) block.appendChild(citationLink(byN[m[1]]));
        else block.appendChild(document.createTextNode(part));
      });
      node.appendChild(block);
    });
    if (data.citations.length) {
      var list = el("div", { "class": "sources" });
      list.appendChild(el("strong", {}, T.sources));
      data.citations.forEach(function (c) {
        var row = el("div");
        row.appendChild(citationLink(c));
        var section = c.section && c.section !== "Page " + c.page ? " — " + c.section : "";
        row.appendChild(document.createTextNode(" " + c.title + section + (c.page ? ", p. " + c.page : "")));
        (c.sources || []).forEach(function (s) {  // every source the cited section rests on
          var item = el("div", { "class": "src" });
          var head = [s.publisher, s.date].filter(Boolean).join(", ");
          var title = s.title && s.title !== c.title ? s.title : "";
          item.appendChild(document.createTextNode("– " + [head, title].filter(Boolean).join(": ") + " "));
          var href = safeUrl(s.url);
          if (href) item.appendChild(el("a", { "href": href, "target": "_blank", "rel": "noopener noreferrer" }, "↗"));
          row.appendChild(item);
        });
        list.appendChild(row);
      });
      node.appendChild(list);
    }
  }

  function add(cls, text) {
    var node = el("div", { "class": "msg " + cls }, text);
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  async function ask(question) {
    add("user", question);
    var node = add("bot", T.wait);
    var headers = { "Content-Type": "application/json" };
    if (apiKey) headers["X-API-Key"] = apiKey;
    try {
      var res = await fetch(base + "/api/ask/stream", { method: "POST", headers: headers,
        body: JSON.stringify({ question: question, history: history.slice(-6) }) });
      if (!res.ok) {
        var err = await res.json().catch(function () { return {}; });
        throw new Error((err.error && err.error.message) || res.status);
      }
      var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "", streamed = "";
      for (;;) {
        var step = await reader.read();
        if (step.done) break;
        buffer += decoder.decode(step.value, { stream: true });
        var events = buffer.split("\n\n");
        buffer = events.pop();
        events.forEach(function (block) {
          var name = (/^event: (.*)$/m.exec(block) || [])[1];
          var data = JSON.parse((/^data: (.*)$/m.exec(block) || [])[1] || "{}");
          if (name === "partial") { streamed += data.text; node.textContent = streamed; }
          if (name === "answer") {
            renderAnswer(node, data);
            history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
          }
          log.scrollTop = log.scrollHeight;
        });
      }
    } catch (e) {
      node.textContent = T.error + e.message;
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    input.value = "";
    ask(q);
  });
})();
