// The diagnostic's trades fields: as the référent types, ROME appellations are offered in the
// field's <datalist> (asked of /espace/api/metiers). Without this script the fields stay plain
// text, and the service still finds the ROME code of a trade typed in full.
(function () {
  "use strict";
  var timer = null;
  function offer(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var typed = input.value.trim();
    if (!list || typed.length < 2) return;
    fetch("/espace/api/metiers?q=" + encodeURIComponent(typed), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        list.textContent = "";
        found.forEach(function (m) {
          var option = document.createElement("option");
          option.value = m.libelle;
          list.appendChild(option);
        });
      })
      .catch(function () { /* no suggestion: the field still takes what is typed */ });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-suggest]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { offer(input); }, 200);
  });
})();
// A form shown again with errors: the summary takes the focus, so that it is read first and its
// links lead to each field.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary) summary.focus();
});
