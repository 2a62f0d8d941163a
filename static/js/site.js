/* Behaviour shared by every page (no inline script or handler anywhere: the Content-Security-Policy forbids them).
 *
 * - The language menu submits its form as soon as a language is chosen (without JavaScript, its button does).
 * - On phones (≤ 600 px, see grappe.css) the header's links fold behind a "Menu" button.
 * - Wide tables (inside .table-wrap) become stacked cards on phones: each cell is labelled with its column
 *   header (data-label). Without JavaScript the table scrolls sideways inside its frame instead.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var select = document.getElementById("language-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }

  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function headerText(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap > table"), function (table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) { return; }
    var labels = Array.prototype.map.call(head.cells, headerText);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          if (label && !cell.hasAttribute("data-label") && !(cell.tagName === "TH" && column === 0)) {
            cell.setAttribute("data-label", label);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stacked");
  });
})();
