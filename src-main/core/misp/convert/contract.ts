/**
 * The contract between the two halves of STIX → MISP conversion:
 *   - observables/ (CybOX objects → MISP attributes and objects; issue 6) implements `mapObservable`;
 *   - event/ (the whole package → one MISP event: indicators, markings, TTPs…; issue 7) calls it.
 * Both report what they dropped, refanged, skipped or kept as text through one `ConversionReport`, which the
 * preview, the CLI's `--report` and the run log show. Attribute and object uuids are derived, never reused
 * from CybOX ids (a re-issued package would collide): see `derivedUuid`.
 */
import crypto from 'node:crypto';
import type { CyboxObject, Observable } from '../../stix/model/types';
import type { MispAttribute, MispObject, MispTag } from '../model';

/** Fixed namespace for every uuid FLARE MISP derives (UUIDv5). Never change it: uuids would all move. */
export const FLARE_UUID_NAMESPACE = '6f2d4a4e-5b1c-4f0e-9a57-3c1d2e8b7a90';

/**
 * A uuid that is the same every time for the same event and the same thing inside it: UUIDv5 of the event
 * uuid and a stable key (the CybOX id plus a path, or the value's own identity when there is no id).
 */
export function derivedUuid(eventUuid: string, key: string): string {
  // RFC 4122 UUIDv5, byte-identical to uuid's v5(`${eventUuid}|${key}`, FLARE_UUID_NAMESPACE) (tested). Conversion
  // derives one uuid per attribute, object and reference, so this is a hot path: the name is written after the
  // namespace bytes in one reused buffer (no Buffer, no joined string per call) and hashed there (see sha1).
  const need = 16 + 3 * (eventUuid.length + 1 + key.length) + 72; // + room for SHA-1's padding
  if (need > nameBuffer.length) {
    nameBuffer = Buffer.allocUnsafeSlow(Math.max(need, 2 * nameBuffer.length));
    NAMESPACE_BYTES.copy(nameBuffer, 0);
  }
  let end = 16 + nameBuffer.write(eventUuid, 16, 'utf8');
  nameBuffer[end++] = 0x7c; // "|"
  end += nameBuffer.write(key, end, 'utf8');
  const h = sha1(nameBuffer, end);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  // Hex digits written into a reused buffer and read back as one flat string (joining 21 pieces gave a rope that
  // every later use — the validator's check, map keys — had to flatten first).
  const out = uuidText;
  for (let i = 0; i < 16; i++) {
    const at = UUID_DIGIT_AT[i]!;
    const b = h[i]!;
    out[at] = HEX_DIGITS[b >> 4]!;
    out[at + 1] = HEX_DIGITS[b & 0x0f]!;
  }
  return out.toString('latin1', 0, 36);
}

