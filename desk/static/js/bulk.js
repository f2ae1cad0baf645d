// The queue's bulk bar: select all on the page, say how many are selected, show only the fields
// the chosen action needs, and offer "all N matching" once the whole page is ticked. Without
// JavaScript every field shows and "Apply to" still offers all matching tickets.
(function () {
  "use strict";

  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.row-select"));
  var pageBox = document.querySelector("input.select-page");
  var count = form.querySelector(".bulk-count");
  var scope = form.querySelector("select[name=scope]");
  var action = form.querySelector("select[name=action]");

  function selected() { return boxes.filter(function (box) { return box.checked; }).length; }

  function update() {
    var n = selected();
    if (pageBox) {
      pageBox.checked = n > 0 && n === boxes.length;
      pageBox.indeterminate = n > 0 && n < boxes.length;
    }
    if (scope && scope.value === "all") {
      count.textContent = scope.options[scope.selectedIndex].text + ".";
    } else {
      count.textContent = n ? n + " selected." : "Tick tickets, or apply to all matching.";
    }
    boxes.forEach(function (box) { box.closest("tr").classList.toggle("is-selected", box.checked); });
  }

  function params() {
    var chosen = action ? action.value : "";
    form.querySelectorAll("[data-for]").forEach(function (field) {
      var wanted = (field.getAttribute("data-for") || "").split(" ");
      var holder = field.closest(".bulk-param") || field;
      holder.hidden = wanted.indexOf(chosen) === -1;
    });
  }

  if (pageBox) {
    pageBox.hidden = boxes.length === 0;
    pageBox.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = pageBox.checked; });
      update();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  if (scope) { scope.addEventListener("change", update); }
  if (action) { action.addEventListener("change", params); }
  form.addEventListener("submit", function (event) {
    if (scope && scope.value === "selected" && selected() === 0) {
      event.preventDefault();
      count.textContent = "Select at least one ticket first.";
    }
  });
  params();
  update();
})();
