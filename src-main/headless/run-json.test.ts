import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { RunPackageOutcome, RunRecord } from '../../shared/api';
import { writeRunJson } from './run-json';

const run = {
  id: 12,
  processType: 'stixToMisp',
  feed: 'f',
  collection: 'ais',
  trigger: 'manual',
  state: 'success',
  status: 'Success',
  detailedStatus: 'Completed successfully',
  beginTimestamp: 'a',
  endTimeStamp: 'b',
  startedAt: 'c',
  counts: { received: 3, new: 3, duplicate: 0, updated: 0, uploaded: 3, saved: 0, failed: 0, quarantined: 0, skipped: 0 },
  warnings: ['w "quoted"\nline'],
} as RunRecord;

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}

/** A sink that asks the writer to wait (write answers false) every other time, as a slow pipe does. */
function slowSink() {
  const out = new PassThrough({ highWaterMark: 16 });
  const chunks: string[] = [];
  out.on('data', (d: Buffer) => chunks.push(d.toString()));
  return { out, text: () => chunks.join('') };
}

describe('writeRunJson', () => {
  it('writes what JSON.stringify(run with packages, null, 2) writes, through a slow sink', async () => {
    for (const packages of [[], [{ packageId: 'p1', outcome: 'uploaded', mispEventId: '4' }], Array.from({ length: 3000 }, (_, i) => ({ packageId: `NCCIC:Package-${i}`, outcome: 'quarantined', reason: `why ${i} "q" \\ ü` }))] as RunPackageOutcome[][]) {
      const sink = slowSink();
      await writeRunJson(sink.out, run, from(packages));
      expect(sink.text()).toBe(`${JSON.stringify({ ...run, packages }, null, 2)}\n`);
    }
  });

  it('a record that held its packages prints the streamed ones, not those', async () => {
    const sink = slowSink();
    await writeRunJson(sink.out, { ...run, packages: [{ packageId: 'old', outcome: 'duplicate' }] }, from([{ packageId: 'new', outcome: 'uploaded' } as RunPackageOutcome]));
    expect(JSON.parse(sink.text()).packages).toEqual([{ packageId: 'new', outcome: 'uploaded' }]);
  });
});
