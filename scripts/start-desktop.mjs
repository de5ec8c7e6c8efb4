#!/usr/bin/env node
// `npm start`: builds and launches the desktop app. Electron 45 has no install script: its binary is fetched on
// first launch. This checks, without loading the electron package (whose require() would start that download with a
// stack trace when it fails), that this Node can run Electron 45 (>= 22.12); then fetches the binary once if it is
// missing (quietly on failure); when anything is missing it says in two lines what, and what to run instead, and
// exits 1. `--check` only checks (and never downloads).
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

let { problems, binary, range } = electronProblems();
const onlyTheBinary = problems.length === 1 && binary === undefined && existsSync(path.join(electronDir, 'install.js'));
if (onlyTheBinary && !process.argv.includes('--check')) {
  // The first launch: fetch the binary as Electron itself would, keeping its output to ourselves.
  process.stderr.write('Fetching the Electron binary (first launch)…\n');
  const fetched = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8' });
  ({ problems, binary, range } = electronProblems());
  if (fetched.status !== 0 && problems.length) problems[0] = `${problems[0].replace(/ \(node_modules[^)]*\)/, '')} and could not be fetched (${(fetched.stderr || fetched.stdout || '').trim().split('\n').find((l) => /ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|40\d|50\d|Error/.test(l))?.trim().slice(0, 160) ?? 'the download failed'})`;
}
if (problems.length) {
  const node = range ? `Node ${range.replace(/\s+/g, '')}` : 'a current Node';
  process.stderr.write(`Cannot start the desktop app: ${problems.join('; ')}.\n`);
  process.stderr.write(`Run \`npm run serve\` for the headless service and the web UI in your browser; or, for the desktop app, use ${node} on a machine that can reach the Electron download (github.com) and run \`npm start\` again.\n`);
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
