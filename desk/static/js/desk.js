// Small progressive enhancements for the agent desk; everything works without them.
(function () {
  "use strict";

  // Keyboard shortcuts ("/" for search and the rest) live in shortcuts.js.

  // The composer says plainly whether the customer will see what you write.
  var form = document.querySelector("form.reply-form");
  if (!form) { return; }
  var card = form.closest(".composer");
  var hint = form.querySelector(".composer-hint");
  var button = form.querySelector(".reply-submit");
  var customer = form.getAttribute("data-customer") || "the customer";

  function update() {
    var checked = form.querySelector("input[name=visibility]:checked");
    var note = checked && checked.value === "note";
    card.classList.toggle("is-note", note);
    button.textContent = note ? "Add internal note" : "Send reply to " + customer;
    hint.textContent = note ? "Only agents will see this note." : "This reply will be emailed to " + customer + ".";
  }
  form.addEventListener("change", update);
  update();

  // Ctrl+Enter (or Cmd+Enter) sends.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); }
  });
})();
