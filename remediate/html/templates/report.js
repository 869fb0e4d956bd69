(function () {
  "use strict";
  var table = document.getElementById("pair-table");
  if (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var verdict = document.getElementById("filter-verdict");
    var check = document.getElementById("filter-check");
    var search = document.getElementById("filter-text");
    var shown = document.getElementById("filter-count");
    var apply = function () {
      var q = search.value.trim().toLowerCase();
      var n = 0;
      rows.forEach(function (row) {
        var ok = (!verdict.value || row.dataset.verdict === verdict.value) &&
          (!check.value || (" " + row.dataset.checks + " ").indexOf(" " + check.value + " ") >= 0) &&
          (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) { n += 1; }
      });
      shown.textContent = n + " of " + rows.length + " pairs shown";
    };
    [verdict, check].forEach(function (el) { el.addEventListener("change", apply); });
    search.addEventListener("input", apply);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.dataset.type === "num";
        // Missing values (null) go last whichever the direction.
        var key = function (row) {
          var cell = row.cells[col];
          var v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
          if (v === "") { return null; }
          if (!numeric) { return v.toLowerCase(); }
          var f = parseFloat(v);
          return isNaN(f) ? null : f;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === y) { return 0; }
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          return (x < y ? -1 : 1) * (asc ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-show-verdict]"), function (card) {
      card.addEventListener("click", function (event) {
        event.preventDefault();
        verdict.value = card.dataset.showVerdict;
        check.value = "";
        search.value = "";
        apply();
        document.getElementById("pairs").scrollIntoView();
      });
    });
    apply();
  }
  // The "before" players of fixed pairs play the audio already in the pair's card
  // (embedding it twice would double the file).
  Array.prototype.forEach.call(document.querySelectorAll("audio[data-same-as]"), function (el) {
    var source = document.querySelector("#" + el.dataset.sameAs + " audio[src]");
    if (source) { el.src = source.getAttribute("src"); }
  });
  // Likewise their "before" pictures show the picture already in the card.
  Array.prototype.forEach.call(document.querySelectorAll("img[data-same-as]"), function (el) {
    var source = document.querySelector("#" + el.dataset.sameAs + " img[src]");
    if (source) { el.src = source.getAttribute("src"); }
  });
  var printButton = document.getElementById("print-rerecord");
  if (printButton) {
    printButton.addEventListener("click", function () {
      document.body.classList.add("print-rerecord");
      window.print();
    });
    window.addEventListener("afterprint", function () {
      document.body.classList.remove("print-rerecord");
    });
  }
})();
