/**
 * Where a .cpuprofile's time goes: self time by function and by file, and inclusive time (a function and what it
 * calls, recursion counted once) of the heaviest functions. main.ts prints this for the poll child's profile
 * (FLARE_BENCH_E2E_PROFILE=1); `npx tsx bench/e2e/profile.ts FILE.cpuprofile [rows]` prints it for any profile.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** [key, ms] heaviest first. */
  selfByFunction: [string, number][];
  selfByFile: [string, number][];
  inclusiveByFunction: [string, number][];
}

const shortUrl = (url: string): string => {
  if (!url) return '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) return clean.slice(nm + 1);
  const i = clean.indexOf('/dist-main/');
  if (i >= 0) return clean.slice(i + 1);
  return clean.startsWith('node:') ? clean : path.basename(clean);
};

export function summarizeProfile(file: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalHits = p.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
  const msPerHit = (p.endTime - p.startTime) / 1000 / totalHits;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fnKey = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const root = p.nodes[0]!;
  // Iterative DFS; the stack of distinct function keys gives each sample once to every function above it.
  const onStack = new Map<string, number>();
  const walk: { node: ProfileNode; exit: boolean }[] = [{ node: root, exit: false }];
  while (walk.length) {
    const { node, exit } = walk.pop()!;
    const key = fnKey(node);
    if (exit) {
      const c = onStack.get(key)! - 1;
      if (c === 0) onStack.delete(key);
      else onStack.set(key, c);
      continue;
    }
    onStack.set(key, (onStack.get(key) ?? 0) + 1);
    const ms = (node.hitCount ?? 0) * msPerHit;
    if (ms > 0) {
      add(self, key, ms);
      add(files, shortUrl(node.callFrame.url), ms);
      for (const k of onStack.keys()) add(inclusive, k, ms);
    }
    walk.push({ node, exit: true });
    for (const c of node.children ?? []) walk.push({ node: byId.get(c)!, exit: false });
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: totalHits * msPerHit, selfByFunction: sorted(self), selfByFile: sorted(files), inclusiveByFunction: sorted(inclusive) };
}

export function printProfile(s: ProfileSummary, rows = 20): void {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
  const table = (title: string, list: [string, number][]) => {
    console.log(`  ${title}`);
    for (const [k, ms] of list.slice(0, rows)) console.log(`    ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  };
  console.log(`  profile: ${(s.totalMs / 1000).toFixed(1)} s sampled`);
  table('self time by function', s.selfByFunction);
  table('self time by file', s.selfByFile.slice(0, Math.min(rows, 15)));
  table('inclusive time by function', s.inclusiveByFunction.filter(([k]) => !k.startsWith('(root)')));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printProfile(summarizeProfile(process.argv[2]!), Number(process.argv[3] ?? 25));
}
