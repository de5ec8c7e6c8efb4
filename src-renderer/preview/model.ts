/**
 * The pure side of the "Preview STIX" view: what the UI makes of a `PreviewResult` (the event as readable rows,
 * the distribution decision, the report grouped by code — or, from an engine that sends only lines, by their
 * shape — and the CybOX coverage) and of a refusal (where in the XML it happened).
 * No React, no DOM: unit-tested in model.test.ts.
 */
import type { ApiErrorShape, PreviewCoverage, PreviewReportEntry, PreviewResult } from '../../shared/api';

/**
 * The largest file the preview reads: the engine's STIX reader refuses documents over 32 MiB
 * (`maxDocumentBytes`), so a bigger file would only travel to be refused.
 */
export const MAX_PREVIEW_BYTES = 32 * 1024 * 1024;

/** Rows shown before "Show all" in the attribute and object tables, and items per report group. */
export const ROW_CAP = 200;
export const REPORT_ITEM_CAP = 25;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Refuses a file before reading it when it is over the preview's limit; undefined when it may be read. */
export function checkSize(name: string, bytes: number, max = MAX_PREVIEW_BYTES): ApiErrorShape | undefined {
  if (bytes <= max) return undefined;
  return {
    code: 'preview_too_large',
    message: `${name} is ${formatBytes(bytes)}; the preview reads files up to ${formatBytes(max)}.`,
    hint: 'FLARE MISP reads STIX packages up to 32 MB. A bigger file is usually many packages or a whole feed dump: split it, or look at it on the server with `flare-misp stix inspect FILE`.',
  };
}

// ——— the event ———————————————————————————————————————————————————————————————————————————————

export interface AttributeRow {
  uuid: string;
  type: string;
  category: string;
  value: string;
  toIds: boolean;
  comment: string;
  /** Inside an object: the template relation the attribute fills. */
  relation?: string;
  /** Attachments and malware samples carry their content (base64) beside the value. */
  hasData: boolean;
}

export interface ObjectRow {
  uuid: string;
  name: string;
  metaCategory: string;
  comment: string;
  attributes: AttributeRow[];
}

export interface EventView {
  uuid: string;
  info: string;
  date: string;
  distribution?: number;
  sharingGroupId?: number;
  threatLevel?: number;
  analysis?: number;
  published?: boolean;
  tags: string[];
  attributes: AttributeRow[];
  objects: ObjectRow[];
  counts: { attributes: number; objects: number; objectAttributes: number; toIds: number; tags: number };
}

