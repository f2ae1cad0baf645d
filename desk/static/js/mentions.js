// @mentions in the composer (tickets/mentions.py). In an internal note, "@" followed by letters
// lists the agents who can see this ticket (from the page: desk/_composer_collide.html); arrows
// choose, Enter or Tab inserts "@username", Escape closes. Under the box, a line says who the
// note will notify and which names it won't, and that a public reply notifies nobody.
// Without this file, typing "@username" works the same; the page says whom it notified after saving.
(function () {
  "use strict";

  var form = document.querySelector("form.reply-form");
  var data = form && form.querySelector("[data-mention-agents]");
  var body = form && form.querySelector("textarea[name=body]");
  if (!form || !data || !body || !window.DeskListbox) { return; }
  var agents = [];
  try { agents = JSON.parse(data.getAttribute("data-mention-agents")) || []; } catch (error) { return; }
  var MENTION = /(^|[^\w@.+\-/:])@([\w.+-]*\w)/g; // the rule of tickets/mentions.py
  var MAX = 8;

  var hint = document.createElement("p");
  hint.className = "mention-hint small mb-2";
  hint.setAttribute("aria-live", "polite");
  hint.hidden = true;

  var results = [];
  var trigger = null; // {start, end}: the "@query" being typed

  var box = window.DeskListbox({
    field: body,
    id: "mention-suggestions",
    className: "mention-suggestions",
    label: "Agents to mention",
    optionId: function (agent, index) { return "mention-option-" + index; },
    render: function (li, agent) {
      var name = document.createElement("strong");
      name.textContent = agent.name;
      li.appendChild(name);
      var code = document.createElement("code");
      code.className = "ms-2";
      code.textContent = "@" + agent.username;
      li.appendChild(code);
    },
    pick: function (agent) { insert(agent); },
    closed: function () { trigger = null; }
  });
  var list = document.getElementById("mention-suggestions");
  list.parentNode.insertBefore(hint, list.nextSibling);

  function isNote() {
    var checked = form.querySelector("input[name=visibility]:checked");
    return Boolean(checked && checked.value === "note");
  }

  // Lowercased name -> agent: usernames, and first names only one agent has (as the server decides).
  function names() {
    var found = {};
    var firsts = {};
    agents.forEach(function (agent) { found[agent.username.toLowerCase()] = agent; });
    agents.forEach(function (agent) {
      var first = (agent.first || "").toLowerCase();
      if (first) { (firsts[first] = firsts[first] || []).push(agent); }
    });
    Object.keys(firsts).forEach(function (first) {
      if (firsts[first].length === 1 && !found[first]) { found[first] = firsts[first][0]; }
    });
    return found;
  }

  function atQuery() {
    var end = body.selectionStart;
    if (end !== body.selectionEnd) { return null; }
    var match = /(^|[^\w@.+\-/:])@([\w.+-]{0,30})$/.exec(body.value.slice(0, end));
    if (!match) { return null; }
    return { start: end - match[2].length - 1, end: end, query: match[2].toLowerCase() };
  }

  function suggest() {
    var found = isNote() ? atQuery() : null;
    if (!found) { box.close(); return; }
    trigger = found;
    results = agents.filter(function (agent) {
      var words = (agent.username + " " + agent.name).toLowerCase().split(/[\s._-]+/);
      return !found.query || words.some(function (word) { return word.indexOf(found.query) === 0; });
    }).slice(0, MAX);
    box.open(results);
  }

  function insert(agent) {
    if (!agent || !trigger) { return; }
    var text = "@" + agent.username + " ";
    body.value = body.value.slice(0, trigger.start) + text + body.value.slice(trigger.end);
    var caret = trigger.start + text.length;
    body.setSelectionRange(caret, caret);
    box.close();
    trigger = null;
    body.focus();
    explain();
  }

  // Who the text will notify: named before sending, as the page does after.
  function explain() {
    var known = names();
    var notified = [];
    var unknown = [];
    var match;
    MENTION.lastIndex = 0;
    var typing = document.activeElement === body ? body.selectionEnd : -1;
    while ((match = MENTION.exec(body.value)) !== null) {
      if (match.index + match[0].length === typing) { continue; } // still being typed: not judged yet
      var agent = known[match[2].toLowerCase()];
      var label = agent ? agent.name : "@" + match[2];
      var bucket = agent ? notified : unknown;
      if (bucket.indexOf(label) < 0) { bucket.push(label); }
    }
    var parts = [];
    if (isNote()) {
      if (notified.length) { parts.push("Will notify " + notified.join(", ") + "."); }
      if (unknown.length) { parts.push(unknown.join(", ") + ": no agent of this ticket's queue by that name; not notified."); }
    } else if (notified.length) {
      parts.push("Mentions notify only in internal notes: a public reply tells no agent.");
    }
    hint.textContent = parts.join(" ");
    hint.hidden = !parts.length;
  }

  body.addEventListener("input", function () { suggest(); explain(); });
  form.addEventListener("change", function () { box.close(); explain(); });
  body.addEventListener("blur", function () { window.setTimeout(explain, 150); });
  explain();
})();
