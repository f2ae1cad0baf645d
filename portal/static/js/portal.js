// Progressive enhancement for the customer portal; every form works without it.
(function () {
  "use strict";
  // Tell the desk the customer's time zone, so "we'll update you by 14:00" means their 14:00.
  var field = document.querySelector("input[name=timezone]");
  if (field && !field.value && window.Intl && Intl.DateTimeFormat) {
    try { field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep empty */ }
  }
})();
