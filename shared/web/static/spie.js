// The pages' shared script (served under /commun/; no inline script: the front door's CSP).
// Every page works without it; it only fills in what another service owns, through the
// browser's own session, so that no service calls another:
//  - <span data-prenom="CANDIDATE_ID">…</span>: the person's first name, asked of the profiles
//    service (/espace/api/prenoms?ids=…, only the people the référent may see);
//  - <div data-fragment="/boite/personnes/ID">…</div>: an HTML fragment of another service
//    (the proposals made for a person, kept by the notifier) replaces the element's content.
(function () {
  "use strict";
  function firstNames() {
    var spans = document.querySelectorAll("[data-prenom]");
    if (!spans.length) return;
    var ids = [];
    spans.forEach(function (s) { if (ids.indexOf(s.dataset.prenom) < 0) ids.push(s.dataset.prenom); });
    fetch("/espace/api/prenoms?ids=" + encodeURIComponent(ids.join(",")), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (names) {
        spans.forEach(function (s) {
          var name = names[s.dataset.prenom];
          if (name) { s.textContent = name; s.classList.add("prenom-connu"); }
        });
      })
      .catch(function () { /* the reference stays: nothing is lost */ });
  }
  // <span data-pistes="CANDIDATE_ID"></span>: how many proposals await a decision (notifier).
  function openCounts() {
    var spans = document.querySelectorAll("[data-pistes]");
    if (!spans.length) return;
    var ids = [];
    spans.forEach(function (s) { if (ids.indexOf(s.dataset.pistes) < 0) ids.push(s.dataset.pistes); });
    fetch("/boite/api/nouvelles?ids=" + encodeURIComponent(ids.join(",")), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (counts) {
        spans.forEach(function (s) {
          var n = counts[s.dataset.pistes];
          if (n) {
            s.textContent = n + (n > 1 ? " nouvelles pistes" : " nouvelle piste");
            s.className = "badge new";
          }
        });
      })
      .catch(function () {});
  }
  function fragments() {
    document.querySelectorAll("[data-fragment]").forEach(function (el) {
      fetch(el.dataset.fragment, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
        .then(function (html) { el.innerHTML = html; el.setAttribute("aria-busy", "false"); })
        .catch(function () {
          el.setAttribute("aria-busy", "false");
          el.textContent = "Ces informations ne sont pas disponibles pour le moment.";
        });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { firstNames(); openCounts(); fragments(); });
})();
