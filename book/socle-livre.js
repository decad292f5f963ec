// Ajustements du livre socle après chargement : libellés en français des boutons de mdBook,
// rôle de bouton pour l'interrupteur de la table des matières, blocs de code défilants
// atteignables au clavier.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var labels = {
    "mdbook-sidebar-toggle": "Afficher ou masquer la table des matières",
    "mdbook-theme-toggle": "Changer de thème",
    "mdbook-search-toggle": "Rechercher dans le livre",
    "print-button": "Imprimer le livre"
  };
  Object.keys(labels).forEach(function (id) {
    var element = document.getElementById(id);
    if (element) {
      element.setAttribute("title", labels[id]);
      element.setAttribute("aria-label", labels[id]);
    }
  });
  var toggle = document.getElementById("mdbook-sidebar-toggle");
  if (toggle && toggle.tagName === "LABEL") {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("tabindex", "0");
  }
  document.querySelectorAll("a[rel='prev']").forEach(function (link) {
    link.setAttribute("title", "Chapitre précédent");
    link.setAttribute("aria-label", "Chapitre précédent");
  });
  document.querySelectorAll("a[rel='next'], a[rel='next prefetch']").forEach(function (link) {
    link.setAttribute("title", "Chapitre suivant");
    link.setAttribute("aria-label", "Chapitre suivant");
  });
  document.querySelectorAll("pre > code").forEach(function (code) {
    code.setAttribute("tabindex", "0");
  });
  document.querySelectorAll(".table-wrapper").forEach(function (wrapper) {
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", "Tableau (défilement horizontal possible)");
  });
});
