/* The report status page: fetch the status fragment every data-poll-seconds until the report is finished
 * (without JavaScript, the page's <noscript> refresh does the same). */
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.getAttribute("data-finished") === "1" || !window.fetch) {
    return;
  }
  var delay = 1000 * (parseInt(box.getAttribute("data-poll-seconds"), 10) || 2);
  function poll() {
    fetch(box.getAttribute("data-url"), {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
      box.innerHTML = html;
      if (!box.querySelector("[data-finished='1']")) { setTimeout(poll, delay); }
    }).catch(function () { setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
