#!/usr/bin/env node
/**
 * `npm test`: everything, in the order that fails fastest — layering rules, type checks, unit and integration
 * tests (vitest, real sockets), the production build, then e2e in Debian's Chromium (Playwright). Ends with
 * one summary line, "N passed, N failed, N skipped", counted from the runners' JSON reports.
 * `npm test -- --no-e2e` leaves out the build and the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
mkdirSync('.tmp', { recursive: true });
const args = new Set(process.argv.slice(2));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Every skipped test with its reason, printed before the summary: a skip is never silent. */
const skippedTests = [];
/** Every failed test with the first lines of its message, printed last: CI keeps only the tail of the output. */
const failedTests = [];
const failedPhases = [];
const firstLines = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim()).slice(0, 3).map((l) => l.slice(0, 300)).join(' | ');

function phase(name, cmd, cmdArgs, env = {}) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) failedPhases.push(name);
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

phase('layering check', process.execPath, ['scripts/check-layers.mjs']);
phase('type check (all code)', bin('tsc'), ['-p', 'tsconfig.json']);
phase('type check (renderer: DOM only, no Node)', bin('tsc'), ['-p', 'tsconfig.web.json']);

rmSync('.tmp/vitest.json', { force: true });
phase('unit and integration tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=.tmp/vitest.json']);
const vitest = readJson('.tmp/vitest.json');
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  for (const file of vitest.testResults ?? []) {
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) failedTests.push(`${path.relative(root, file.name)}: ${firstLines(file.message)}`);
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') skippedTests.push(`${path.relative(root, file.name)}: ${t.fullName ?? t.title}`);
      if (t.status === 'failed') failedTests.push(`${path.relative(root, file.name)}: ${t.fullName ?? t.title} — ${firstLines((t.failureMessages ?? []).join('\n'))}`);
    }
  }
} else failedPhases.push('vitest report missing');

if (!args.has('--no-e2e')) {
  if (phase('build (renderer + Electron main/preload)', 'npm', ['run', '-s', 'build'])) {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      console.error(`e2e needs Debian's Chromium at ${chromium}: apt-get install -y chromium (.ci/run does this).`);
      failedPhases.push('e2e (no chromium)');
    } else {
      rmSync('.tmp/playwright.json', { force: true });
      phase('e2e (Playwright, Chromium against the headless server)', bin('playwright'), ['test']);
      const pw = readJson('.tmp/playwright.json');
      if (pw?.stats) {
        totals.passed += pw.stats.expected ?? 0;
        totals.failed += (pw.stats.unexpected ?? 0) + (pw.stats.flaky ?? 0);
        totals.skipped += pw.stats.skipped ?? 0;
        const walk = (suite) => {
          for (const spec of suite.specs ?? []) {
            for (const t of spec.tests ?? []) {
              if (t.status === 'unexpected' || t.status === 'flaky') {
                const error = (t.results ?? []).map((r) => r.error?.message).find(Boolean);
                failedTests.push(`${suite.file ?? spec.file}: ${spec.title} — ${firstLines(error)}`);
              }
              if (t.status !== 'skipped') continue;
              const why = (t.annotations ?? []).map((a) => a.description).filter(Boolean).join('; ');
              skippedTests.push(`${suite.file ?? spec.file}: ${spec.title}${why ? ` [skipped: ${why}]` : ''}`);
            }
          }
          for (const child of suite.suites ?? []) walk(child);
        };
        for (const suite of pw.suites ?? []) walk(suite);
      } else failedPhases.push('playwright report missing');
    }
  }
}

console.log('');
if (skippedTests.length) {
  console.log(`Skipped (${skippedTests.length}):`);
  for (const t of skippedTests) console.log(`  - ${t}`);
}
if (failedTests.length) {
  console.log(`Failed (${failedTests.length}):`);
  for (const t of failedTests) console.log(`  - ${t}`);
}
if (failedPhases.length) console.log(`Failed phases: ${failedPhases.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedPhases.length || totals.failed ? 1 : 0);
