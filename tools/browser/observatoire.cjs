// Test navigateur du tableau de bord de l'observatoire : ouvre chacune de ses pages dans
// Chromium sans interface (code HTTP, erreurs de console, ressources en échec, violations axe-core
// des règles WCAG 2.1 A/AA en largeur d'ordinateur puis de téléphone, captures d'écran, présence
// de données), applique des filtres par l'interface (listes déroulantes, recherche, facette,
// page suivante), relit la vue dans un contexte neuf à partir de l'adresse seule (le permalien
// doit redonner la même vue), et télécharge des exports par leurs liens.
//
// Utilisation : node observatoire.cjs <fichier-spec.json>
// La spec : { "base", "out", "chromium",
//   "pages": [ { "path", "name" } ],
//   "jobs": { "path", "region", "contract" },
//   "search": { "path", "words" } }
// Résultat (sortie standard, JSON) :
//   { "audits": [ { "name", "url", "status", "console", "failed", "violations", "screenshots",
//                   "data": { "charts", "tables", "table_rows", "results" } } ],
//     "jobs": { "url", "view_before", "view", "fresh_view", "download": { "file", "indicator", "table_rows" } },
//     "search": { "url", "view", "fresh_view", "went_to_page_two",
//                 "download": { "file", "total_text" } } }
// Une étape impossible (sélecteur absent, délai dépassé) est rapportée dans "errors" ; ce qui
// a été vu avant reste dans le résultat.
"use strict";

const path = require("path");
const { readSpec, axeSource: loadAxe, launch, axeViolations } = require("./common.cjs");

const VIEWPORTS = [
  { width: 1280, height: 900, suffix: "" },
  { width: 390, height: 844, suffix: "-mobile" },
];
// A debug build computes each indicator on request: give pages time.
const TIMEOUT_MS = 180000;

// A fresh context (no cookies, no history) and its tab, with what the tab reports.
async function openTab(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "fr-FR",
    acceptDownloads: true,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  const tab = { context, page, console: [], failed: [], status: 0, downloading: false };
  page.on("console", (message) => {
    if (message.type() === "error") {
      tab.console.push(message.text());
    }
  });
  page.on("pageerror", (error) => tab.console.push(String(error)));
  page.on("response", (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      tab.status = response.status();
    } else if (response.status() >= 400) {
      tab.failed.push(response.status() + " " + response.url());
    }
  });
  page.on("requestfailed", (request) => {
    // A download link aborts its navigation on purpose: that is the download, not a fault.
    if (!tab.downloading) {
      tab.failed.push((request.failure() ? request.failure().errorText : "échec") + " " + request.url());
    }
  });
  return tab;
}

// Forgets what the tab reported so far: the next audit reports only its own page.
function resetReports(tab) {
  tab.console = [];
  tab.failed = [];
}

async function goto(tab, spec, target) {
  resetReports(tab);
  const response = await tab.page.goto(target.startsWith("http") ? target : spec.base + target, { waitUntil: "load" });
  tab.status = response ? response.status() : 0;
}

// Clicks what leads to another page, and waits until the address matches `wait`.
async function clickAndWait(tab, selector, wait) {
  resetReports(tab);
  await Promise.all([tab.page.waitForURL(wait, { waitUntil: "load" }), tab.page.click(selector)]);
}

// What the page shows: charts (SVG with a role), data tables and their rows, search results.
async function dataShown(page) {
  return page.evaluate(() => {
    const charts = document.querySelectorAll('svg[role="img"], svg[role="group"]').length;
    const tables = Array.from(document.querySelectorAll("main table"));
    const rows = tables.map((table) => table.querySelectorAll("tbody tr").length);
    return {
      charts,
      tables: tables.length,
      table_rows: rows.reduce((sum, count) => sum + count, 0),
      results: document.querySelectorAll("ol.resultats-formations > li").length,
    };
  });
}

// axe-core on the page at both widths, a full-page screenshot at each.
async function audit(tab, axeSource, spec, name) {
  const page = tab.page;
  await page.evaluate(axeSource);
  const violations = [];
  const screenshots = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const found = await axeViolations(page);
    for (const violation of found) {
      violations.push(Object.assign({ viewport: viewport.width }, violation));
    }
    const screenshot = path.join(spec.out, name + viewport.suffix + ".png");
    await page.screenshot({ path: screenshot, fullPage: true });
    screenshots.push(screenshot);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return {
    name,
    url: page.url(),
    status: tab.status,
    console: tab.console.slice(),
    failed: tab.failed.slice(),
    violations,
    screenshots,
    data: await dataShown(page),
  };
}

// The view of a dashboard page: the value chosen in each filter, the first rows of the first
// indicator's table (its disclosure opened as a reader would) and the description of the first
// chart.
async function dashboardView(page) {
  const details = page.locator("section.indicateur details.indicateur-table").first();
  if ((await details.count()) > 0 && (await details.getAttribute("open")) === null) {
    await details.locator("summary").click();
  }
  return page.evaluate(() => {
    const selects = Array.from(document.querySelectorAll(".observatoire-filtres select")).map(
      (select) => select.name + "=" + select.value,
    );
    const first = document.querySelector("section.indicateur");
    const rows = first
      ? Array.from(first.querySelectorAll("table tbody tr"))
          .slice(0, 5)
          .map((row) => row.innerText.trim())
      : [];
    const desc = document.querySelector("svg.graphique desc");
    return {
      selects,
      indicator: first ? first.id : "",
      rows,
      chart_desc: desc ? desc.textContent.trim() : "",
    };
  });
}

