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

// Les règles vérifiées : WCAG 2.1, niveaux A et AA.
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// Les violations axe-core de la page (axe-core déjà injecté), cinq nœuds au plus par règle.
async function axeViolations(page) {
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
  }, AXE_TAGS);
}

module.exports = { readSpec, axeSource, launch, axeViolations };
