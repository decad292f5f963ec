// Audit navigateur des pages de socle : ouvre chaque page dans Chromium sans interface,
// vérifie le code HTTP, relève les erreurs de console et les violations axe-core des règles
// WCAG 2.1 A/AA, et garde une capture d'écran de chaque page.
//
// Utilisation : node audit.cjs <fichier-spec.json>
// La spec : { "base": "http://127.0.0.1:PORT", "out": "DOSSIER", "chromium": "/usr/bin/chromium",
//             "pages": [ { "path": "/", "status": 200, "name": "accueil" }, … ] }
// Résultat (sortie standard, JSON) : [ { "path", "status", "expected", "console", "violations", "screenshot" } ]
"use strict";

const path = require("path");
const { readSpec, axeSource: loadAxe, launch, axeViolations } = require("./common.cjs");

async function auditPage(context, axeSource, spec, page) {
  const tab = await context.newPage();
  const consoleErrors = [];
  tab.on("console", (message) => {
    if (message.type() === "error") {
      consoleErrors.push(message.text());
    }
  });
  tab.on("pageerror", (error) => consoleErrors.push(String(error)));
  const failed = [];
  tab.on("response", (response) => {
    if (response.status() >= 400 && response.url() !== spec.base + page.path) {
      failed.push(response.status() + " " + response.url());
    }
  });
  const response = await tab.goto(spec.base + page.path, { waitUntil: "load" });
  const status = response ? response.status() : 0;
  // The evaluation goes through the DevTools protocol, so the page's CSP still applies to
  // everything the page itself loads.
  await tab.evaluate(axeSource);
  const axeResult = await axeViolations(tab);
  // A page expected to answer an error status makes Chromium log that status once; that line is
  // the expected answer, not a fault of the page.
  if (page.status !== 200) {
    const expectedLine = "the server responded with a status of " + page.status;
    const idx = consoleErrors.findIndex((text) => text.includes(expectedLine));
    if (idx !== -1) {
      consoleErrors.splice(idx, 1);
    }
  }
  const screenshot = path.join(spec.out, page.name + ".png");
  await tab.screenshot({ path: screenshot, fullPage: true });
  await tab.close();
  return { path: page.path, status, expected: page.status, console: consoleErrors, failed, violations: axeResult, screenshot };
}

async function main() {
  const spec = readSpec("audit.cjs");
  const axeSource = loadAxe();
  const browser = await launch(spec);
  const results = [];
  try {
    for (const viewport of spec.viewports || [{ width: 1280, height: 900, suffix: "" }]) {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: "fr-FR" });
      for (const page of spec.pages) {
        const named = Object.assign({}, page, { name: page.name + (viewport.suffix || "") });
        results.push(await auditPage(context, axeSource, spec, named));
      }
      await context.close();
    }
  } finally {
    // Playwright gives the browser a fresh, empty profile of its own and removes it here.
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results, null, 1) + "\n");
}

main().catch((error) => {
  console.error("échec de l'audit navigateur : " + (error && error.stack ? error.stack : error));
  process.exit(1);
});
