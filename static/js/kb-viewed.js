// A public article: count one read with a POST beacon. Reads are never counted on GET, where
// link prefetchers and crawlers would count too; the page shown again after a vote has no
// data-viewed-url, so it counts nothing.
(function () {
  "use strict";
  var article = document.querySelector("article.kb-article[data-viewed-url]");
  if (!article) { return; }
  var data = new FormData();
  data.append("csrfmiddlewaretoken", article.dataset.csrf || "");
  if (navigator.sendBeacon && navigator.sendBeacon(article.dataset.viewedUrl, data)) { return; }
  if (window.fetch) {
    fetch(article.dataset.viewedUrl, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
      .catch(function () { /* a read not counted is no loss */ });
  }
})();
