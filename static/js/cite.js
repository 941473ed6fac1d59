/*
 * Spring review: a button beside a final assessment's reason quotes one of the Jobcenter's
 * explanations into it (data-cite-target: the textarea's id, data-cite-text: the quote).
 * The quote is added on a new line after what is there, and the focus goes to the reason.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-cite-target]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-cite-target"));
    if (!field) {
      return;
    }
    var quote = "„" + button.getAttribute("data-cite-text") + "“";
    if (field.value.indexOf(quote) === -1) {
      field.value = field.value.trim() ? field.value.replace(/\s+$/, "") + "\n" + quote : quote;
    }
    field.focus();
  });
})();
