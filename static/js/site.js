/* Behaviour shared by every page (no inline script or handler anywhere: the Content-Security-Policy forbids them).
 *
 * - The language menu submits its form as soon as a language is chosen (without JavaScript, its button does).
 */
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
