/**
 * Synthetic content for the TAXII test server: small STIX 1.1.1 packages shaped like the AIS packages in
 * reference/taxii-messages/ (every namespace declared on the package, AIS marking, indicators with CybOX
 * observables), labelled at regular intervals.
 */
import { createHash } from 'node:crypto';
import type { BlockSource, TestBlock } from './store';

export const STIX_111 = 'urn:stix.mitre.org:xml:1.1.1';

const NAMESPACES = [
  'xmlns:stix="http://stix.mitre.org/stix-1"',
  'xmlns:stixCommon="http://stix.mitre.org/common-1"',
  'xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1"',
  'xmlns:indicator="http://stix.mitre.org/Indicator-2"',
  'xmlns:marking="http://data-marking.mitre.org/Marking-1"',
  'xmlns:AIS="http://www.us-cert.gov/STIXMarkingStructure#AISConsentMarking-2"',
  'xmlns:cybox="http://cybox.mitre.org/cybox-2"',
  'xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2"',
  'xmlns:NCCIC="http://www.us-cert.gov/nccic"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(' ');

/** A deterministic UUID-shaped id from a seed. */
function uuidFor(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function indicator(n: number, k: number, timestamp: string): string {
  const ip = `198.51.${(n + k) % 256}.${(n * 7 + k) % 254 + 1}`;
  return `
    <stix:Indicator id="NCCIC:Indicator-${uuidFor(`i${n}.${k}`)}" timestamp="${timestamp}" xsi:type="indicator:IndicatorType">
      <indicator:Title>Malicious IP ${ip}</indicator:Title>
      <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">IP Watchlist</indicator:Type>
      <indicator:Observable id="NCCIC:Observable-${uuidFor(`o${n}.${k}`)}">
        <cybox:Object id="NCCIC:Address-${uuidFor(`a${n}.${k}`)}">
          <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
            <AddressObj:Address_Value condition="Equals">${ip}</AddressObj:Address_Value>
          </cybox:Properties>
        </cybox:Object>
      </indicator:Observable>
    </stix:Indicator>`;
}

/** The id of package number `n` (what `stixPackage(n)` carries). */
export function packageId(n: number): string {
  return `NCCIC:Package-${uuidFor(`p${n}`)}`;
}

/**
 * STIX package number `n`: a standalone document with its own namespace declarations. `indicators` sets its size
 * (about 750 bytes each; a package with 6 is about 5 KB).
 */
export function stixPackage(n: number, options: { timestamp?: string; indicators?: number } = {}): string {
  const timestamp = options.timestamp ?? '2016-01-01T00:00:00Z';
  const count = options.indicators ?? 1;
  let indicators = '';
  for (let k = 0; k < count; k++) indicators += indicator(n, k, timestamp);
  return `<stix:STIX_Package ${NAMESPACES} id="${packageId(n)}" version="1.1.1" timestamp="${timestamp}">
  <stix:STIX_Header>
    <stix:Title>Synthetic AIS test package ${n} &amp; friends</stix:Title>
    <stix:Package_Intent xsi:type="stixVocabs:PackageIntentVocab-1.0">Indicators</stix:Package_Intent>
    <stix:Handling>
      <marking:Marking>
        <marking:Controlled_Structure>//node() | //@*</marking:Controlled_Structure>
        <marking:Marking_Structure xsi:type="AIS:AISMarkingStructure">
          <AIS:Not_Proprietary CISA_Proprietary="false">
            <AIS:AISConsent consent="EVERYONE"/>
            <AIS:TLPMarking color="GREEN"/>
          </AIS:Not_Proprietary>
        </marking:Marking_Structure>
      </marking:Marking>
    </stix:Handling>
  </stix:STIX_Header>
  <stix:Indicators>${indicators}
  </stix:Indicators>
</stix:STIX_Package>`;
}

/** The Timestamp_Label of block `n` in a series starting at `start` with `stepSeconds` between blocks. */
export function labelAt(start: string, n: number, stepSeconds = 1): string {
  return new Date(Date.parse(start) + n * stepSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export interface SeriesOptions {
  /** Label of block 0. Default 2016-01-01T00:00:01Z. */
  start?: string;
  stepSeconds?: number;
  indicators?: number;
  binding?: string;
}

/** `count` blocks, labelled `start`, `start + step`, … (ascending), each a distinct package. */
export function makeBlocks(count: number, options: SeriesOptions = {}): TestBlock[] {
  const source = blockSeries(count, options);
  return Array.from({ length: count }, (_, i) => source.at(i));
}

/** The same series, generated on demand (for large benchmarks: the server never holds it all). */
export function blockSeries(count: number, options: SeriesOptions = {}): BlockSource {
  const start = options.start ?? '2016-01-01T00:00:01Z';
  const step = options.stepSeconds ?? 1;
  const binding = options.binding ?? STIX_111;
  return {
    count,
    label: (i) => labelAt(start, i, step),
    binding: () => binding,
    at(i) {
      const timestampLabel = labelAt(start, i, step);
      return {
        content: stixPackage(i, { timestamp: timestampLabel, indicators: options.indicators }),
        timestampLabel,
        binding,
      };
    },
  };
}