/** derivedUuid with node:crypto's SHA-1: the reference the tests hold the JavaScript SHA-1 to. */
export function derivedUuidReference(eventUuid: string, key: string): string {
  const name = `${eventUuid}|${key}`;
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  NAMESPACE_BYTES.copy(input, 0);
  input.write(name, 16, 'utf8');
  const h = crypto.createHash('sha1').update(input).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const SCHEDULE = new Int32Array(80);
const STATE = new Int32Array(5);
const DIGEST = new Uint8Array(20);
/**
 * The first 64-byte block of the last name hashed, and the state after it. Every name of an event starts with the
 * same 53 bytes (namespace, event uuid, "|") and most keys with the same few characters ("NCCIC:Objec"): a
 * two-block name then costs one compression instead of two.
 */
const FIRST_BLOCK = new Uint8Array(64);
const FIRST_STATE = new Int32Array(5);
let firstBlockKnown = false;

/**
 * SHA-1 (FIPS 180-4) of the first `len` bytes of `m`, which has room for the padding (written in place); returns
 * the digest in a reused array. In JavaScript because node:crypto's per-call cost (not the hashing) dominated for
 * these one- or two-block names; the tests compare it with node:crypto.
 */
function sha1(m: Uint8Array, len: number): Uint8Array {
  const end = (((len + 8) >> 6) + 1) * 64;
  const state = STATE;
  let off = 0;
  if (len >= 64) {
    // The first block holds only name bytes: reuse its state when it is the same as last time.
    let same = firstBlockKnown;
    for (let i = 0; same && i < 64; i++) if (m[i] !== FIRST_BLOCK[i]) same = false;
    if (!same) {
      state[0] = 0x67452301;
      state[1] = 0xefcdab89 | 0;
      state[2] = 0x98badcfe | 0;
      state[3] = 0x10325476;
      state[4] = 0xc3d2e1f0 | 0;
      compress(m, 0, state);
      for (let i = 0; i < 64; i++) FIRST_BLOCK[i] = m[i]!;
      FIRST_STATE.set(state);
      firstBlockKnown = true;
    } else state.set(FIRST_STATE);
    off = 64;
  } else {
    state[0] = 0x67452301;
    state[1] = 0xefcdab89 | 0;
    state[2] = 0x98badcfe | 0;
    state[3] = 0x10325476;
    state[4] = 0xc3d2e1f0 | 0;
  }
  m[len] = 0x80;
  for (let i = len + 1; i < end - 8; i++) m[i] = 0;
  const high = Math.floor(len / 0x20000000); // the length in bits: 64 bits, big-endian
  const low = (len << 3) >>> 0;
  m[end - 8] = high >>> 24;
  m[end - 7] = (high >>> 16) & 0xff;
  m[end - 6] = (high >>> 8) & 0xff;
  m[end - 5] = high & 0xff;
  m[end - 4] = low >>> 24;
  m[end - 3] = (low >>> 16) & 0xff;
  m[end - 2] = (low >>> 8) & 0xff;
  m[end - 1] = low & 0xff;
  for (; off < end; off += 64) compress(m, off, state);
  const out = DIGEST;
  for (let i = 0; i < 5; i++) {
    const h = state[i]!;
    out[i * 4] = h >>> 24;
    out[i * 4 + 1] = (h >>> 16) & 0xff;
    out[i * 4 + 2] = (h >>> 8) & 0xff;
    out[i * 4 + 3] = h & 0xff;
  }
  return out;
}

/** One SHA-1 compression of the 64 bytes of `m` at `off` into `state`. */
function compress(m: Uint8Array, off: number, state: Int32Array): void {
  const w = SCHEDULE;
  for (let t = 0; t < 16; t++) {
    const i = off + (t << 2);
    w[t] = (m[i]! << 24) | (m[i + 1]! << 16) | (m[i + 2]! << 8) | m[i + 3]!;
  }
  for (let t = 16; t < 80; t++) {
    const v = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
    w[t] = (v << 1) | (v >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let t = 0;
  // One loop per round function: a branch in every step costs more than the step.
  for (; t < 20; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 40; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 60; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e - 0x70e44324 + w[t]!) | 0; // + 0x8f1bbcdc
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 80; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + w[t]!) | 0; // + 0xca62c1d6
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

const NAMESPACE_BYTES = Buffer.from(FLARE_UUID_NAMESPACE.replaceAll('-', ''), 'hex');
/** The namespace bytes followed by the name being hashed (and room for SHA-1's padding); grown for a longer name. */
let nameBuffer = Buffer.allocUnsafeSlow(1024);
NAMESPACE_BYTES.copy(nameBuffer, 0);
/** Where each of the 16 bytes' two hex digits go in the 36 characters of a uuid. */
const UUID_DIGIT_AT = Uint8Array.from([0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const uuidText = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/** What happened to one CybOX object, for the coverage report. */
export type MappingOutcome = 'mapped' | 'text' | 'skipped';

export interface ReportEntry {
  level: 'warning' | 'info';
  /** Stable machine code: placeholder, refanged, pattern, unsupported-type, invalid-value, dropped… */
  code: string;
  message: string;
  /** The STIX id or path the entry is about. */
  where?: string;
}

/** Collects everything the user should know about a conversion. One per package. */
export class ConversionReport {
  readonly entries: ReportEntry[] = [];
  /** Per CybOX object type (e.g. "Address", "WindowsFile"): how many were mapped, kept as text, skipped. */
  readonly coverage = new Map<string, Record<MappingOutcome, number>>();

  warn(code: string, message: string, where?: string): void {
    this.entries.push({ level: 'warning', code, message, ...(where !== undefined && { where }) });
  }

  info(code: string, message: string, where?: string): void {
    this.entries.push({ level: 'info', code, message, ...(where !== undefined && { where }) });
  }

  count(cyboxType: string, outcome: MappingOutcome): void {
    let c = this.coverage.get(cyboxType);
    if (!c) this.coverage.set(cyboxType, (c = { mapped: 0, text: 0, skipped: 0 }));
    c[outcome]++;
  }

  /** Adds another report's coverage (for corpus-wide totals). */
  merge(other: ConversionReport): void {
    this.entries.push(...other.entries);
    for (const [type, c] of other.coverage) for (const o of ['mapped', 'text', 'skipped'] as const) for (let i = 0; i < c[o]; i++) this.count(type, o);
  }

  get warnings(): ReportEntry[] {
    return this.entries.filter((e) => e.level === 'warning');
  }
}

/** Where an observable sits, and what the caller wants on everything made from it. */
export interface MappingContext {
  /** The event's uuid: the seed of every derived uuid. */
  eventUuid: string;
  /** True for observables of an indicator (and only when their condition is Equals), false for top-level ones. */
  toIds: boolean;
  /** A comment to put on every attribute and object made (e.g. the indicator's title); may be empty. */
  comment?: string;
  /** Tags for every attribute made (indicator-level markings). */
  tags?: MispTag[];
  /** Follows an idref to its definition (observables and objects are often referenced, not repeated). */
  resolve(idref: string): Observable | undefined;
  /**
   * Follows an idref to a CybOX Object (`Related_Object idref=…`, `Object idref=…`, an e-mail attachment's
   * `object_reference`). Optional (added by issue 6): without it, such references still become object references by
   * derived uuid, but values read through them (the IP of a `Resolved_To`, an attachment's file name) are not.
   * `resolversFor(pkg)` in observables/ gives both resolvers for a package.
   */
  resolveObject?(idref: string): CyboxObject | undefined;
  /**
   * `derivedUuid(eventUuid, key)`, possibly remembered: an observable used by several indicators is mapped once per
   * use, with the same keys each time, and the event builder hands a memoising one. Optional: without it the
   * mappers call derivedUuid.
   */
  uuid?(key: string): string;
  report: ConversionReport;
}

/** The MISP content made from one observable (and its related objects). */
export interface Mapped {
  attributes: MispAttribute[];
  objects: MispObject[];
}

/** Implemented in observables/index.ts. */
export type MapObservable = (observable: Observable, ctx: MappingContext) => Mapped;
