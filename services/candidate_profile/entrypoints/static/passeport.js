// The passeport's page: a button to copy a new link. Without it the page still works: the
// link is in a read-only field, to select and copy by hand. (No inline script: the CSP.)
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.getElementById("lien-a-copier");
    if (!field || !navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Copier le lien";
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { status.textContent = "Lien copié : collez-le dans votre message."; },
        function () {
          field.select();
          status.textContent = "La copie n'a pas marché : le lien est sélectionné, copiez-le (Ctrl+C).";
        });
    });
    field.parentNode.insertAdjacentElement("afterend", button); // outside the field's grid
    button.insertAdjacentElement("afterend", status);
  });
})();
