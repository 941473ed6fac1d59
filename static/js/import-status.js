/*
 * Follows a background import on its status page: asks the JSON endpoint named in
 * data-status-url once a second, moves the progress bar, and opens the stored delivery when
 * the import is done. Without JavaScript the page shows the same state on every reload.
 */
(function () {
  "use strict";

  var box = document.getElementById("import-status");
  if (!box) {
    return;
  }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-text");
  var list = document.getElementById("import-problems");
  var url = box.getAttribute("data-status-url");
  var failures = 0;

  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent + " %";
    text.textContent = status.text;
    box.setAttribute("data-state", status.state);
    if (status.state === "done" && status.url) {
      window.location.assign(status.url);
      return false;
    }
    if (status.state === "failed") {
      list.replaceChildren();
      status.problems.forEach(function (problem) {
        var item = document.createElement("li");
        item.textContent = problem;
        list.appendChild(item);
      });
      window.location.reload();  // the page itself then shows the failure and what to do
      return false;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (show(status)) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 3000);
        }
      });
  }

  window.setTimeout(poll, 1000);
})();
