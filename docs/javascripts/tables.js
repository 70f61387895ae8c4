/* kerasr docs: readable tables at every width (with extra.css).
   - Table cells get break opportunities (<wbr>, which copies as nothing): code may break after
     `.`, `_`, `$`, `(`, `/`, `+` and `-`, between the words of a CamelCase name, and every 16
     characters of a run that still has none (a SHA-256 digest); prose keeps its spaces, and
     only a long run without one (a URL) gets the code's breaks. So a narrow column breaks
     `keras.layers.Dense()` between its parts, not inside a word, and no table is wider than
     the page.
   - At phone width a table of three or more columns is shown as one card per row, each value
     under its column's name: this copies the names from the header into data-label attributes.
   Without JavaScript the tables stay tables, and their cells break anywhere to fit the page. */
const KERASR_BREAK_AFTER = /(?<=[._$(/+-])(?=\w)|(?<=[a-z])(?=[A-Z])/;
const KERASR_LONG_RUN = /\S{21,}/g;

function kerasrCodePieces(value) {
  return value.split(KERASR_BREAK_AFTER).flatMap((part) => part
    .replace(KERASR_LONG_RUN, (run) => run.match(/.{1,16}/g).join("\0")).split("\0"));
}

function kerasrTextPieces(value) {
  return value.replace(KERASR_LONG_RUN, (run) => kerasrCodePieces(run).join("\0")).split("\0");
}

function kerasrBreakCell(cell) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const split = text.parentElement.closest("code") ? kerasrCodePieces : kerasrTextPieces;
    const parts = split(text.nodeValue);
    if (parts.length < 2) continue;
    const pieces = document.createDocumentFragment();
    parts.forEach((part, i) => {
      if (i) pieces.append(document.createElement("wbr"));
      pieces.append(part);
    });
    text.replaceWith(pieces);
  }
}

// the width of the label column of a table's cards, in em: the widest name in bold, where a
// name longer than 6.5em counts its longest word (it breaks between words: "environment /
// variable"), never inside a word
function kerasrLabelWidth(table, names) {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap;font-weight:700";
  table.parentElement.append(probe);
  const size = parseFloat(getComputedStyle(probe).fontSize);
  const width = (text) => {
    probe.textContent = text;
    return probe.getBoundingClientRect().width / size;
  };
  let widest = 0;
  for (const name of names) {
    const whole = width(name);
    widest = Math.max(widest, whole <= 6.5 ? whole : Math.max(...name.split(/\s+/).map(width)));
  }
  probe.remove();
  return Math.min(Math.max(widest + 0.1, 3), 9);
}

function kerasrTables() {
  for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
    if (table.hasAttribute("data-kerasr")) continue;
    table.querySelectorAll("td").forEach(kerasrBreakCell);
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    if (names.length >= 3) {
      for (const row of table.querySelectorAll("tbody tr")) {
        Array.from(row.children).forEach((cell, i) => {
          if (names[i]) cell.setAttribute("data-label", names[i]);
        });
      }
      table.setAttribute("data-cards", "");
      table.style.setProperty("--kerasr-label", `${kerasrLabelWidth(table, names).toFixed(2)}em`);
    }
    table.setAttribute("data-kerasr", "");
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(kerasrTables);  // material's page-load stream (instant navigation too)
} else {
  document.addEventListener("DOMContentLoaded", kerasrTables);
}
