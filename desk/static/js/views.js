// The saved views' counts in the sidebar, refreshed every minute while the page is visible
// (each count is cached on the server for 30 seconds per view and agent).
(function () {
  "use strict";

  var sidebar = document.querySelector(".views-sidebar[data-counts-url]");
  if (!sidebar || !window.fetch || !sidebar.querySelector("[data-view-count]")) { return; }
  var url = sidebar.getAttribute("data-counts-url");

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.counts) { return; }
        Object.keys(data.counts).forEach(function (id) {
          var badge = sidebar.querySelector("[data-view-count='" + id + "']");
          if (badge) {
            badge.textContent = data.counts[id];
            badge.setAttribute("aria-label", data.counts[id] + " tickets");
          }
        });
      })
      .catch(function () { /* the next minute tries again */ });
  }
  window.setInterval(refresh, 60000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
