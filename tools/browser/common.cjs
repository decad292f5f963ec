// Ce que partagent les scripts de navigateur des tests (audit.cjs, journey.cjs) : lire la spec
// donnée en argument, charger axe-core et lancer Chromium sans rien télécharger.
const fs = require("fs");
const { chromium } = require("playwright-core");

// La spec JSON passée en premier argument ; son dossier de sortie est créé.
function readSpec(script) {
  const specFile = process.argv[2];
  if (!specFile) {
    console.error(`usage : node ${script} <fichier-spec.json>`);
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
  fs.mkdirSync(spec.out, { recursive: true });
  return spec;
}

// Le code d'axe-core, injecté dans chaque page auditée.
function axeSource() {
  return fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
}

// Chromium sans tête, sans réseau de fond ni mise à jour.
function launch(spec) {
  return chromium.launch({
    executablePath: spec.chromium,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

module.exports = { readSpec, axeSource, launch };
