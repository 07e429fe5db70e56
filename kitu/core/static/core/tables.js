/* A table wider than the screen scrolls inside its own box (kitu.css). So that people without a mouse can
   scroll it too, such a box becomes focusable and is named after the table's caption or the heading above it.
   Boxes that fit are left alone; checked again when the window changes size. */
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var el = box.previousElementSibling || box.parentElement; el; el = el.previousElementSibling || el.parentElement) {
      if (/^H[1-6]$/.test(el.tagName)) { return el.textContent.trim(); }
      if (el.tagName === "MAIN") { break; }
    }
    return document.title;
  }

  function mark() {
    document.querySelectorAll("main .kern-table-responsive, main table").forEach(function (box) {
      if (box.tagName === "TABLE" && box.closest(".kern-table-responsive")) { return; }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.kituScroll = "1";
        if (box.tagName !== "TABLE") { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", nameOf(box));
        }
      } else if (!scrolls && box.dataset.kituScroll) {
        box.removeAttribute("tabindex");
        delete box.dataset.kituScroll;
      }
    });
  }

  mark();
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 200); });
})();
