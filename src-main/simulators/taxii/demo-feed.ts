/**
 * The demo's TAXII feed: made-up AIS-like packages (ais-feed.ts: documentation IP ranges, example.* domains) that
 * show what FLARE MISP does with a real feed, run after run:
 *
 * - at the start, 24 packages over the last two hours, one for each marking a package can carry — TLP WHITE,
 *   GREEN, AMBER, RED × AIS consent EVERYONE, USG, NONE × proprietary or not — so the distribution policy has
 *   every case to decide, plus one malformed package (cut off mid-document, as a broken upstream sends it) that the
 *   quarantine keeps;
 * - then, every minute, a trickle of new packages labelled "now", so each scheduled run finds new ones; the first
 *   tick also re-issues package 1 under the same id with changed content (retitled, an indicator withdrawn), so
 *   its MISP event gets updated.
 *
 * Labels only grow, so a window polled once never gains packages later (what a live feed guarantees).
 */
import { aisPackage, type AisConsent, type AisMarking, type TlpColor } from './ais-feed';
import type { TestBlock } from './store';

const COLORS: readonly TlpColor[] = ['WHITE', 'GREEN', 'AMBER', 'RED'];
const CONSENTS: readonly AisConsent[] = ['EVERYONE', 'USG', 'NONE'];

/** Packages there at the start; one per marking combination. */
export const DEMO_INITIAL_PACKAGES = COLORS.length * CONSENTS.length * 2;
/** New packages per minute. */
export const DEMO_TRICKLE_PACKAGES = 2;
/** The package the first tick re-issues. */
export const DEMO_REISSUED_PACKAGE = 0;
/** The malformed package's number (its id is an ordinary package id). */
export const DEMO_MALFORMED_PACKAGE = 900;

/** Package p's marking: every combination once in each run of 24. */
export function demoMarking(p: number): AisMarking {
  const n = p % DEMO_INITIAL_PACKAGES;
  return { color: COLORS[n % COLORS.length]!, consent: CONSENTS[Math.floor(n / COLORS.length) % CONSENTS.length]!, proprietary: n >= DEMO_INITIAL_PACKAGES / 2 };
}

const label = (ms: number): string => new Date(ms).toISOString();
const stixTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

function describe(m: AisMarking): string {
  return `TLP:${m.color}, AIS consent ${m.consent}${m.proprietary ? ', proprietary' : ''}`;
}

function demoPackage(p: number, atMs: number, revised = false): TestBlock {
  const marking = demoMarking(p);
  const xml = aisPackage(p, 2 + (p % 4), undefined, {
    marking,
    timestamp: stixTime(atMs),
    title: `Demo AIS package ${p + 1} (${describe(marking)})${revised ? ' — revised' : ''}`,
    description: revised
      ? 'Re-issued by the demo feed under the same id: retitled, its first indicator withdrawn. Made-up content.'
      : `A made-up AIS-like package from FLARE MISP's demo feed, marked ${describe(marking)}.`,
    ...(revised ? { omitIndicators: [0] } : {}),
  }).xml;
  return { content: xml, timestampLabel: label(atMs) };
}

/** The malformed package: a document cut off in the middle, delivered as text (as child XML it would break the whole answer). */
function malformedPackage(atMs: number): TestBlock {
  const whole = aisPackage(DEMO_MALFORMED_PACKAGE, 3, undefined, {
    marking: { color: 'GREEN', consent: 'EVERYONE' },
    timestamp: stixTime(atMs),
    title: 'Demo AIS package cut off in transit',
    description: 'The demo feed sends this package truncated, so that the quarantine has something to show.',
  }).xml;
  return { content: whole.slice(0, whole.indexOf('</stix:Indicator>') + 20), timestampLabel: label(atMs), deliverAs: 'cdata' };
}

export class DemoFeed {
  private nextPackage = DEMO_INITIAL_PACKAGES;
  private ticks = 0;
  private lastMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The packages there at the start: the last two hours, five minutes apart, and the malformed one among them. */
  initialBlocks(): TestBlock[] {
    const end = this.now() - 60_000;
    const blocks: TestBlock[] = [];
    for (let p = 0; p < DEMO_INITIAL_PACKAGES; p++) {
      const at = end - (DEMO_INITIAL_PACKAGES - p) * 5 * 60_000;
      blocks.push(demoPackage(p, at));
      if (p === DEMO_INITIAL_PACKAGES / 2) blocks.push(malformedPackage(at + 1000));
    }
    this.lastMs = end;
    return blocks;
  }

  /** What the next minute publishes: new packages (and, the first time, the re-issue), labelled now. */
  tick(): TestBlock[] {
    this.ticks++;
    // Never earlier than the last label: a clock step back must not put packages into a polled window.
    const at = Math.max(this.now(), this.lastMs + 1);
    this.lastMs = at + DEMO_TRICKLE_PACKAGES;
    const blocks: TestBlock[] = [];
    if (this.ticks === 1) blocks.push(demoPackage(DEMO_REISSUED_PACKAGE, at, true));
    for (let i = 0; i < DEMO_TRICKLE_PACKAGES; i++) blocks.push(demoPackage(this.nextPackage++, at + i + 1));
    return blocks;
  }
}
