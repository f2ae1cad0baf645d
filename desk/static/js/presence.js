// Presence on the desk's ticket page: who else has it open or is writing to it, and what changed
// in the conversation since this page was loaded (desk/presence.py, desk/views/presence.py).
// A heartbeat every few seconds while the tab is visible; none while it is hidden (it drops out
// when its key expires) and one at once when it is shown or focused again. Closing the page says
// goodbye. Without this file nothing shows, and sending over a changed conversation still asks.
(function () {
  "use strict";

  var bar = document.getElementById("presence");
  var form = document.querySelector("form.reply-form");
  if (!bar || !form || !window.fetch || !window.FormData) { return; }
  var url = bar.getAttribute("data-presence-url");
  var seconds = Math.max(parseInt(bar.getAttribute("data-presence-seconds"), 10) || 10, 1);
  var others = bar.querySelector(".presence-others");
  var changes = bar.querySelector(".presence-changes");
  var changesText = bar.querySelector(".presence-changes-text");
  var reload = bar.querySelector(".presence-reload");
  var body = form.querySelector("textarea[name=body]");
  var seen = form.querySelector("input[name=seen]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var TYPING_MS = 15000; // "is typing" for this long after the last key
  var timer = null;
  var busy = false;
  var again = false; // something to tell came up while a heartbeat was on its way
  var lastTyped = 0;
  var told = null; // the state the last heartbeat said

  function state() {
    if (Date.now() - lastTyped > TYPING_MS) { return "viewing"; }
    var checked = form.querySelector("input[name=visibility]:checked");
    return checked && checked.value === "note" ? "note" : "reply";
  }

  function payload(now) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append("state", now);
    if (seen && seen.value) { data.append("seen", seen.value); }
    return data;
  }

  function show(answer) {
    var people = (answer.others || []).map(function (other) { return other.name + " " + other.doing; });
    others.textContent = people.join(" · ");
    others.hidden = !people.length;
    var news = answer.changes || [];
    changes.hidden = !news.length;
    if (!news.length) { return; }
    var drafted = body && body.value.trim();
    changesText.textContent = "Since you opened this ticket: " + news.join("; ") + (answer.more ? "; and more" : "") + "." +
      (drafted ? " Press Send to see it first: nothing goes out before you confirm, and your text is kept." : "");
    reload.hidden = Boolean(drafted); // reloading would lose the draft
  }

  function beat() {
    if (busy) { again = true; return; }
    busy = true;
    again = false;
    told = state();
    fetch(url, { method: "POST", body: payload(told), credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { show(answer); } })
      .catch(function () { /* offline for a moment: the next beat tries again */ })
      .then(function () {
        busy = false;
        if (again && timer) { beat(); }
      });
  }

  function stop() {
    if (timer) { window.clearInterval(timer); timer = null; }
  }

  function start() {
    stop();
    if (document.hidden) { return; }
    beat();
    timer = window.setInterval(beat, seconds * 1000);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { start(); }
  });
  window.addEventListener("focus", function () { if (!timer) { start(); } });
  window.addEventListener("pageshow", function (event) { if (event.persisted) { start(); } });
  window.addEventListener("pagehide", function () {
    stop();
    if (navigator.sendBeacon) { navigator.sendBeacon(url, payload("left")); }
  });
  // Typing (or switching between reply and note) is told at once, not at the next beat.
  function maybeTell() { if (state() !== told) { beat(); } }
  if (body) { body.addEventListener("input", function () { lastTyped = Date.now(); maybeTell(); }); }
  form.addEventListener("change", maybeTell);
  start();
})();