// The view of the search page: the total, the chosen facets, the page shown and the first five
// result titles.
async function searchView(page) {
  return page.evaluate(() => {
    const total = document.querySelector("#titre-resultats");
    const shown = document.querySelector("#titre-resultats + .liens-donnees");
    return {
      total: total ? total.innerText.trim() : "",
      facets: Array.from(document.querySelectorAll('.facette a[aria-current="true"]')).map((link) =>
        link.innerText.trim(),
      ),
      shown: shown ? shown.innerText.split(".")[0].trim() : "",
      titles: Array.from(document.querySelectorAll("ol.resultats-formations > li h3"))
        .slice(0, 5)
        .map((title) => title.innerText.trim()),
    };
  });
}

// Clicks a download link and saves what it gives under `to`.
async function downloadThrough(tab, link, to) {
  tab.downloading = true;
  try {
    const [download] = await Promise.all([tab.page.waitForEvent("download"), link.click()]);
    await download.saveAs(to);
    return { file: to, failure: await download.failure(), suggested: download.suggestedFilename() };
  } finally {
    tab.downloading = false;
  }
}

// The permalink opened in a fresh context (no cookies, no history) gives `view` again.
async function freshView(browser, spec, url, read) {
  const fresh = await openTab(browser);
  try {
    await goto(fresh, spec, url);
    return Object.assign({ status: fresh.status }, await read(fresh.page));
  } finally {
    await fresh.context.close();
  }
}

async function jobsJourney(browser, axeSource, spec, result) {
  const jobs = spec.jobs;
  const tab = await openTab(browser);
  try {
    await goto(tab, spec, jobs.path);
    // The view before filtering: the filters must change it.
    const before = await dashboardView(tab.page);
    await tab.page.selectOption("#region", jobs.region);
    await tab.page.selectOption("#contrat", jobs.contract);
    await clickAndWait(
      tab,
      '.observatoire-filtres button[type="submit"]:has-text("Appliquer les filtres")',
      /[?&]region=.*contrat=|[?&]contrat=.*region=/,
    );
    result.jobs = { url: tab.page.url(), view_before: before };
    result.audits.push(await audit(tab, axeSource, spec, "emplois-filtre"));
    result.jobs.view = await dashboardView(tab.page);
    // The first indicator's CSV, through its link, and the rows its table shows.
    const indicator = tab.page.locator("section.indicateur").first();
    const id = await indicator.getAttribute("id");
    const rows = await indicator.locator("table tbody tr").count();
    const link = indicator.locator(".liens-donnees a[download]", { hasText: /^CSV$/ });
    const saved = await downloadThrough(tab, link, path.join(spec.out, "emplois-filtre-" + id + ".csv"));
    result.jobs.download = Object.assign({ indicator: id, table_rows: rows }, saved);
    result.jobs.fresh_view = await freshView(browser, spec, result.jobs.url, dashboardView);
  } finally {
    await tab.context.close();
  }
}

async function searchJourney(browser, axeSource, spec, result) {
  const search = spec.search;
  const tab = await openTab(browser);
  try {
    await goto(tab, spec, search.path);
    await tab.page.fill("#q", search.words);
    await clickAndWait(tab, 'form[role="search"] button[type="submit"]', /[?&]q=/);
    await clickAndWait(tab, '.facette[aria-labelledby="facette-region"] a >> nth=0', /[?&]region=/);
    result.search = { went_to_page_two: false };
    const next = tab.page.locator('nav.pagination a[rel="next"]');
    if ((await next.count()) > 0) {
      await clickAndWait(tab, 'nav.pagination a[rel="next"]', /[?&]page=2/);
      result.search.went_to_page_two = true;
    }
    result.search.url = tab.page.url();
    result.audits.push(await audit(tab, axeSource, spec, "recherche-filtre"));
    result.search.view = await searchView(tab.page);
    const link = tab.page.locator("#titre-resultats + .liens-donnees a[download]", { hasText: /^NDJSON$/ });
    const saved = await downloadThrough(tab, link, path.join(spec.out, "recherche-filtre.ndjson"));
    result.search.download = Object.assign({ total_text: result.search.view.total }, saved);
    result.search.fresh_view = await freshView(browser, spec, result.search.url, searchView);
  } finally {
    await tab.context.close();
  }
}

async function main() {
  const spec = readSpec("observatoire.cjs");
  const axeSource = loadAxe();
  const browser = await launch(spec);
  const result = { audits: [], errors: [] };
  try {
    for (const page of spec.pages) {
      const tab = await openTab(browser);
      try {
        await goto(tab, spec, page.path);
        result.audits.push(await audit(tab, axeSource, spec, page.name));
      } catch (error) {
        result.errors.push(page.path + " : " + (error && error.message ? error.message : error));
      } finally {
        await tab.context.close();
      }
    }
    for (const [name, journey] of [
      ["filtres des emplois", jobsJourney],
      ["recherche", searchJourney],
    ]) {
      try {
        await journey(browser, axeSource, spec, result);
      } catch (error) {
        result.errors.push(name + " : " + (error && error.message ? error.message : error));
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
}

main().catch((error) => {
  console.error("échec du test navigateur de l'observatoire : " + (error && error.stack ? error.stack : error));
  process.exit(1);
});
