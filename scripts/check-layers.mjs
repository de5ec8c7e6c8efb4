#!/usr/bin/env node
/**
 * The layering rules of DESIGN.md §3, checked mechanically on every test run:
 *   - src-main/core never imports `electron`, nor the Electron shell, the headless server or the renderer, nor
 *     (outside its *.test.* files) the TAXII and MISP simulators: the engine must not lean on its test peers;
 *   - the code the CLI bundle runs (src-main/core, headless, simulators; *.test.* files excepted) imports only
 *     Node built-ins and runtime dependencies: `npm ci --omit=dev` installs nothing else;
 *   - src-renderer imports only its own files, shared/ and browser packages: no Node built-ins, no electron,
 *     nothing from src-main;
 *   - shared/ imports nothing but shared/ (both sides load it, the sandboxed preload too);
 *   - src-main/electron (the desktop shell) never imports src-main/headless (the web server): what both need
 *     lives in core/ or shared/ (the CSP: shared/csp.ts);
 *   - product code (src-main, shared, src-renderer; *.test.* files excepted) never imports test/: test support
 *     lives under test/support/.
 * Import specifiers are read by TypeScript's own pre-processor (imports, re-exports, require, dynamic import).
 * Usage: node scripts/check-layers.mjs [root]   — exit 1 with one line per violation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..'));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (/\.(m|c)?[jt]sx?$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

const pkgFile = path.join(root, 'package.json');
const pkg = existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, 'utf8')) : {};
const runtimeDeps = new Set(Object.keys(pkg.dependencies ?? {}));
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const rules = [
  {
    dir: 'src-main/core',
    check(spec, target, isTest) {
      if (spec === 'electron' || spec.startsWith('electron/')) return 'the engine must not import electron (it runs headless and under plain Node)';
      if (target && /^src-main\/(electron|headless)\//.test(target)) return `the engine must not depend on ${target.split('/').slice(0, 2).join('/')}`;
      if (target && target.startsWith('src-renderer/')) return 'the engine must not import the renderer';
      if (!isTest && target && target.startsWith('src-main/simulators/')) return 'the engine must not import the simulators (only its tests use them)';
      return undefined;
    },
  },
  ...['src-main/core', 'src-main/headless', 'src-main/simulators'].map((dir) => ({
    dir,
    tests: false,
    check(spec) {
      if (spec.startsWith('.') || isBuiltin(spec) || runtimeDeps.has(packageOf(spec))) return undefined;
      return `"${packageOf(spec)}" is not a runtime dependency (package.json "dependencies"): a copy installed with --omit=dev lacks it`;
    },
  })),
  {
    dir: 'src-renderer',
    check(spec, target) {
      if (spec === 'electron' || spec.startsWith('electron/')) return 'the renderer must not import electron (it talks to the main process through the preload only)';
      if (isBuiltin(spec)) return `the renderer must not import the Node built-in "${spec}"`;
      if (target && !target.startsWith('src-renderer/') && !target.startsWith('shared/')) return `the renderer may import only its own files and shared/, not ${target}`;
      return undefined;
    },
  },
  {
    dir: 'src-main/electron',
    check(spec, target) {
      if (target && target.startsWith('src-main/headless/')) return 'the desktop shell must not import the headless server (share through src-main/core or shared/)';
      return undefined;
    },
  },
  ...['src-main', 'shared', 'src-renderer'].map((dir) => ({
    dir,
    tests: false,
    check(spec, target) {
      if (target && (target === 'test' || target.startsWith('test/'))) return 'product code must not import test/ (test helpers live under test/support/, used by *.test.* files only)';
      return undefined;
    },
  })),
  {
    dir: 'shared',
    check(spec, target) {
      if (!spec.startsWith('.')) return `shared/ must have no runtime dependencies, not "${spec}"`;
      if (target && !target.startsWith('shared/')) return `shared/ may import only shared/, not ${target}`;
      return undefined;
    },
  },
];

const problems = [];
for (const rule of rules) {
  for (const file of sourceFiles(path.join(root, rule.dir))) {
    // Tests may use Node helpers, and test/ itself; the engine's tests still may not import electron.
    if (/\.test\.[jt]sx?$/.test(file) && (rule.tests === false || rule.dir !== 'src-main/core')) continue;
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/') : undefined;
      const why = rule.check(spec, target, /\.test\.[jt]sx?$/.test(file));
      if (why) problems.push(`${path.relative(root, file)}: imports "${spec}": ${why}`);
    }
  }
}
if (problems.length) {
  console.error(`Layering check failed (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('Layering check passed: core has no electron and no simulators, the CLI needs only runtime dependencies, the renderer has no Node, shared/ stands alone, the shell has no web server, product code has no test/.');
