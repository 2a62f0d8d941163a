/* Two behaviours for every page (plain JavaScript, no text of its own: the messages come from the server).
 * - A form with data-confirm="…" asks for confirmation before it is sent (submit, decide, revoke).
 * - A refused form's error summary ([data-error-summary]) receives the focus when the page loads, so that
 *   the reader sees (and a screen reader announces) why, wherever the form is on the page; its links move
 *   the focus to each field.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var details = target.closest("details");
    if (details) details.open = true;
    target.scrollIntoView({block: "center"});
    target.focus();
  });

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.scrollIntoView({block: "start"});
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
