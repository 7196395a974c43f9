// Labels every cell of apimap's tables with the heading of its column, for the one-block-per-row
// layout at phone width (apimap.css), marks the empty cells, and lets a long API name in a label
// column break after a dot or an underscore (in the overview, and at phone width), never inside
// a word. Loaded by conf.py.
"use strict";

function breakAfterDotsAndUnderscores(cell) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = text.data.split(/(?<=[._])/);
    if (parts.length < 2) continue;
    const pieces = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i > 0) pieces.append(document.createElement("wbr"));
      pieces.append(part);
    });
    text.replaceWith(pieces);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("article table.docutils")) {
    const headings = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    if (headings.length === 0) continue;
    table.classList.add("apimap-table");
    // the overview's tables: two columns of API names, which may break after a dot
    if (headings[0] === "PyTorch API" && headings.length === 4) table.classList.add("apimap-names");
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.cells).forEach((cell, column) => {
        cell.dataset.label = headings[column] ?? "";
        if (cell.textContent.trim() === "") cell.classList.add("apimap-blank");
        else if (column < headings.length - 1) breakAfterDotsAndUnderscores(cell);
      });
    }
  }
});
