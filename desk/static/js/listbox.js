// A suggestion list under a textarea, shared by the composer's "/" canned responses (canned.js)
// and "@" mentions (mentions.js): the list element with its ARIA roles, the highlighted option,
// arrows to move, Enter or Tab to pick, Escape or leaving the field to close. The caller decides
// what is typed to open it, what each option shows, and what picking one does.
//
//   var box = window.DeskListbox({ field: textarea, id: "x-suggestions", label: "…", className: "…",
//     optionId: function (item, index) {…}, render: function (li, item) {…},
//     pick: function (item) {…}, shown: function (item, items) {…}, closed: function () {…} });
//   box.open(items); box.close(); box.isOpen();
(function () {
  "use strict";

  window.DeskListbox = function (options) {
    var field = options.field;
    var list = document.createElement("ul");
    list.className = options.className + " list-group shadow-sm";
    list.id = options.id;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", options.label);
    list.hidden = true;
    field.parentNode.insertBefore(list, field.nextSibling);
    field.setAttribute("aria-autocomplete", "list");

    var items = [];
    var active = 0;

    function close() {
      var wasOpen = !list.hidden;
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      if (field.getAttribute("aria-controls") === list.id) {  // another list may be open on the field
        field.removeAttribute("aria-controls");
        field.removeAttribute("aria-activedescendant");
      }
      if (wasOpen && options.closed) { options.closed(); }
    }

    function pick(index) {
      var item = items[index];
      if (item !== undefined) { options.pick(item); }
    }

    function show() {
      list.innerHTML = "";
      if (!items.length) { close(); return; }
      items.forEach(function (item, index) {
        var li = document.createElement("li");
        li.id = options.optionId(item, index);
        li.className = "list-group-item list-group-item-action small" + (index === active ? " active" : "");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", index === active ? "true" : "false");
        options.render(li, item);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(index); });
        list.appendChild(li);
      });
      list.hidden = false;
      field.setAttribute("aria-controls", list.id);
      field.setAttribute("aria-activedescendant", options.optionId(items[active], active));
      if (options.shown) { options.shown(items[active], items); }
    }

    field.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        show();
      } else if ((event.key === "Enter" && !event.ctrlKey && !event.metaKey) || event.key === "Tab") {
        event.preventDefault();
        event.stopPropagation();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", function () { window.setTimeout(close, 150); });

    return {
      open: function (found) { items = found || []; active = 0; show(); },
      close: close,
      isOpen: function () { return !list.hidden; }
    };
  };
})();
