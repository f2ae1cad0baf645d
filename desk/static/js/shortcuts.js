// Keyboard shortcuts for the desk; "?" lists them (templates: desk/_shortcuts_dialog.html).
// None fires while typing in a field, or with Ctrl, Alt or Meta held; each has a visible
// button or link that does the same, so nothing here is the only way to do anything.
(function () {
  "use strict";

  var TEXT_INPUTS = /^(text|search|email|url|tel|password|number|date|datetime-local|time|month|week)$/;

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) { return true; }
    return tag === "input" && TEXT_INPUTS.test((target.getAttribute("type") || "text").toLowerCase());
  }

  // --- "?": the list, in a native modal dialog (focus kept inside, Escape closes) -------------------
  var dialog = document.getElementById("shortcuts-dialog");
  var opener = document.querySelector(".shortcuts-open");
  function openDialog() {
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) { dialog.showModal(); }
  }
  if (dialog && typeof dialog.showModal === "function") {
    if (opener) { opener.hidden = false; opener.addEventListener("click", openDialog); }
    dialog.querySelector(".shortcuts-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
  }

  // --- the queue: a current row moved by j / k --------------------------------------------------------
  var table = document.querySelector("table[data-shortcuts=queue]");
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-url]")) : [];
  var current = -1;

  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) { rows[current].classList.remove("is-current"); rows[current].removeAttribute("aria-current"); }
    current = index;
    var row = rows[current];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("td.ref a");
    if (link) { link.focus(); }
    row.scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0 && rows[current]) { rows[current].classList.remove("is-current"); rows[current].removeAttribute("aria-current"); }
        current = index;
        row.classList.add("is-current");
        row.setAttribute("aria-current", "true");
      }
    });
  });

  function toggleCurrent() {
    if (current < 0) { select(0); }
    var box = rows[current] && rows[current].querySelector("input.row-select");
    if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  // --- the ticket page ---------------------------------------------------------------------------------
  function compose(kind) {
    var radio = document.querySelector("form.reply-form input[name=visibility][value=" + kind + "]");
    var body = document.querySelector("form.reply-form textarea[name=body]");
    if (!radio || !body) { return false; }
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    body.scrollIntoView({ block: "center" });
    body.focus();
    return true;
  }
  function click(selector) {
    var element = document.querySelector(selector);
    if (!element) { return false; }
    element.click();
    return true;
  }
  function focus(selector) {
    var element = document.querySelector(selector);
    if (!element) { return false; }
    element.scrollIntoView({ block: "center" });
    element.focus();
    return true;
  }

  var KEYS = {
    "/": function () { return focus("#desk-search"); },
    "?": function () { openDialog(); return Boolean(dialog); },
    "j": function () { if (!rows.length) { return false; } select(current + 1); return true; },
    "k": function () { if (!rows.length) { return false; } select(current < 0 ? 0 : current - 1); return true; },
    "o": function () { if (current < 0) { return false; } window.location.href = rows[current].getAttribute("data-url"); return true; },
    "x": function () { if (!rows.length) { return false; } toggleCurrent(); return true; },
    "r": function () { return compose("public"); },
    "n": function () { return compose("note"); },
    "a": function () { return click("[data-shortcut=a]"); },
    "s": function () { return focus("form[action*='/update/'] select[name=status]"); },
    "]": function () { return click("[data-shortcut=']']"); },
    "[": function () { return click("[data-shortcut='[']"); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) { return; }
    if (typing(event.target)) { return; }
    if (dialog && dialog.open) { return; }  // the dialog has its own keys (Escape, Tab)
    var key = event.key;
    if (key === "Enter") {
      // Enter opens the current row, unless focus is already on something Enter acts on.
      var tag = (event.target.tagName || "").toLowerCase();
      if (current < 0 || tag === "a" || tag === "button" || tag === "input") { return; }
      key = "o";
    }
    // Shift is left alone: "?" needs it, and so do "/", "[" and "]" on some keyboards; a shifted
    // letter ("J") is not a shortcut, since only lower-case letters are.
    var action = Object.prototype.hasOwnProperty.call(KEYS, key) ? KEYS[key] : null;
    if (action && action()) { event.preventDefault(); }
  });
})();
