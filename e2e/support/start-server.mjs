#!/usr/bin/env node
// Starts `flare-misp serve` for the e2e suite on a private copy of the shipped config (so the specs can save
// configuration without touching the repository's config/).
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const port = process.argv[2] ?? '18765';
const base = mkdtempSync(path.join(tmpdir(), 'flare-e2e-'));
const configDir = path.join(base, 'config');
cpSync(path.join(root, 'config'), configDir, { recursive: true });
const child = spawn(process.execPath, [path.join(root, 'bin', 'flare-misp.mjs'), 'serve', '--port', port, '--config-dir', configDir], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
