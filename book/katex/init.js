// Rend les formules $…$ et $$…$$ du livre avec KaTeX (copie locale), une fois la page chargée.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (typeof renderMathInElement !== "function") { return; }
  var main = document.querySelector("main") || document.body;
  renderMathInElement(main, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false }
    ],
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code"],
    throwOnError: false
  });
});
