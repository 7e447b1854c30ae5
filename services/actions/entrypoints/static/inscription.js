// The registration form's list of persons: each option reads "Personne suivie · <commune>"
// until the profiles service gives the first names (/espace/api/prenoms, only the persons the
// référent may see); an <option> cannot hold the <span data-prenom> of spie.js, so it is done
// here. Without the script the form works as it is.
(function () {
  "use strict";
  function relabel() {
    var options = document.querySelectorAll("select[data-personnes] option[value]");
    var ids = [];
    options.forEach(function (o) { if (o.value && ids.indexOf(o.value) < 0) ids.push(o.value); });
    for (var i = 0; i < ids.length; i += 200) ask(ids.slice(i, i + 200), options);  // 200 per call at most
  }
  function ask(ids, options) {
    fetch("/espace/api/prenoms?ids=" + encodeURIComponent(ids.join(",")), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (names) {
        options.forEach(function (o) {
          var name = names[o.value];
          if (name) o.textContent = name + " · " + (o.dataset.commune || "");
        });
      })
      .catch(function () { /* the communes stay: the form still works */ });
  }
  document.addEventListener("DOMContentLoaded", relabel);
})();
