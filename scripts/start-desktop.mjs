#!/usr/bin/env node
// `npm start`: launches the desktop app with the Electron binary that `npm ci` downloaded. Where it could not
// (an offline machine, or ELECTRON_SKIP_BINARY_DOWNLOAD=1), say so plainly and point at the headless mode.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch (e) {
  console.error(`Electron is not installed here: ${String(e.message).split('\n')[0]}`);
  console.error('Run `npm ci` on a machine that can download Electron, or use the headless mode: `npm run serve`.');
  process.exit(1);
}
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
