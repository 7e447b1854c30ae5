// The catalogue's forms (no inline script: the front door's CSP). Without this script the
// forms still work: a trade is typed as words or a ROME code, a commune as a name or a code.
//  - an input with data-suggest="metiers" offers ROME appellations (/actions/api/metiers);
//  - an input with data-suggest="communes" offers communes (/actions/api/communes).
(function () {
  "use strict";
  var SOURCES = {
    metiers: function (found) { return found.map(function (t) { return t.libelle; }); },
    communes: function (found) { return found; }
  };
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function fill(list, labels) {
    list.textContent = "";
    labels.forEach(function (label) {
      var option = document.createElement("option");
      option.value = label;
      list.appendChild(option);
    });
  }
  function offer(input) {
    var kind = input.getAttribute("data-suggest");
    var list = document.getElementById(input.getAttribute("list"));
    if (!SOURCES[kind] || !list) return;
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || /\(\w{5}\)$/.test(q)) return;
      fetch("/actions/api/" + kind + "?q=" + encodeURIComponent(q),
            {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { fill(list, SOURCES[kind](found)); })
        .catch(function () { fill(list, []); });
    }, 200));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(offer);
  });
})();