export const DISTRIBUTION_NAMES: Record<number, string> = {
  0: 'your organisation only',
  1: 'this community only',
  2: 'connected communities',
  3: 'all communities',
  4: 'sharing group',
  5: 'inherit event',
};
export const THREAT_LEVELS: Record<number, string> = { 1: 'high', 2: 'medium', 3: 'low', 4: 'undefined' };
export const ANALYSIS_LEVELS: Record<number, string> = { 0: 'initial', 1: 'ongoing', 2: 'completed' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
/** MISP takes booleans loosely ("1", 1, true); the converter sends JSON booleans. */
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function attributeRow(a: Obj): AttributeRow {
  const row: AttributeRow = {
    uuid: str(a.uuid),
    type: str(a.type),
    category: str(a.category),
    value: str(a.value),
    toIds: bool(a.to_ids),
    comment: str(a.comment),
    hasData: typeof a.data === 'string' && a.data.length > 0,
  };
  if (typeof a.object_relation === 'string') row.relation = a.object_relation;
  return row;
}

/**
 * The event of a preview as rows for people. `PreviewResult.event` is typed `unknown` on the contract, so every
 * field is read defensively; `{"Event": …}` (MISP's REST wrapping) is accepted too.
 */
export function readEvent(event: unknown): EventView {
  const e = isObj(event) && isObj(event.Event) ? event.Event : isObj(event) ? event : {};
  const attributes = list(e.Attribute).map(attributeRow);
  const objects: ObjectRow[] = list(e.Object).map((o) => ({
    uuid: str(o.uuid),
    name: str(o.name),
    metaCategory: str(o['meta-category']),
    comment: str(o.comment),
    attributes: list(o.Attribute).map(attributeRow),
  }));
  const tags = list(e.Tag)
    .map((t) => str(t.name))
    .filter((t) => t !== '');
  const objectAttributes = objects.reduce((n, o) => n + o.attributes.length, 0);
  const toIds = attributes.filter((a) => a.toIds).length + objects.reduce((n, o) => n + o.attributes.filter((a) => a.toIds).length, 0);
  const view: EventView = {
    uuid: str(e.uuid),
    info: str(e.info),
    date: str(e.date),
    tags,
    attributes,
    objects,
    counts: { attributes: attributes.length, objects: objects.length, objectAttributes, toIds, tags: tags.length },
  };
  const distribution = num(e.distribution);
  if (distribution !== undefined) view.distribution = distribution;
  const sg = num(e.sharing_group_id);
  if (sg !== undefined) view.sharingGroupId = sg;
  const threat = num(e.threat_level_id);
  if (threat !== undefined) view.threatLevel = threat;
  const analysis = num(e.analysis);
  if (analysis !== undefined) view.analysis = analysis;
  if (e.published !== undefined) view.published = bool(e.published);
  return view;
}

/** The event as MISP's REST API takes it (`{"Event": …}`), indented. */
export function eventJson(event: unknown): string {
  return JSON.stringify(isObj(event) && isObj(event.Event) ? event : { Event: event }, null, 2);
}

/** Case-insensitive match of an attribute on any of the columns the table shows. */
export function matchesAttribute(a: AttributeRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [a.type, a.category, a.value, a.comment, a.relation ?? ''].some((f) => f.toLowerCase().includes(q));
}

export function matchesObject(o: ObjectRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [o.name, o.metaCategory, o.comment].some((f) => f.toLowerCase().includes(q)) || o.attributes.some((a) => matchesAttribute(a, q));
}

// ——— the distribution decision ————————————————————————————————————————————————————————————————

export interface DecisionView {
  /** The MISP distribution level chosen, when known. */
  level?: number;
  /** e.g. "your organisation only", "sharing group 7". */
  label: string;
  /** Why: one line per marking, e.g. "tlp:amber → 0", plus any note of the policy. */
  reasons: string[];
  /** True when the event would not leave your organisation. */
  restricted: boolean;
}

/**
 * Reads the policy's one-sentence summary (`0 (your organisation only): tlp:amber → 0; ais:everyone → default
 * (3)`). Without a summary (or in a shape we do not know) the event's own distribution speaks.
 */
export function parseDecision(summary: string | undefined, eventDistribution?: number): DecisionView {
  const m = summary ? /^\s*(\d)\s*\(([^)]*)\)\s*:?\s*(.*)$/s.exec(summary) : null;
  if (m) {
    const level = Number(m[1]);
    const reasons = m[3]!
      .split(/;\s+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    return { level, label: m[2]!.trim(), reasons, restricted: level === 0 };
  }
  const level = eventDistribution;
  const label = level !== undefined ? (DISTRIBUTION_NAMES[level] ?? `level ${level}`) : 'unknown';
  const view: DecisionView = { label, reasons: summary ? [summary] : [], restricted: level === 0 };
  if (level !== undefined) view.level = level;
  return view;
}

// ——— the report ——————————————————————————————————————————————————————————————————————————————

export type ReportKind = 'warning' | 'dropped' | 'refanged';

export interface ReportGroup {
  /** The message with its particulars (quoted values, ids) left out: what the items have in common. */
  label: string;
  items: string[];
}

export interface ReportSection {
  kind: ReportKind;
  title: string;
  /** What the kind means, for people. */
  describe: string;
  total: number;
  groups: ReportGroup[];
}

const SECTIONS: { kind: ReportKind; key: 'warnings' | 'dropped' | 'refanged'; title: string; describe: string }[] = [
  { kind: 'warning', key: 'warnings', title: 'Warnings', describe: 'Converted, but worth a look.' },
  { kind: 'dropped', key: 'dropped', title: 'Not in the event', describe: 'Parts of the package the event leaves out, and why.' },
  { kind: 'refanged', key: 'refanged', title: 'Refanged', describe: 'Values written defanged in the package (hxxp, [.]) and restored in the event.' },
];

/**
 * The common shape of a report line: a trailing "(where)" id, quoted values and qualified ids (`prefix:Id-…`)
 * become "…", so "File File_Name: "N/A" is a placeholder … (NCCIC:Object-1)" and "… (NCCIC:Object-2)" group.
 */
export function reportKey(line: string): string {
  return line
    .replace(/\s+\([^()\s]+\)\s*$/, '')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/(^|[\s(])[A-Za-z][\w.-]*:[\w.-]*[\w-](?=$|[\s,;)]|\.(?:\s|$))/g, '$1…')
    .trim();
}

/** The report, warnings first, each kind grouped by the shape of its lines (biggest group first). */
export function groupReport(result: Pick<PreviewResult, 'warnings' | 'dropped' | 'refanged'>): ReportSection[] {
  return SECTIONS.map(({ kind, key, title, describe }) => {
    const lines = result[key] ?? [];
    const byKey = new Map<string, ReportGroup>();
    for (const line of lines) {
      const k = reportKey(line);
      let g = byKey.get(k);
      if (!g) byKey.set(k, (g = { label: k, items: [] }));
      g.items.push(line);
    }
    // Map keeps first-seen order; a stable sort by size keeps it among equals.
    const groups = [...byKey.values()].sort((a, b) => b.items.length - a.items.length);
    return { kind, title, describe, total: lines.length, groups };
  });
}

