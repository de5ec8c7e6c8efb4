import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, preferCompactHeap } from './heap';

describe('preferCompactHeap', () => {
  it('sets the heap growing factor', () => {
    const set: string[] = [];
    preferCompactHeap([], (f) => set.push(f));
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('leaves a factor given on the node command line alone', () => {
    const set: string[] = [];
    preferCompactHeap(['--heap-growing-percent=80'], (f) => set.push(f));
    preferCompactHeap(['--heap_growing_percent=80'], (f) => set.push(f));
    expect(set).toEqual([]);
  });

  it('is a flag this V8 knows (an unknown one would be ignored without a word)', () => {
    const r = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/--heap-growing-percent/);
  });
});
