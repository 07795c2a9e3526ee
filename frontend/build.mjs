// Bundle the SPARQL editor from node_modules into kg/serve/static/vendor/ (committed, so
// the wheel ships it and the page never needs a CDN). Run: `npm ci && npm run build`.
// The output is deterministic for a given package-lock.json.

import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "kg", "serve", "static", "vendor");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "src", "editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  outfile: join(out, "editor.js"),
  logLevel: "info",
});

// Licence notices of everything bundled, with the exact versions.
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const notices = [];
for (const [path, meta] of Object.entries(lock.packages || {})) {
  if (!path.startsWith("node_modules/") || path.includes("esbuild")) continue;
  const name = path.slice("node_modules/".length);
  const dir = join(here, path);
  let text = `${name} ${meta.version} (${meta.license || "see package"})\n`;
  for (const file of ["LICENSE", "LICENSE.md", "LICENSE.txt"]) {
    if (existsSync(join(dir, file))) {
      text += "\n" + readFileSync(join(dir, file), "utf8").trim() + "\n";
      break;
    }
  }
  notices.push(text);
}
writeFileSync(join(out, "editor.LICENSES.txt"),
  "Third-party code bundled into editor.js (built by frontend/build.mjs):\n\n" + notices.sort().join("\n----\n\n"));