// ——— the structured report (by code) ————————————————————————————————————————————————————————————————

/**
 * What each report code means, for people: the heading of its group. Codes not listed get their own name,
 * spaced out ("some-new-code" → "Some new code"), so a code the engine adds later still shows.
 */
export const CODE_TITLES: Record<string, string> = {
  // warnings: wrong, or not in the event
  'multiple-packages': 'Only the first package is previewed',
  'sharing-group-lookup': 'Sharing group not found in MISP',
  placeholder: 'Placeholder values skipped',
  skipped: 'CybOX objects skipped',
  dropped: 'Left out, as MISP would drop it',
  'unresolved-idref': 'References to things the package does not define',
  'unsupported-type': 'CybOX types without a MISP mapping',
  'invalid-value': 'Invalid values skipped',
  'mapping-failed': 'Observables that could not be mapped',
  'empty-indicator': 'Indicators with nothing to convert',
  'empty-test-mechanism': 'Empty test mechanisms',
  'unsupported-test-mechanism': 'Test mechanisms not converted',
  'unsupported-vulnerability': 'Vulnerabilities without a MISP type',
  'threat-actor-unnamed': 'Unnamed threat actors not converted',
  'campaign-unnamed': 'Unnamed campaigns not converted',
  'coa-not-converted': 'Courses of action not converted',
  'ttp-not-converted': 'TTPs not converted',
  'no-timestamp': 'No time in the package',
  'bad-timestamp': 'Unreadable package timestamp',
  'duplicate-id': 'Ids defined more than once',
  cycle: 'Observables that refer to themselves',
  'too-deep': 'Objects nested too deep',
  // notes: changed, merged or left out on the way
  'reference-dropped': 'Object references left out',
  refanged: 'Defanged values restored',
  'as-text': 'Invalid values kept as text',
  merged: 'Repeated attributes merged',
  duplicate: 'Repeated values kept once',
  'fields-not-mapped': 'CybOX fields without a MISP mapping',
  'marking-not-mapped': 'Markings without a MISP tag',
  'ttp-empty': 'TTPs with nothing to convert',
  'report-untitled': 'Reports without a title',
  validator: 'Notes of the MISP validator',
  timestamp: 'Event time taken from elsewhere',
  distribution: 'Distribution decisions',
};

export function codeTitle(code: string): string {
  const known = CODE_TITLES[code];
  if (known !== undefined) return known;
  const words = code.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : '(no code)';
}

/**
 * Informational codes an analyst reads, in the order they are shown: what left the event or changed on the way.
 * Other informational codes (the distribution decision, which the Distribution card already shows, and codes this
 * list does not know) go to "Other notes" — unless their name says drop, skip or refang.
 */
export const ANALYST_INFO_CODES: readonly string[] = [
  'reference-dropped',
  'unresolved-idref',
  'refanged',
  'as-text',
  'merged',
  'duplicate',
  'fields-not-mapped',
  'marking-not-mapped',
  'ttp-empty',
  'report-untitled',
  'validator',
  'timestamp',
];
const looksAnalyst = (code: string): boolean => /drop|skip|refang/.test(code);

/** One message of a code group: how many entries said it, and the distinct ids they are about (first-seen order). */
export interface MessageGroup {
  text: string;
  count: number;
  where: string[];
}

export interface CodeGroup {
  level: PreviewReportEntry['level'];
  code: string;
  /** The code for people (CODE_TITLES). */
  title: string;
  /** Entries with this code. */
  count: number;
  /** The distinct messages, first-seen order. */
  messages: MessageGroup[];
  /** Every distinct id the entries are about, first-seen order. */
  where: string[];
}

export type CodeSectionKind = 'warning' | 'notes' | 'other';

export interface CodeSection {
  kind: CodeSectionKind;
  title: string;
  describe: string;
  total: number;
  groups: CodeGroup[];
}

