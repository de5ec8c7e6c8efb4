#!/usr/bin/env node
// Builds the CLI bundle (vite.main.config.ts --mode cli) into dist-main/cli.mjs + dist-main/cli-chunks/, safely
// while other processes run or build it: one build at a time (a lock folder in .tmp/), written to a temporary
// folder and moved in with rename (chunks carry content hashes, cli.mjs is renamed last), and dated by when the
// build started so a source saved during the build still counts as newer. `npm run build:cli` runs this file;
// bin/flare-misp.mjs imports it in a checkout whose bundle is missing or stale.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Building is impossible here (no dev dependencies), as opposed to a build that failed. */
export class BuildUnavailable extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function lock(dir) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(dir);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A builder that died leaves its lock behind; no build takes two minutes.
      const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build has held ${dir} for too long`);
      else await sleep(100);
    }
  }
}

/**
 * Builds the bundle unless, once the lock is ours, it is already newer than `isStale` says (another process built
 * it meanwhile). `reason` is printed on one stderr line when a build happens ('' prints nothing).
 */
export async function buildCli({ root, reason = '', isStale } = {}) {
  root ??= path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  let vite;
  try {
    vite = await import('vite');
  } catch {
    throw new BuildUnavailable('vite is not installed');
  }
  const outDir = path.join(root, 'dist-main');
  const bundle = path.join(outDir, 'cli.mjs');
  const work = path.join(root, '.tmp');
  mkdirSync(work, { recursive: true });
  const unlock = await lock(path.join(work, 'cli-build.lock'));
  const temp = path.join(work, `cli-build-${process.pid}-${Date.now()}`);
  try {
    if (isStale && !isStale(statSync(bundle, { throwIfNoEntry: false })?.mtimeMs)) return false;
    if (reason) process.stderr.write(`building the CLI (${reason})…\n`);
    const started = new Date();
    await vite.build({
      configFile: path.join(root, 'vite.main.config.ts'),
      root,
      mode: 'cli',
      logLevel: 'warn',
      build: { outDir: temp, emptyOutDir: true },
    });
    mkdirSync(path.join(outDir, 'cli-chunks'), { recursive: true });
    const built = path.join(temp, 'cli-chunks');
    const chunks = existsSync(built) ? readdirSync(built, { withFileTypes: true }).filter((e) => e.isFile()) : [];
    for (const c of chunks) renameSync(path.join(built, c.name), path.join(outDir, 'cli-chunks', c.name));
    utimesSync(path.join(temp, 'cli.mjs'), started, started);
    renameSync(path.join(temp, 'cli.mjs'), bundle);
    // Chunks of earlier builds: a process started from one may still load them, so only old ones go.
    const keep = new Set(chunks.map((c) => c.name));
    for (const name of readdirSync(path.join(outDir, 'cli-chunks'))) {
      const p = path.join(outDir, 'cli-chunks', name);
      if (!keep.has(name) && Date.now() - (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 3_600_000) rmSync(p, { force: true });
    }
    return true;
  } finally {
    rmSync(temp, { recursive: true, force: true });
    unlock();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCli();
  } catch (e) {
    process.stderr.write(`build-cli: ${e.message}\n`);
    process.exitCode = 1;
  }
}
