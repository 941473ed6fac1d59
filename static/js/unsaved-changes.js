/*
 * Forms marked `data-unsaved-warning` (the minutes' draft, the Jobcenter's comments): once a
 * field changed, leaving the page — a link, reload, closing the tab — asks first; saving the
 * form does not. A page that came back with what the user typed but did not save (an error, a
 * conflict) starts as changed (`data-unsaved-warning="ungespeichert"`). The form's
 * `[data-unsaved-status]` element says whether there is anything unsaved.
 */
(function () {
  "use strict";

  function setUp(form) {
    var dirty = form.getAttribute("data-unsaved-warning") === "ungespeichert";
    var status = form.querySelector("[data-unsaved-status]");
    var saved = status ? status.textContent : "";

    function show() {
      form.toggleAttribute("data-dirty", dirty);
      if (status) {
        status.textContent = dirty ? "Ungespeicherte Änderungen" : saved;
      }
    }

    function changed(event) {
      if (event.target && event.target.type === "hidden") {
        return;
      }
      if (!dirty) {
        dirty = true;
        show();
      }
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = ""; // older browsers show their own question only with this set
      }
    });
    show();
  }

  function init() {
    document.querySelectorAll("form[data-unsaved-warning]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
