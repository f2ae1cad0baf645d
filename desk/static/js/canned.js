// Canned responses in the reply composer. Without this file the select + "Insert" button work.
// With it: type "/" in the message for ranked suggestions (then Enter or Tab inserts the first,
// arrows choose another, Escape closes), or "/refund" for a shortcut; the rendered text is
// inserted at the cursor, still editable, and the suggested status and promise are preselected.
(function () {
  "use strict";

  var form = document.querySelector("form.reply-form[data-canned-url]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-canned-url");
  var body = form.querySelector("textarea[name=body]");
  var cannedId = form.querySelector("input[name=canned_id]");
  var select = form.querySelector("select[name=canned]");
  var apply = form.querySelector("button[name=apply_canned]");
  if (!body) { return; }
  var hint = form.querySelector(".canned-hint");
  if (hint) { hint.hidden = false; } // the "/" shortcut needs this script

  var list = document.createElement("ul");
  list.className = "canned-suggestions list-group shadow-sm";
  list.id = "canned-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Canned responses");
  list.hidden = true;
  body.parentNode.insertBefore(list, body.nextSibling);
  body.setAttribute("aria-controls", list.id);
  body.setAttribute("aria-autocomplete", "list");

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  var results = [];
  var active = 0;
  var trigger = null; // {start, end}: the "/query" being typed
  var pending = null;

  function slashQuery() {
    var end = body.selectionStart;
    if (end !== body.selectionEnd) { return null; }
    var before = body.value.slice(0, end);
    var match = /(^|\s)(\/[a-z0-9_-]{0,31})$/i.exec(before);
    if (!match) { return null; }
    return { start: end - match[2].length, end: end, query: match[2].toLowerCase() };
  }

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    results = [];
    trigger = null;
    body.removeAttribute("aria-activedescendant");
  }

  function show() {
    list.innerHTML = "";
    if (!results.length) { close(); return; }
    results.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = "canned-option-" + item.id;
      li.className = "list-group-item list-group-item-action small" + (index === active ? " active" : "");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", index === active ? "true" : "false");
      var title = document.createElement("strong");
      title.textContent = item.title;
      li.appendChild(title);
      if (item.shortcut) {
        var code = document.createElement("code");
        code.className = "ms-2";
        code.textContent = item.shortcut;
        li.appendChild(code);
      }
      var preview = document.createElement("div");
      preview.className = "text-truncate canned-preview";
      preview.textContent = item.body;
      li.appendChild(preview);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); insert(index); });
      list.appendChild(li);
    });
    list.hidden = false;
    body.setAttribute("aria-activedescendant", "canned-option-" + results[active].id);
    live.textContent = results.length + " canned response" + (results.length === 1 ? "" : "s") + ": Enter inserts “" + results[active].title + "”.";
  }

  function search(found) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(found.query === "/" ? "" : found.query), {
      headers: { "Accept": "application/json" }, credentials: "same-origin", signal: pending.signal
    }).then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        var now = slashQuery();
        if (!now || now.query !== found.query) { return; }
        trigger = now;
        results = data.results || [];
        active = 0;
        show();
      }).catch(function () { /* aborted or offline: the select still works */ });
  }

  function setSelect(name, value) {
    var field = form.querySelector("select[name=" + name + "]");
    if (field && value) { field.value = value; field.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  function insert(index) {
    var item = results[index];
    if (!item || !trigger) { return; }
    var value = body.value;
    body.value = value.slice(0, trigger.start) + item.body + value.slice(trigger.end);
    var caret = trigger.start + item.body.length;
    body.setSelectionRange(caret, caret);
    if (cannedId) { cannedId.value = item.id; }
    setSelect("status_after", item.status);
    setSelect("next_update", item.next_update);
    live.textContent = "Inserted “" + item.title + "”.";
    close();
    body.focus();
  }

  body.addEventListener("input", function () {
    var found = slashQuery();
    if (found) { search(found); } else { close(); }
  });
  body.addEventListener("blur", function () { window.setTimeout(close, 150); });
  body.addEventListener("keydown", function (event) {
    if (list.hidden || !results.length) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
      show();
    } else if ((event.key === "Enter" && !event.ctrlKey && !event.metaKey) || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      insert(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  // The select + "Insert" button: with JavaScript, insert in place instead of reloading the page.
  if (select && apply) {
    apply.addEventListener("click", function (event) {
      if (!select.value) { return; }
      event.preventDefault();
      fetch(url + "?id=" + encodeURIComponent(select.value), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (!data.results || !data.results.length) { return; }
          var end = body.selectionStart || body.value.length;
          var glue = body.value.slice(0, end).trim() ? "\n\n" : "";
          trigger = { start: end, end: end };
          results = [data.results[0]];
          results[0] = Object.assign({}, results[0], { body: glue + results[0].body });
          insert(0);
        });
    });
  }
})();
