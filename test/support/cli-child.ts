/**
 * The real `flare-misp` in child processes, for the tests that kill or signal them: its path, its environment, and
 * one place that kills what a test left running.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';
import { REPO_ROOT } from '../paths';

export const BIN = path.join(REPO_ROOT, 'bin', 'flare-misp.mjs');
/** No FLARE_MISP_HOME from the developer's shell; no "building the CLI" line when the bundle is rebuilt. */
export const CLI_ENV = { ...process.env, FLARE_MISP_HOME: '', FLARE_MISP_BUILD_QUIET: '1' };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Spawns `flare-misp <args>` (another copy's bin with `bin`); killed after the test if it is still running. */
export function spawnCli(args: string[], options: SpawnOptions = {}, bin = BIN): ChildProcess {
  const child = spawn(process.execPath, [bin, ...args], { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  return child;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
