/* "alle auswählen" for long lists of checkboxes (progressive enhancement). A checkbox named "<field>_all" in
   the same form controls the checkboxes named "<field>": ticking it ticks them all, unticking it clears them,
   and it shows whether all are ticked (indeterminate when some are). Without JavaScript the server reads the
   box as "every choice" (kitu.core.forms.take_all). Served from static (the CSP allows no inline script). */
(function () {
  "use strict";

  function wire(master) {
    var form = master.form;
    var name = master.name.slice(0, -"_all".length);
    if (!form || !name) return;
    var boxes = Array.prototype.filter.call(form.querySelectorAll('input[type="checkbox"]'), function (box) {
      return box.name === name;
    });
    if (!boxes.length) return;

    function sync() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      master.checked = ticked === boxes.length;
      master.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    if (master.checked) {
      boxes.forEach(function (box) { box.checked = true; });
    }
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
      master.indeterminate = false;
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('input[type="checkbox"][name$="_all"]'), wire);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
