// A bulk change running in the worker: poll its counters every second, show them, and reload
// the page (with its summary) once it is done. Without JavaScript, "Refresh" does the same.
(function () {
  "use strict";

  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  var total = document.querySelector(".bulk-total");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        if (data.state === "done") { window.location.reload(); return; }
        if (data.listed) {
          if (total) { total.textContent = ": " + data.total.toLocaleString() + " ticket" + (data.total === 1 ? "" : "s"); }
          bar.max = Math.max(data.total, 1);
          bar.value = data.done;
          text.textContent = data.done.toLocaleString() + " of " + data.total.toLocaleString() + " done: " +
            data.changed.toLocaleString() + " changed, " + data.skipped.toLocaleString() + " skipped.";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
