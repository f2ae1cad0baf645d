// Canned responses in the reply composer. Without this file the select + "Insert" button work.
// With it: type "/" in the message for ranked suggestions (then Enter or Tab inserts the first,
// arrows choose another, Escape closes), or "/refund" for a shortcut; the rendered text is
// inserted at the cursor, still editable, and the suggested status and promise are preselected.
(function () {
  "use strict";

  var form = document.querySelector("form.reply-form[data-canned-url]");
  if (!form || !window.fetch || !window.DeskListbox) { return; }
  var url = form.getAttribute("data-canned-url");
  var body = form.querySelector("textarea[name=body]");
  var cannedId = form.querySelector("input[name=canned_id]");
  var select = form.querySelector("select[name=canned]");
  var apply = form.querySelector("button[name=apply_canned]");
  if (!body) { return; }
  var hint = form.querySelector(".canned-hint");
  if (hint) { hint.hidden = false; } // the "/" shortcut needs this script

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  var trigger = null; // {start, end}: the "/query" being typed
  var pending = null;

  var box = window.DeskListbox({
    field: body,
    id: "canned-suggestions",
    className: "canned-suggestions",
    label: "Canned responses",
    optionId: function (item) { return "canned-option-" + item.id; },
    render: function (li, item) {
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
    },
    shown: function (item, items) {
      live.textContent = items.length + " canned response" + (items.length === 1 ? "" : "s") + ": Enter inserts “" + item.title + "”.";
    },
    pick: function (item) { insert(item); },
    closed: function () { trigger = null; }
  });

  function slashQuery() {
    var end = body.selectionStart;
    if (end !== body.selectionEnd) { return null; }
    var before = body.value.slice(0, end);
    var match = /(^|\s)(\/[a-z0-9_-]{0,31})$/i.exec(before);
    if (!match) { return null; }
    return { start: end - match[2].length, end: end, query: match[2].toLowerCase() };
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
        box.open(data.results || []);
      }).catch(function () { /* aborted or offline: the select still works */ });
  }

  function setSelect(name, value) {
    var field = form.querySelector("select[name=" + name + "]");
    if (field && value) { field.value = value; field.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  function insert(item) {
    if (!item || !trigger) { return; }
    var value = body.value;
    body.value = value.slice(0, trigger.start) + item.body + value.slice(trigger.end);
    var caret = trigger.start + item.body.length;
    body.setSelectionRange(caret, caret);
    if (cannedId) { cannedId.value = item.id; }
    setSelect("status_after", item.status);
    setSelect("next_update", item.next_update);
    live.textContent = "Inserted “" + item.title + "”.";
    box.close();
    trigger = null;
    body.focus();
  }

  body.addEventListener("input", function () {
    var found = slashQuery();
    if (found) { search(found); } else { box.close(); }
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
          insert(Object.assign({}, data.results[0], { body: glue + data.results[0].body }));
        });
    });
  }
})();
