// Parcours navigateur de socle : joue une suite d'étapes décrite en JSON (aller à une page,
// remplir des champs, cocher, choisir, joindre un fichier, cliquer puis attendre la page suivante,
// télécharger) dans Chromium sans interface, avec un contexte (et donc des cookies) par personne.
// Après chaque étape : code HTTP de la page, erreurs de console, ressources en échec, violations
// axe-core des règles WCAG 2.1 A/AA (en largeur d'ordinateur puis de téléphone), texte de la page
// et captures d'écran.
//
// Utilisation : node journey.cjs <fichier-spec.json>
// La spec : { "base", "out", "chromium",
//   "steps": [ { "name", "context", "goto"?, "actions"?: [ { "fill"|"select"|"check"|"file": sélecteur,
//                "value"?, "path"? } ], "click"?, "wait"?, "capture"?: { "name", "pattern" },
//                "download"?: { "url", "to" } } ] }
// Dans goto, click, download.url et les valeurs, « {nom} » est remplacé par ce qu'une étape a
// capturé.
// Résultat (sortie standard, JSON) : { "steps": [ { "name", "url", "status", "text", "console",
//   "failed", "violations", "screenshot", "download"? } ], "vars": { … } }
"use strict";

const fs = require("fs");
const path = require("path");
const { readSpec, axeSource: loadAxe, launch, axeViolations } = require("./common.cjs");

function substitute(text, vars) {
  return String(text).replace(/\{([a-z_]+)\}/g, (whole, name) => (name in vars ? vars[name] : whole));
}

// One browser context (its own cookies) and tab per person, with what the tab reports.
async function personFor(browser, people, name) {
  if (!people[name]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", acceptDownloads: true });
    const page = await context.newPage();
    const person = { context, page, console: [], failed: [], status: 0 };
    page.on("console", (message) => {
      if (message.type() === "error") {
        person.console.push(message.text());
      }
    });
    page.on("pageerror", (error) => person.console.push(String(error)));
    page.on("response", (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        person.status = response.status();
      } else if (response.status() >= 400) {
        person.failed.push(response.status() + " " + response.url());
      }
    });
    people[name] = person;
  }
  return people[name];
}

async function runStep(browser, people, axeSource, spec, step, vars) {
  const person = await personFor(browser, people, step.context);
  const page = person.page;
  person.console = [];
  person.failed = [];
  if (step.goto) {
    const response = await page.goto(spec.base + substitute(step.goto, vars), { waitUntil: "load" });
    person.status = response ? response.status() : 0;
  }
  for (const action of step.actions || []) {
    if (action.fill) {
      await page.fill(action.fill, substitute(action.value, vars));
    } else if (action.select) {
      await page.selectOption(action.select, substitute(action.value, vars));
    } else if (action.check) {
      await page.check(action.check);
    } else if (action.file) {
      await page.setInputFiles(action.file, action.path);
    } else {
      throw new Error("action inconnue : " + JSON.stringify(action));
    }
  }
  if (step.click) {
    const wait = new RegExp(step.wait || ".");
    await Promise.all([page.waitForURL(wait, { waitUntil: "load" }), page.click(substitute(step.click, vars))]);
  }
  if (step.capture) {
    const match = new RegExp(step.capture.pattern).exec(page.url());
    if (!match) {
      throw new Error("étape " + step.name + " : « " + step.capture.pattern + " » absent de " + page.url());
    }
    vars[step.capture.name] = match[1];
  }
  let download;
  if (step.download) {
    const response = await person.context.request.get(spec.base + substitute(step.download.url, vars));
    fs.writeFileSync(step.download.to, await response.body());
    download = { status: response.status(), type: response.headers()["content-type"] || "", to: step.download.to };
  }
  // Each page is audited at a desktop width, then again at a phone's width (same page, resized).
  await page.evaluate(axeSource);
  const violations = [];
  const screenshot = path.join(spec.out, step.name + ".png");
  for (const viewport of [{ width: 1280, height: 900, suffix: "" }, { width: 390, height: 844, suffix: "-mobile" }]) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const found = await axeViolations(page);
    for (const violation of found) {
      violations.push(Object.assign({ viewport: viewport.width }, violation));
    }
    await page.screenshot({ path: path.join(spec.out, step.name + viewport.suffix + ".png"), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  const text = await page.evaluate(() => document.body.innerText);
  return {
    name: step.name,
    url: page.url(),
    status: person.status,
    text,
    console: person.console.slice(),
    failed: person.failed.slice(),
    violations,
    screenshot,
    download,
  };
}

async function main() {
  const spec = readSpec("journey.cjs");
  const axeSource = loadAxe();
  const browser = await launch(spec);
  const people = {};
  const vars = {};
  const steps = [];
  try {
    for (const step of spec.steps) {
      try {
        steps.push(await runStep(browser, people, axeSource, spec, step, vars));
      } catch (error) {
        // The journey stops at the first step that cannot be played; what was seen is reported.
        const person = people[step.context];
        steps.push({
          name: step.name,
          error: String(error && error.message ? error.message : error),
          url: person ? person.page.url() : "",
          text: person ? await person.page.evaluate(() => document.body.innerText).catch(() => "") : "",
        });
        break;
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ steps, vars }, null, 1) + "\n");
}

main().catch((error) => {
  console.error("échec du parcours navigateur : " + (error && error.stack ? error.stack : error));
  process.exit(1);
});
