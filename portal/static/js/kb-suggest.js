// Ticket form: as the customer types a subject, show help articles that may answer it.
// Progressive enhancement only: without this file the form works exactly the same.
(function () {
  "use strict";
  var box = document.querySelector(".kb-suggestions");
  var subject = document.querySelector("input[name=subject]");
  if (!box || !subject || !window.fetch || !subject.form) { return; }
  var form = subject.form;
  var keyField = form.querySelector("input[name=submission_key]");
  var csrfField = form.querySelector("input[name=csrfmiddlewaretoken]");
  var formId = keyField ? keyField.value : "";
  var timer = null;
  var last = "";
  var reported = {};

  // Tell the desk a suggestion was shown or opened on this form (its submission key is the form id).
  function report(kind, slug) {
    var once = kind + ":" + slug;
    if (!formId || reported[once]) { return; }
    reported[once] = true;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfField ? csrfField.value : "");
    data.append("form_id", formId);
    data.append("kind", kind);
    data.append("article", slug);
    if (navigator.sendBeacon && navigator.sendBeacon(box.dataset.deflectionUrl, data)) { return; }
    fetch(box.dataset.deflectionUrl, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
      .catch(function () { /* best effort */ });
  }

  function render(results) {
    box.textContent = "";
    if (!results.length) { box.hidden = true; return; }
    var heading = document.createElement("p");
    heading.className = "fw-semibold mb-1";
    heading.textContent = "These articles may answer your question right away:";
    var list = document.createElement("ul");
    list.className = "list-unstyled mb-0";
    results.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "mb-1";
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      link.className = "kb-suggestion";
      var opened = function () { report("opened", item.slug); };
      link.addEventListener("click", opened);
      link.addEventListener("auxclick", opened);
      li.appendChild(link);
      if (item.snippet) {
        var snippet = document.createElement("div");
        snippet.className = "small text-body-secondary";
        snippet.textContent = item.snippet;
        li.appendChild(snippet);
      }
      list.appendChild(li);
      report("shown", item.slug);
    });
    box.appendChild(heading);
    box.appendChild(list);
    var note = document.createElement("p");
    note.className = "small text-body-secondary mb-0 mt-1";
    note.textContent = "Articles open in a new tab; what you've typed here stays.";
    box.appendChild(note);
    box.hidden = false;
  }

  function lookup() {
    var query = subject.value.trim();
    if (query === last) { return; }
    last = query;
    if (query.length < 3) { render([]); return; }
    fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (query === last) { render(data.results || []); } })
      .catch(function () { /* suggestions are optional */ });
  }

  subject.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 250);
  });
  if (subject.value) { lookup(); }
})();
