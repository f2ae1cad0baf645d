// A field's server-side error clears as soon as the person edits that field: the red border,
// the message and the ties to it (aria-invalid, aria-describedby) go together, so nothing
// still reads as wrong once it was fixed. The server checks everything again on submit.
// Loaded on every page (templates/base.html); it does nothing where no field has an error.
(function () {
  "use strict";

  function errorIds(element) {
    var described = (element && element.getAttribute("aria-describedby")) || "";
    return described.split(/\s+/).filter(function (id) { return /_error$/.test(id); });
  }

  function untie(element, ids) {
    var kept = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && ids.indexOf(id) === -1;
    });
    if (kept.length) {
      element.setAttribute("aria-describedby", kept.join(" "));
    } else {
      element.removeAttribute("aria-describedby");
    }
  }

  function clear(event) {
    var control = event.target;
    if (!control || !control.classList || !control.classList.contains("is-invalid")) {
      return;
    }
    // Radios and checkboxes of one field share their error: clear the whole group.
    var group = [control];
    if ((control.type === "radio" || control.type === "checkbox") && control.form && control.name) {
      group = Array.prototype.slice.call(control.form.querySelectorAll("input"))
        .filter(function (input) { return input.name === control.name; });
    }
    var fieldset = control.closest("fieldset");
    var ids = errorIds(control);
    if (fieldset && group.length > 1) {
      ids = ids.concat(errorIds(fieldset));
      untie(fieldset, ids);
    }
    group.forEach(function (input) {
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      untie(input, ids);
    });
    ids.forEach(function (id) {
      var message = document.getElementById(id);
      if (message) {
        message.hidden = true;
      }
    });
  }

  document.addEventListener("input", clear, true);
  document.addEventListener("change", clear, true);
})();
