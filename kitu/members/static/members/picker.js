// Member picker: a ticked search result moves into the chosen list, so the next search keeps it.
(function () {
  if (window.kituPicker) return;
  window.kituPicker = true;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.checked) return;
    var results = input.closest(".kitu-picker__results");
    if (!results) return;
    var picker = results.closest("[data-picker]");
    var chosen = picker.querySelector(".kitu-picker__chosen");
    var row = input.closest(".kern-form-check");
    if (!picker.hasAttribute("data-multiple")) {
      chosen.querySelectorAll(".kern-form-check").forEach(function (old) {
        if (old.querySelector("input").value !== "") old.remove();
      });
    }
    chosen.appendChild(row);
    input.focus();
  });
})();
