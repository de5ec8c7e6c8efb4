/**
 * Issue 8's end-to-end check: every well-formed corpus package, converted (native) or raw (stix), uploaded twice
 * with concurrency 8 to the strict MISP test server, is stored exactly once; in stix mode every event ends at
 * the configured distribution (MISP's upload_stix ignores it, the client must set it).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { CORPUS_DIR, filesUnder } from '../paths';
import { readPackages, type ExtractedPackage } from '../../src-main/core/stix/index';
import { buildEvent } from '../../src-main/core/misp/convert/event/index';
import { MispClient } from '../../src-main/core/misp/client/client';
import { uploadAll } from '../../src-main/core/misp/client/upload-all';
import { startMispServer, mispClientOptions } from '../../src-main/simulators/misp/index';
import type { MispEvent } from '../../src-main/core/misp/model';

let packages: ExtractedPackage[] = [];
beforeAll(() => {
  const seen = new Set<string>();
  for (const file of filesUnder(CORPUS_DIR)) {
    let found: ExtractedPackage[];
    try {
      found = readPackages(readFileSync(file));
    } catch {
      continue; // the corpus's negative cases: refused by the reader, tested there
    }
    for (const p of found) {
      // The corpus holds a few copies of the same package (same id and content): upload each once per pass.
      const key = `${p.id}|${p.hash}`;
      if (p.id && !seen.has(key)) {
        seen.add(key);
        packages.push(p);
      }
    }
  }
  packages = packages.filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
});

describe('all well-formed corpus packages, uploaded twice with concurrency 8', () => {
  it('native mode: converted events stored exactly once each', async () => {
    expect(packages.length).toBeGreaterThan(50);
    const misp = await startMispServer();
    const client = new MispClient(mispClientOptions(misp, { publish: false }));
    try {
      // Two samples in the corpus carry different ids around the same UUID; both map to one event (by design:
      // the event uuid is the package id's UUID), so each event is uploaded once per pass here.
      const events: MispEvent[] = packages
        .map((p) => buildEvent(p, { misp: { distribution: 0, threatLevel: 4, analysis: 0, tags: [] } }).event)
        .filter((e, i, all) => all.findIndex((o) => o.uuid === e.uuid) === i);
      expect(events.length).toBeGreaterThan(50);
      const first = await uploadAll(events, (e) => client.upsert(e), { concurrency: 8 });
      const failures = first.filter((s) => s.error).map((s) => `${s.item.uuid}: ${String((s.error as Error).message)}`);
      expect(failures).toEqual([]);
      expect(first.every((s) => s.result?.outcome === 'created')).toBe(true);
      const second = await uploadAll(events, (e) => client.upsert(e), { concurrency: 8 });
      expect(second.filter((s) => s.error)).toEqual([]);
      expect(second.every((s) => s.result?.outcome === 'duplicate')).toBe(true);
      expect(misp.events()).toHaveLength(events.length);
      expect(misp.rejections).toEqual([]);
    } finally {
      await client.close();
      await misp.close();
    }
  });

  it('stix mode: raw packages stored once each, every event at the configured distribution', async () => {
    const misp = await startMispServer({ defaultEventDistribution: 3 });
    const client = new MispClient(mispClientOptions(misp, { mode: 'stix', publish: true, distribution: 0 }));
    try {
      // MISP's STIX 1 importer takes 1.1.1 and 1.2 only; older packages are refused with MISP's own sentence,
      // and nothing of them is stored (native mode converts them instead).
      const accepted = packages.filter((p) => p.version === '1.1.1' || p.version === '1.2');
      const older = packages.filter((p) => !accepted.includes(p));
      expect(accepted.length).toBeGreaterThan(40);
      const send = (p: ExtractedPackage) => client.uploadStix({ packageId: p.id!, xml: p.xml, contentHash: p.hash });
      const first = await uploadAll(packages, send, { concurrency: 8 });
      expect(first.filter((s) => s.error && accepted.includes(s.item)).map((s) => `${s.item.id}: ${String((s.error as Error).message)}`)).toEqual([]);
      for (const s of first.filter((x) => older.includes(x.item))) expect(String((s.error as Error | undefined)?.message)).toMatch(/STIX version .* is not supported/);
      const second = await uploadAll(accepted, send, { concurrency: 8 });
      expect(second.filter((s) => s.error)).toEqual([]);
      expect(second.every((s) => s.result?.outcome === 'duplicate')).toBe(true);
      const stored = misp.events();
      expect(stored).toHaveLength(accepted.length);
      expect(stored.every((e) => String((e.Event as Record<string, unknown> | undefined)?.distribution ?? e.distribution) === '0')).toBe(true);
    } finally {
      await client.close();
      await misp.close();
    }
  });
});
