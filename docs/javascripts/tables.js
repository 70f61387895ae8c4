/* kerasr docs: readable tables at every width (with extra.css).
   - Code in a table may break after `.`, `_`, `$` and `(`, and between the words of a
     CamelCase name (a <wbr>, which copies as nothing), so a narrow column breaks
     `keras.layers.Dense()` between its parts, not inside a word.
   - At phone width a table of three or more columns is shown as one card per row, each value
     under its column's name: this copies the names from the header into data-label attributes.
   Without JavaScript the tables stay tables; their code breaks anywhere to fit the page. */
function kerasrBreakCode(code) {
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = text.nodeValue.split(/(?<=[._$(])(?=\w)|(?<=[a-z])(?=[A-Z])/);
    if (parts.length < 2) continue;
    const pieces = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i) pieces.append(document.createElement("wbr"));
      pieces.append(part);
    });
    text.replaceWith(pieces);
  }
}

function kerasrTables() {
  for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
    if (table.hasAttribute("data-kerasr")) continue;
    table.querySelectorAll("code").forEach(kerasrBreakCode);
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    if (names.length >= 3) {
      for (const row of table.querySelectorAll("tbody tr")) {
        Array.from(row.children).forEach((cell, i) => {
          if (names[i]) cell.setAttribute("data-label", names[i]);
        });
      }
      table.setAttribute("data-cards", "");
    }
    table.setAttribute("data-kerasr", "");
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(kerasrTables);  // material's page-load stream (instant navigation too)
} else {
  document.addEventListener("DOMContentLoaded", kerasrTables);
}
