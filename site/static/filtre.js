// Amélioration progressive du filtre du référentiel : la page fonctionne sans JavaScript
// (le formulaire est envoyé au serveur) ; avec JavaScript, la liste se filtre pendant la frappe.
(function () {
  "use strict";
  var form = document.querySelector("form.filtre");
  var input = document.getElementById("q");
  var status = document.getElementById("resultat");
  if (!form || !input || !status) { return; }
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/œ/g, "oe").replace(/æ/g, "ae");
  }
  var items = Array.prototype.slice.call(document.querySelectorAll(".liste-competences li"));
  var total = items.length;
  input.addEventListener("input", function () {
    var words = fold(input.value).split(/\s+/).filter(function (word) { return word.length > 0; });
    var shown = 0;
    items.forEach(function (item) {
      var text = fold(item.getAttribute("data-recherche") || item.textContent);
      var keep = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !keep;
      if (keep) { shown += 1; }
    });
    document.querySelectorAll("section.pilier").forEach(function (section) {
      section.hidden = section.querySelectorAll(".liste-competences li:not([hidden])").length === 0;
    });
    status.textContent = shown + " compétence(s) affichée(s) parmi " + total + " sur cette page.";
  });
}());
