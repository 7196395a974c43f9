// Filter boxes of the overview: typing in the box above a table hides the rows
// that do not contain every typed word. Plain JavaScript; no framework.
(function () {
  "use strict";

  function tableAfter(input) {
    // MyST puts the box in a paragraph; the table follows it, maybe inside a wrapper
    var node = input.closest("p") || input;
    for (node = node.nextElementSibling; node; node = node.nextElementSibling) {
      var table = node.tagName === "TABLE" ? node : node.querySelector("table");
      if (table) {
        return table;
      }
    }
    return null;
  }

  function filter(input, table) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      rows[i].hidden = !match;
      shown += match ? 1 : 0;
    }
    input.setAttribute("data-shown", String(shown));
  }

  function setUp() {
    var inputs = document.querySelectorAll("input.apimap-filter");
    Array.prototype.forEach.call(inputs, function (input) {
      var table = tableAfter(input);
      if (!table) {
        return;
      }
      input.addEventListener("input", function () { filter(input, table); });
      var query = new URLSearchParams(window.location.search).get("filter");
      if (query) {
        input.value = query;
      }
      filter(input, table);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
