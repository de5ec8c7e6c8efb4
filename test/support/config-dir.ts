import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../paths';

/** A private copy of a config folder (default: the shipped one) inside a fresh temp base folder. */
export function tempConfigDir(from = path.join(REPO_ROOT, 'config')): string {
  const base = mkdtempSync(path.join(tmpdir(), 'flare-test-'));
  const dir = path.join(base, 'config');
  cpSync(from, dir, { recursive: true });
  return dir;
}
