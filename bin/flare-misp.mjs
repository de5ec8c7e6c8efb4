#!/usr/bin/env node
// The `flare-misp` command: runs the bundle `npm run build` makes (dist-main/cli.mjs), so it starts in a blink.
// In a checkout (src-main/ beside bin/) a missing bundle, or one older than the sources, is rebuilt first, once
// (bin/build-cli.mjs: atomic, and safe when several processes start at once), so `npm run -s flare -- <args>`
// always runs the current sources (FLARE_MISP_BUILD_QUIET=1, set for the tests, leaves out the line saying so).
// FLARE_MISP_FROM_SOURCE=1 runs the TypeScript sources through tsx instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(root, 'dist-main', 'cli.mjs');
const fail = (line) => {
  process.stderr.write(`flare-misp: ${line}\n`);
  process.exitCode = 1;
};

/** The newest modification time of the files the bundle is built from (tests excluded): a few ms. */
export function newestSource(dir = root) {
  let newest = 0;
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = `${d}${path.sep}${e.name}`;
      if (e.isDirectory()) walk(full);
      else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    }
  };
  walk(path.join(dir, 'src-main'));
  walk(path.join(dir, 'shared'));
  for (const f of ['package.json', 'vite.main.config.ts']) newest = Math.max(newest, statSync(path.join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest;
}

async function entry() {
  if (process.env.FLARE_MISP_FROM_SOURCE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    return path.join(root, 'src-main', 'headless', 'cli.ts');
  }
  const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs;
  if (!existsSync(path.join(root, 'src-main'))) {
    if (built === undefined) return fail(`${bundle} is missing: this copy was never built; run \`npm run build\` where its sources are.`);
    return bundle;
  }
  if (built !== undefined && built >= newestSource()) return bundle;
  const { buildCli, BuildUnavailable } = await import('./build-cli.mjs');
  try {
    const reason = process.env.FLARE_MISP_BUILD_QUIET === '1' ? '' : built === undefined ? 'first run' : 'the sources changed';
    await buildCli({ root, reason, isStale: (mtime) => mtime === undefined || mtime < newestSource() });
  } catch (e) {
    if (!(e instanceof BuildUnavailable)) return fail(`the CLI could not be built (\`npm run build:cli\` repeats this):\n${String(e?.message ?? e).trim()}`);
    if (built === undefined) return fail(`dist-main/cli.mjs is not built and cannot be built here (${e.message}): run \`npm ci\`, then \`npm run build\`.`);
    process.stderr.write(`flare-misp: dist-main/cli.mjs is older than the sources and cannot be rebuilt here (${e.message}); running it anyway (\`npm ci\` then \`npm run build\` fixes this).\n`);
  }
  return bundle;
}

const file = await entry();
if (file !== undefined) {
  let run;
  try {
    ({ run } = await import(pathToFileURL(file).href));
  } catch (e) {
    // No node_modules (or an incomplete one): one line, not the loader's stack trace.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    fail(`${String(e.message).split('\n')[0]}: run \`npm ci\` (\`npm ci --omit=dev\` is enough for the CLI and the service).`);
  }
  if (run) await run(process.argv.slice(2));
}