/** The report, in sections, each grouped by (level, code). Sections in this order: warnings, notes, other notes. */
export function groupReportByCode(entries: readonly PreviewReportEntry[]): CodeSection[] {
  const byCode = new Map<string, CodeGroup>();
  const messagesOf = new Map<CodeGroup, Map<string, MessageGroup>>();
  const whereOf = new Map<CodeGroup | MessageGroup, Set<string>>();
  for (const e of entries) {
    const key = `${e.level}\u0000${e.code}`;
    let g = byCode.get(key);
    if (!g) {
      byCode.set(key, (g = { level: e.level, code: e.code, title: codeTitle(e.code), count: 0, messages: [], where: [] }));
      messagesOf.set(g, new Map());
      whereOf.set(g, new Set());
    }
    g.count++;
    const messages = messagesOf.get(g)!;
    let m = messages.get(e.message);
    if (!m) {
      messages.set(e.message, (m = { text: e.message, count: 0, where: [] }));
      whereOf.set(m, new Set());
      g.messages.push(m);
    }
    m.count++;
    if (e.where !== undefined && e.where !== '') {
      const w = e.where;
      // Sets, not includes(): a big package repeats one message over thousands of ids.
      const seenHere = whereOf.get(m)!;
      if (!seenHere.has(w)) {
        seenHere.add(w);
        m.where.push(w);
      }
      const seen = whereOf.get(g)!;
      if (!seen.has(w)) {
        seen.add(w);
        g.where.push(w);
      }
    }
  }
  const groups = [...byCode.values()];
  // Biggest first; Array.prototype.sort is stable, so equals keep the converter's order.
  const bySize = (a: CodeGroup, b: CodeGroup) => b.count - a.count;
  const rank = (g: CodeGroup) => {
    const i = ANALYST_INFO_CODES.indexOf(g.code);
    return i >= 0 ? i : ANALYST_INFO_CODES.length;
  };
  const warnings = groups.filter((g) => g.level === 'warning').sort(bySize);
  const info = groups.filter((g) => g.level === 'info');
  const isNote = (g: CodeGroup) => ANALYST_INFO_CODES.includes(g.code) || looksAnalyst(g.code);
  const notes = info.filter(isNote).sort((a, b) => rank(a) - rank(b) || bySize(a, b));
  const other = info.filter((g) => !isNote(g)).sort(bySize);
  const total = (gs: CodeGroup[]) => gs.reduce((n, g) => n + g.count, 0);
  return [
    { kind: 'warning', title: 'Warnings', describe: 'Wrong in the package, or left out of the event: worth a look.', total: total(warnings), groups: warnings },
    { kind: 'notes', title: 'Changed on the way', describe: 'Values refanged, kept as text or merged, and references left out.', total: total(notes), groups: notes },
    { kind: 'other', title: 'Other notes', describe: 'What the converter noted besides (the distribution decision is in the Distribution card above).', total: total(other), groups: other },
  ];
}

/** A message and the id it is about, on one line — unless the message names the id already. */
export function messageLine(m: MessageGroup): string {
  const only = m.where.length === 1 ? m.where[0]! : undefined;
  return only !== undefined && !m.text.includes(only) ? `${m.text} (${only})` : m.text;
}

export interface CoverageView {
  rows: PreviewCoverage[];
  total: { mapped: number; text: number; skipped: number };
}

/** The coverage rows (sorted by type, whatever order they came in) and their totals; undefined without coverage. */
export function readCoverage(coverage: readonly PreviewCoverage[] | undefined): CoverageView | undefined {
  if (!coverage) return undefined;
  const rows = [...coverage].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const total = { mapped: 0, text: 0, skipped: 0 };
  for (const r of rows) {
    total.mapped += r.mapped;
    total.text += r.text;
    total.skipped += r.skipped;
  }
  return { rows, total };
}

// ——— refusals ———————————————————————————————————————————————————————————————————————————————

export interface TextPosition {
  line: number;
  column: number;
}

/** The "(line N, column M)" the STIX reader appends to a parse error, if any. */
export function errorPosition(message: string): TextPosition | undefined {
  const m = /\(line (\d+), column (\d+)\)/.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

export interface Excerpt extends TextPosition {
  /** The line (or a window of it around the column), tabs shown as spaces. */
  text: string;
  /** Index into `text` the caret points at. */
  caret: number;
  /** True when the line was cut to fit. */
  clippedStart: boolean;
  clippedEnd: boolean;
}

/**
 * The line of `xml` an error points at, cut to `width` characters around the column (1-based), for showing
 * with a caret. Walks the text with indexOf: a 32 MB document is never split into an array of lines.
 */
export function excerptAt(xml: string, pos: TextPosition, width = 120): Excerpt | undefined {
  if (pos.line < 1) return undefined;
  let start = 0;
  for (let n = 1; n < pos.line; n++) {
    const nl = xml.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  let end = xml.indexOf('\n', start);
  if (end < 0) end = xml.length;
  const line = xml.slice(start, end).replace(/\r$/, '').replace(/\t/g, ' ');
  const col = Math.max(0, Math.min(pos.column - 1, line.length));
  const from = line.length <= width ? 0 : Math.max(0, Math.min(col - Math.floor(width / 2), line.length - width));
  const text = line.slice(from, from + width);
  return { ...pos, text, caret: col - from, clippedStart: from > 0, clippedEnd: from + width < line.length };
}

/** UTF-8 size of a string (what the upload will weigh), without encoding it. */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
