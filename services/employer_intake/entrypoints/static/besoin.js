// The need form (no inline script: the front door's CSP). Without it the form still works:
// the server proposes the ROME code on checking, and the commune is typed as a name or code.
//  - the title offers ROME appellations (/federation/api/metiers) and proposes the first as
//    the need's trade; "Retenir ce métier" fills the ROME code and offers the fiche's skills;
//  - the commune offers the communes whose name starts as typed (/federation/api/communes).
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; });
  }
  function fillList(list, labels) {
    list.textContent = "";
    labels.forEach(function (label) {
      var option = document.createElement("option");
      option.value = label;
      list.appendChild(option);
    });
  }
  function offerSkills(rome, fiche) {
    var box = document.getElementById("competences-fiche");
    if (!box) return;
    getJSON("/federation/api/competences?rome=" + encodeURIComponent(rome)).then(function (skills) {
      var ticked = [];
      box.querySelectorAll("input[name=skills]:checked").forEach(function (c) { ticked.push(c.value); });
      box.textContent = "";
      if (!skills.length) return;
      var set = document.createElement("fieldset");
      set.className = "field choices";
      var legend = document.createElement("legend");
      legend.textContent = "Compétences de la fiche « " + fiche + " » : cochez celles du poste";
      set.appendChild(legend);
      skills.forEach(function (skill, i) {
        var row = document.createElement("div");
        row.className = "choice";
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = "skills";
        input.value = skill;
        input.id = "champ-skills-js-" + i;
        input.checked = ticked.indexOf(skill) >= 0;
        var label = document.createElement("label");
        label.htmlFor = input.id;
        label.textContent = skill;
        row.appendChild(input);
        row.appendChild(label);
        set.appendChild(row);
      });
      box.appendChild(set);
    });
  }
  function propose(zone, trade) {
    zone.textContent = "";
    if (!trade) return;
    var p = document.createElement("p");
    p.className = "hint";
    p.textContent = "Métier proposé : " + trade.libelle + " (fiche « " + trade.fiche + " », " + trade.code_rome + "). ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "Retenir ce métier";
    button.addEventListener("click", function () {
      var code = document.getElementById("champ-rome_code");
      if (code) code.value = trade.code_rome;
      p.textContent = "Métier retenu : " + trade.libelle + " (" + trade.code_rome + ").";
      offerSkills(trade.code_rome, trade.fiche);
    });
    p.appendChild(button);
    zone.appendChild(p);
  }
  function trades() {
    var title = document.getElementById("champ-title");
    var list = document.getElementById("metiers-liste");
    var zone = document.getElementById("rome-proposition");
    if (!title || !list || !zone) return;
    var byLabel = {};
    title.addEventListener("input", debounce(function () {
      var q = title.value.trim();
      if (q.length < 2) { fillList(list, []); propose(zone, null); return; }
      getJSON("/federation/api/metiers?q=" + encodeURIComponent(q)).then(function (found) {
        byLabel = {};
        found.forEach(function (t) { byLabel[t.libelle] = t; });
        fillList(list, found.map(function (t) { return t.libelle; }));
        propose(zone, byLabel[title.value] || found[0]);
      });
    }, 250));
  }
  function communes() {
    var input = document.getElementById("champ-commune");
    var list = document.getElementById("communes-liste");
    if (!input || !list) return;
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || /\(\w{5}\)$/.test(q)) return;
      getJSON("/federation/api/communes?q=" + encodeURIComponent(q)).then(function (found) {
        fillList(list, found.map(function (c) { return c.label; }));
      });
    }, 200));
  }
  document.addEventListener("DOMContentLoaded", function () { trades(); communes(); });
})();
