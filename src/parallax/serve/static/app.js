// Parallax web app: progressive enhancement only; every page works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Token fields: remember the token for this browser session, so each form need not ask again.
  var KEY = "parallax-token";
  document.querySelectorAll("input.token").forEach(function (input) {
    try { input.value = input.value || sessionStorage.getItem(KEY) || ""; } catch (e) { /* storage off */ }
    if (input.form) {
      input.form.addEventListener("submit", function () {
        try { sessionStorage.setItem(KEY, input.value); } catch (e) { /* storage off */ }
      });
    }
  });

  // Article highlights: a checkbox per layer shows or hides it.
  var text = document.getElementById("article-text");
  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (text) { text.classList.toggle("hide-" + box.dataset.layer, !box.checked); }
    });
  });

  // Claim matrix: arrow keys move between cells (links, or the plain label of an omitted claim).
  var matrix = document.querySelector("table.matrix");
  if (matrix) {
    matrix.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
      var move = moves[event.key];
      var cell = event.target.closest("td.cell");
      if (!move || !cell) { return; }
      var row = cell.parentElement;
      var rows = Array.prototype.slice.call(matrix.tBodies[0].rows);
      var r = rows.indexOf(row) + move[0];
      var c = cell.cellIndex + move[1];
      if (r < 0 || r >= rows.length || c < 0 || c >= rows[r].cells.length) { return; }
      var target = rows[r].cells[c].querySelector("a, .cell-text");
      if (target) { event.preventDefault(); target.focus(); }
    });
  }

  // Ingest job: poll its progress until it is finished.
  var job = document.getElementById("job");
  if (job && job.dataset.finished !== "true") {
    var set = function (id, value) { var el = document.getElementById(id); if (el) { el.textContent = String(value); } };
    var poll = function () {
      fetch("/api/v1/jobs/" + encodeURIComponent(job.dataset.job), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var counts = data.counts || {};
          set("job-state", data.state);
          set("job-processed", data.processed);
          ["stored", "duplicate", "unchanged", "failed"].forEach(function (k) { set("job-" + k, counts[k] || 0); });
          set("job-placed", data.placed);
          var list = document.getElementById("job-failures");
          if (list) {
            list.textContent = "";
            (data.failures || []).forEach(function (f) {
              var item = document.createElement("li");
              item.textContent = f.source + ": " + f.reason;
              list.appendChild(item);
            });
          }
          if (data.error) { set("job-status", "Failed: " + data.error); }
          if (data.finished) { job.dataset.finished = "true"; } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  }
})();
