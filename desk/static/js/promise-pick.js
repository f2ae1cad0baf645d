// The reply form's promise picker. Without this file a reply that combines "Waiting on customer"
// with a picked time is refused beside the time field (the server applies the same rule).
// With it: when the ticket's policy pauses while waiting on the customer, choosing "Waiting on
// customer" disables the picker and says what will happen instead (data-waiting-note, written
// by the server from the policy, so the words match the email and the customer's page).
(function () {
  "use strict";

  var form = document.querySelector("form.reply-form[data-waiting-note]");
  if (!form) { return; }
  var status = form.querySelector("select[name=status_after]");
  var note = form.querySelector(".waiting-note");
  if (!status || !note) { return; }
  var pauses = form.getAttribute("data-waiting-pauses") === "true";
  var current = form.getAttribute("data-current-status");
  var pickers = form.querySelectorAll(".promise-picker select, .promise-picker input");

  function update() {
    // "Keep the current status" (empty) on a ticket already waiting keeps it waiting.
    var waiting = status.value === "waiting" || (status.value === "" && current === "waiting");
    note.hidden = !waiting;
    for (var i = 0; i < pickers.length; i++) {
      pickers[i].disabled = waiting && pauses;
    }
  }
  status.addEventListener("change", update);
  update();
})();
