/*
 * After a form comes back with errors, put the keyboard focus where the user has to act: the
 * first field marked invalid (its German message sits next to it and is linked through
 * aria-describedby), otherwise the error alert at the top of the page, which screen readers
 * then read out. Pages without errors are left alone.
 */
(function () {
  "use strict";

  function focusFirstError() {
    var field = document.querySelector(
      "form :is(input, select, textarea):is(.is-invalid, [aria-invalid=true]):not([type=hidden])"
    );
    if (field && typeof field.focus === "function" && !field.disabled) {
      field.focus();
      return;
    }
    var alert = document.querySelector("main .alert-danger[role=alert]");
    if (alert) {
      if (!alert.hasAttribute("tabindex")) {
        alert.setAttribute("tabindex", "-1");
      }
      alert.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
