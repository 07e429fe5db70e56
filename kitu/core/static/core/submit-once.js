/* Submit buttons disable while their form is being sent, so a double click posts once (UX.md, "Long work").
   Served from static (the CSP allows no inline script). Forms sent by htmx are re-enabled when its request
   ends; a page restored from the back/forward cache gets its buttons back. */
(function () {
  "use strict";

  function buttons(form) {
    var own = Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
    if (form.id) {
      own = own.concat(Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"][type=submit]')));
    }
    return own;
  }

  function setBusy(form, busy) {
    if (busy) form.setAttribute("aria-busy", "true"); else form.removeAttribute("aria-busy");
    buttons(form).forEach(function (button) {
      if (busy) {
        button.dataset.kituSending = "1";
        button.disabled = true;
      } else if (button.dataset.kituSending) {
        delete button.dataset.kituSending;
        button.disabled = false;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    if (event.defaultPrevented || form.hasAttribute("hx-post")) return;  /* htmx sends it: see below */
    /* after the browser has taken the form data (with the pressed button's name and value) */
    window.setTimeout(function () { setBusy(form, true); }, 0);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && (form.getAttribute("hx-post") !== null)) setBusy(form, true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement) setBusy(form, false);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[aria-busy]"), function (form) { setBusy(form, false); });
    }
  });
})();
