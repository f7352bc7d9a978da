// Build the browser assets policykg serves itself into api/web/static/vendor/ (git-ignored, package data).
//
//   query.js, query.css      the /query editor: Yasqe + Yasr, our completers, chart and network views
//   swagger-ui/, redoc/      the files /docs and /redoc load, copied from their npm packages (plus our
//                            contrast fixes for Swagger UI, and ReDoc's CDN logo URL taken out)
//   manifest.json            what was built from which package version (the server checks it is there)
//
// Run by `make frontend` after `npm ci`; nothing here touches the network. The output is written to a
// temporary folder and moved into place at the end, so a failed build never leaves half a folder.
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "web", "static", "vendor");
const tmp = out + ".building";
const modules = join(here, "node_modules");

// [package, file inside it, where it goes under vendor/]
const COPIES = [
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["swagger-ui-dist", "favicon-32x32.png", "swagger-ui/favicon-32x32.png"],
  ["swagger-ui-dist", "LICENSE", "swagger-ui/LICENSE"],
  ["redoc", "bundles/redoc.standalone.js", "redoc/redoc.standalone.js"],
  ["redoc", "bundles/redoc.standalone.js.LICENSE.txt", "redoc/redoc.standalone.js.LICENSE.txt"],
  ["redoc", "LICENSE", "redoc/LICENSE"],
];
// Text replaced in a copied file, each exactly once (the build fails if a new version changed it).
const PATCHES = [
  // ReDoc's sidebar credit loads its logo from a CDN on every page view, with no option to turn
  // it off; an intranet page must not reach out. A 1×1 transparent GIF takes its place.
  ["redoc/redoc.standalone.js", 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"',
    'src:"data:image/gif;base64,R0lGODlhAQABAIAAAAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="'],
];
const BUNDLED = ["@zazuko/yasqe", "@zazuko/yasr", "chart.js", "vis-network"];

async function version(pkg) {
  return JSON.parse(await readFile(join(modules, pkg, "package.json"), "utf8")).version;
}

async function main() {
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await build({
    entryPoints: { query: join(here, "src", "query.js") },
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    outdir: tmp,
    legalComments: "external", // the packages' licence comments go to query.js.LEGAL.txt
    logLevel: "warning",
  });
  for (const [pkg, file, dest] of COPIES) {
    await mkdir(dirname(join(tmp, dest)), { recursive: true });
    await copyFile(join(modules, pkg, file), join(tmp, dest));
  }
  await copyFile(join(here, "src", "docs.css"), join(tmp, "swagger-ui", "policykg-docs.css"));
  for (const [dest, from, to] of PATCHES) {
    const text = await readFile(join(tmp, dest), "utf8");
    const found = text.split(from).length - 1;
    if (found !== 1) throw new Error(`${dest}: expected ${JSON.stringify(from)} once, found it ${found} times`);
    await writeFile(join(tmp, dest), text.replace(from, to));
  }
  const packages = {};
  for (const pkg of [...BUNDLED, ...new Set(COPIES.map((c) => c[0]))]) packages[pkg] = await version(pkg);
  const files = ["query.js", "query.css", "swagger-ui/policykg-docs.css", ...COPIES.map((c) => c[2])];
  await writeFile(join(tmp, "manifest.json"), JSON.stringify({ packages, files }, null, 2) + "\n");
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
  console.log(`frontend: built ${files.length} files into api/web/static/vendor/`);
}

main().catch((e) => {
  console.error(`frontend build failed: ${e.message || e}`);
  process.exit(1);
});
