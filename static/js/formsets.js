/*
 * "Add row" buttons of the agreement editor (Weiteres Ziel, Weiterer Umsetzungsschritt,
 * Weitere Unterschrift). Each formset's empty form is rendered into a <template> with
 * "__prefix__" in its names and ids; a click copies it with the next form index, counts it in
 * <prefix>-TOTAL_FORMS, moves the focus to its first field and announces it in the polite
 * live region. Without JavaScript the buttons stay hidden and the server's blank rows serve.
 */
(function () {
  "use strict";

  var status = document.querySelector("[data-formset-status]");

  function announce(text) {
    if (!status) {
      return;
    }
    // Emptied first so that the same message is read again on the next click.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 100);
  }

  function setUp(button) {
    var prefix = button.getAttribute("data-formset-add");
    var form = button.form;
    var rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var total = form && form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = form && form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    if (!rows || !template || !total) {
      return;
    }
    var limit = max && max.value !== "" ? parseInt(max.value, 10) : Infinity;
    // A browser restoring form state on "Back" may bring back an old count; the rows on the
    // page are what will be posted.
    total.value = String(rows.querySelectorAll("[data-formset-row]").length);

    function refresh() {
      var full = parseInt(total.value, 10) >= limit;
      button.disabled = full;
    }

    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= limit) {
        return;
      }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.querySelector("[data-formset-row]");
      rows.appendChild(row);
      total.value = String(index + 1);
      refresh();
      var first = row.querySelector(
        "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
      );
      if (first) {
        first.focus();
      }
      announce(button.getAttribute("data-formset-added") || "Zeile hinzugefügt");
    });

    refresh();
    var controls = button.closest("[data-formset-controls]");
    if (controls) {
      controls.hidden = false;
    }
    var hint = document.querySelector('[data-formset-hint="' + prefix + '"]');
    if (hint) {
      hint.hidden = true;
    }
  }

  function init() {
    document.querySelectorAll("button[data-formset-add]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
