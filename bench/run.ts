/**
 * `npm run bench [name...]`: runs each benchmark `bench/<name>/main.ts` in its own Node process (so one
 * benchmark's heap never colours another's numbers), one after the other. Each prints its own numbers and may
 * write `bench/results/<name>.json`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'main.ts')))
  .map((d) => d.name)
  .sort();
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`bench: no benchmark named "${name}" (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench/${name} ===`);
  const tsx = path.join(here, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, '--expose-gc', path.join(here, name, 'main.ts')], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
