/**
 * The test server's data: collections of content blocks ordered by Timestamp_Label, the window and binding
 * selection of a poll, and result sets paged like OpenTAXII's (reference/taxii.md §1.8). Timestamps are compared
 * here with an implementation of its own (not the client's), so a client bug cannot hide behind a shared one.
 */
import { randomUUID } from 'node:crypto';

export interface TestBlock {
  /** The content: normally a standalone STIX document. */
  content: string;
  /** Any TAXII timestamp (`Z` or `+00:00`, up to 6 fraction digits). */
  timestampLabel: string;
  /** Default urn:stix.mitre.org:xml:1.1.1. */
  binding?: string;
  subtype?: string;
  /** How to put the content in the message; overrides the server's `deliverAs`. */
  deliverAs?: DeliverAs;
}

/** Child XML (OpenTAXII's way), a CDATA section, or escaped text. */
export type DeliverAs = 'xml' | 'cdata' | 'escaped';

/** Blocks generated on demand, already in ascending label order. */
export interface BlockSource {
  count: number;
  at(i: number): TestBlock;
  /** The label of block i without building its content (faster window search). */
  label?(i: number): string;
  /** The binding of block i without building its content. */
  binding?(i: number): string;
}

export interface TestCollection {
  name: string;
  type?: 'DATA_FEED' | 'DATA_SET';
  description?: string;
  /** Bindings the collection offers. Default: STIX 1.1.1. */
  contentBindings?: string[];
  blocks: TestBlock[] | BlockSource;
}

export const DEFAULT_BINDING = 'urn:stix.mitre.org:xml:1.1.1';

/** Microseconds since the epoch of a TAXII timestamp, or undefined when it is not one. */
export function labelMicros(label: string): bigint | undefined {
  const m = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(label.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0') || '0');
}

export class CollectionStore {
  readonly name: string;
  readonly type: 'DATA_FEED' | 'DATA_SET';
  readonly description: string;
  readonly bindings: string[];
  private readonly source: BlockSource;
  private readonly keys: bigint[];
  /** Blocks published after the start (a live feed), after the source's. */
  private readonly added: TestBlock[] = [];

  constructor(c: TestCollection) {
    this.name = c.name;
    this.type = c.type ?? 'DATA_FEED';
    this.description = c.description ?? `Test collection ${c.name}`;
    this.bindings = c.contentBindings ?? [DEFAULT_BINDING];
    if (Array.isArray(c.blocks)) {
      const sorted = [...c.blocks].sort((a, b) => cmp(key(a.timestampLabel), key(b.timestampLabel)));
      this.source = { count: sorted.length, at: (i) => sorted[i] as TestBlock, label: (i) => (sorted[i] as TestBlock).timestampLabel };
    } else {
      this.source = c.blocks;
    }
    const labelOf = this.source.label ?? ((i: number) => this.source.at(i).timestampLabel);
    this.keys = Array.from({ length: this.source.count }, (_, i) => key(labelOf(i)));
  }

  get count(): number {
    return this.source.count + this.added.length;
  }

  block(i: number): TestBlock {
    return i < this.source.count ? this.source.at(i) : (this.added[i - this.source.count] as TestBlock);
  }

  /**
   * Publishes a block, as a live feed does: its label must not be earlier than the latest one (labels only grow,
   * so a window the client has polled never gains blocks afterwards).
   */
  add(block: TestBlock): void {
    const k = key(block.timestampLabel);
    const last = this.keys.at(-1);
    if (last !== undefined && k < last) throw new Error(`test server: "${block.timestampLabel}" is earlier than the latest block of ${this.name}`);
    this.added.push(block);
    this.keys.push(k);
  }

  /**
   * Indexes of the blocks in `(begin, end]` whose binding is one of `bindings` (none = any), in label order.
   * Begin is exclusive and end inclusive, as OpenTAXII does (verified, reference/taxii.md §1.6).
   */
  select(begin: string | undefined, end: string | undefined, bindings: string[]): number[] {
    const from = begin === undefined ? 0 : this.firstAfter(key(begin));
    const to = end === undefined ? this.keys.length : this.firstAfter(key(end));
    const out: number[] = [];
    for (let i = from; i < to; i++) {
      if (bindings.length === 0 || bindings.includes(this.bindingOf(i))) out.push(i);
    }
    return out;
  }

  private bindingOf(i: number): string {
    if (i >= this.source.count) return this.block(i).binding ?? DEFAULT_BINDING;
    return this.source.binding?.(i) ?? this.source.at(i).binding ?? DEFAULT_BINDING;
  }

  /** The first index whose label is strictly later than k. */
  private firstAfter(k: bigint): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.keys[mid] as bigint) <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function key(label: string): bigint {
  const k = labelMicros(label);
  if (k === undefined) throw new Error(`test server: "${label}" is not a TAXII timestamp`);
  return k;
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A poll's result, kept so that Poll_Fulfillment can page through it. */
export interface ResultSet {
  id: string;
  collection: string;
  begin?: string;
  end?: string;
  indexes: number[];
  /** PENDING answers still to give before the result is ready (scripted fault). */
  pendingFulfillments: number;
  estimatedWait: number;
}

export class ResultSets {
  private readonly sets = new Map<string, ResultSet>();

  create(init: Omit<ResultSet, 'id'>): ResultSet {
    const set = { id: randomUUID(), ...init };
    this.sets.set(set.id, set);
    return set;
  }

  get(id: string): ResultSet | undefined {
    return this.sets.get(id);
  }

  delete(id: string): void {
    this.sets.delete(id);
  }
}
