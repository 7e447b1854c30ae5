// The import form with a progress bar (no inline script: the front door's CSP). Without this
// script the form posts as usual and the result page shows; with it, the file goes up by XHR,
// <progress> follows the upload, and the result page's content replaces the form's.
(function () {
  "use strict";
  function showResult(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!next || !main) { document.open(); document.write(html); document.close(); return; }
    main.innerHTML = next.innerHTML;
    document.title = doc.title;
    var h1 = main.querySelector("h1");
    if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("import-form");
    if (!form || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files.length) return; // the server says what is missing
      event.preventDefault();
      var zone = document.getElementById("import-avancement");
      var bar = document.getElementById("import-progression");
      var state = document.getElementById("import-etat");
      zone.hidden = false;
      bar.value = 0;
      state.textContent = "Envoi du fichier…";
      form.querySelector("button[type=submit]").disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        state.textContent = "Fichier envoyé : vérification et publication des lignes…";
      });
      xhr.addEventListener("load", function () { showResult(xhr.responseText); });
      xhr.addEventListener("error", function () {
        state.textContent = "L'envoi a échoué. Vérifiez votre connexion et réessayez.";
        form.querySelector("button[type=submit]").disabled = false;
      });
      xhr.send(new FormData(form));
    });
  });
})();
