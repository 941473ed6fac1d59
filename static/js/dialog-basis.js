/*
 * The data basis of a dialog: the Ladestand list offers only deliveries that existed on the
 * dialog's date (each option carries `data-ladestand`), as the form accepts nothing else. When
 * the date changes so that the chosen Ladestand is later, the newest one still possible is
 * chosen. The server checks the same rule again (dialogs/forms.py, DialogForm.clean).
 */
(function () {
  "use strict";

  function setUp(form) {
    var dateField = form.querySelector("input[name$='date'][type=date]");
    var select = form.querySelector("select[name$='delivery']");
    if (!dateField || !select) {
      return;
    }

    function filter() {
      var day = dateField.value; // ISO yyyy-mm-dd, compares as text
      var firstAllowed = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var ladestand = option.getAttribute("data-ladestand");
        var allowed = !ladestand || !day || ladestand <= day;
        option.hidden = !allowed;
        option.disabled = !allowed;
        if (allowed && ladestand && firstAllowed === null) {
          firstAllowed = option; // newest first
        }
      });
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.disabled) {
        select.value = firstAllowed ? firstAllowed.value : "";
      }
    }

    dateField.addEventListener("change", filter);
    filter();
  }

  function init() {
    document.querySelectorAll("form[data-dialog-basis]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
