// Desk composer: search help articles and insert a Markdown link at the cursor.
// Without this file the "Insert article link" button re-renders the page with the link added.
(function () {
  "use strict";
  var picker = document.querySelector(".kb-insert");
  if (!picker) { return; }
  var form = picker.closest("form");
  var body = form ? form.querySelector("textarea[name=body]") : null;
  var select = picker.querySelector("select");
  var search = picker.querySelector(".kb-insert-search");
  var button = picker.querySelector(".kb-insert-button");
  if (!body || !select || !button) { return; }
  var site = picker.dataset.siteUrl || window.location.origin;
  var timer = null;

  if (search && window.fetch) {
    search.classList.remove("d-none");
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var query = search.value.trim();
        if (query.length < 3) { return; }
        fetch(picker.dataset.suggestUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (!data.results || !data.results.length) { return; }
            select.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.slug;
              option.dataset.url = item.url;
              option.dataset.markdown = item.markdown;
              option.textContent = item.title;
              select.appendChild(option);
            });
          })
          .catch(function () { /* keep the list as it is */ });
      }, 250);
    });
  }

  button.addEventListener("click", function (event) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) { return; }
    event.preventDefault();
    // The server writes the link (knowledgebase/links.py), so every way of inserting one agrees.
    var link = option.dataset.markdown || "[" + option.textContent.trim() + "](" + site + option.dataset.url + ")";
    var start = body.selectionStart || body.value.length;
    var end = body.selectionEnd || start;
    var before = body.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? " " : "";
    body.value = before + glue + link + body.value.slice(end);
    var caret = (before + glue + link).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
