#!/usr/bin/env node
// `npm start`: builds and launches the desktop app with the Electron binary that `npm ci` downloaded. First it
// checks, without loading the electron package (its require() would start a download), that the binary is there
// and that this Node can run Electron's tooling; otherwise it says in two lines what is missing and what to run
// instead, and exits 1. `--check` only checks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const electronDir = path.join(root, 'node_modules', 'electron');

/** `>= 22.12.0` style ranges from an engines field: true when `version` meets it (unknown ranges pass). */
function satisfies(version, range) {
  const want = /^\s*>=?\s*v?(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(range ?? '');
  if (!want) return true;
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = [Number(want[1]), Number(want[2]), Number(want[3] ?? 0)];
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i];
  return true;
}

/** What stops the desktop app from starting here ([] when nothing does), and the binary's path when it is there. */
function electronProblems() {
  const problems = [];
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8'));
  } catch {
    return { problems: ['the electron package is not installed (node_modules/electron is missing)'] };
  }
  let binary;
  try {
    const rel = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    if (existsSync(path.join(electronDir, 'dist', rel))) binary = path.join(electronDir, 'dist', rel);
  } catch {
    /* no path.txt: the download never ran */
  }
  if (binary === undefined) problems.push(`the Electron ${pkg.version} binary is not installed (node_modules/electron/dist is missing: its download was skipped or failed)`);
  const range = pkg.engines?.node;
  if (range && !satisfies(process.version, range)) problems.push(`Electron ${pkg.version} needs Node ${range.replace(/\s+/g, ' ')} and this is Node ${process.version.slice(1)}`);
  return { problems, binary, version: pkg.version, range };
}

const { problems, binary, range } = electronProblems();
if (problems.length) {
  const node = range ? `Node ${range.replace(/\s+/g, '')}` : 'a current Node';
  process.stderr.write(`Cannot start the desktop app: ${problems.join('; ')}.\n`);
  process.stderr.write(`Run \`npm run serve\` for the headless service and the web UI in your browser; or, for the desktop app, use ${node} on a machine that can reach the Electron download and run \`npm ci\` (or \`node node_modules/electron/install.js\`).\n`);
  process.exitCode = 1;
} else if (!process.argv.includes('--check')) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exitCode = build.status ?? 1;
  else {
    const child = spawn(binary, [root, ...process.argv.slice(2).filter((a) => a !== '--check')], { stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      process.exitCode = code ?? (signal ? 1 : 0);
    });
  }
}
