/**
 * A feed, a MISP and a FlareService wired to both, for the run tests: the TAXII and MISP test servers on
 * 127.0.0.1, a private config folder, and a feed whose packages a test can re-issue between runs.
 */
import path from 'node:path';
import { startMispServer, TEST_MISP_KEY, type MispServerOptions, type MispTestServer } from '../../src-main/simulators/misp/index';
import { labelAt, packageId, stixPackage } from '../../src-main/simulators/taxii/fixtures';
import { startTaxiiServer, type TaxiiServerOptions, type TaxiiTestServer } from '../../src-main/simulators/taxii/server';
import type { BlockSource } from '../../src-main/simulators/taxii/store';
import { serviceWith } from './service';
import type { FlareService, ServiceOptions } from '../../src-main/core/service';
import type { LogHub } from '../../src-main/core/log/index';

/** N packages labelled a second apart, ending a little before now (so every run's window holds them). */
export class TestFeed implements BlockSource {
  readonly start: string;
  private readonly overrides = new Map<number, string>();
  constructor(
    readonly count: number,
    readonly indicators = 2,
  ) {
    this.start = new Date(Date.now() - (count + 30) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  // Arrow properties: the test server calls them unbound.
  readonly label = (i: number): string => labelAt(this.start, i);
  readonly binding = (): string => 'urn:stix.mitre.org:xml:1.1.1';
  id(i: number): string {
    return packageId(i);
  }
  /** Package i re-issued with other content (same id). */
  reissue(i: number, content: string): void {
    this.overrides.set(i, content);
  }
  readonly at = (i: number) => {
    const timestampLabel = this.label(i);
    return { content: this.overrides.get(i) ?? stixPackage(i, { timestamp: timestampLabel, indicators: this.indicators }), timestampLabel };
  };
}

export interface RunStack {
  taxii: TaxiiTestServer;
  misp: MispTestServer;
  service: FlareService;
  hub: LogHub;
  /** The config folder; data/ and out/ are beside it. */
  dir: string;
  base: string;
  feed: TestFeed;
}

export async function runStack(
  cleanups: (() => Promise<void>)[],
  options: { packages?: number; partSize?: number; taxii?: Partial<TaxiiServerOptions>; misp?: MispServerOptions; keys?: Record<string, string>; feed?: TestFeed; runs?: ServiceOptions['runs'] } = {},
): Promise<RunStack> {
  const feed = options.feed ?? new TestFeed(options.packages ?? 25);
  const taxii = await startTaxiiServer({ collections: [{ name: 'ais', blocks: feed }], partSize: options.partSize ?? 10, ...options.taxii });
  cleanups.push(() => taxii.close());
  const misp = await startMispServer(options.misp);
  cleanups.push(() => misp.close());
  const { service, hub, dir } = serviceWith(
    {
      'stixtransclient.poll.baseurl': taxii.urls.poll,
      'stixtransclient.source.collection': 'ais',
      'flare.misp.url': misp.url,
      'misp.authorization.key': TEST_MISP_KEY,
      'mtc.start.time': new Date(Date.parse(feed.start) - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      ...options.keys,
    },
    cleanups,
    options.runs,
  );
  return { taxii, misp, service, hub, dir, base: path.dirname(dir), feed };
}
