// Copies the built files we serve from node_modules into static/vendor/ (git-ignored).
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["chart.js/dist/chart.umd.js", "chartjs/chart.umd.js"],
  ["chart.js/dist/chart.umd.js.map", "chartjs/chart.umd.js.map"],
];
for (const [from, to] of files) {
  const target = join(root, "static", "vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(root, "node_modules", from), target);
}
console.log(`copied ${files.length} files into static/vendor/`);
