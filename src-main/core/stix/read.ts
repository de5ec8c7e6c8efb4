/**
 * The STIX reader's entry point: one TAXII content block (or one file) in, its STIX packages out — each with
 * id, version, timestamp, content hash, standalone XML and typed model — or a typed refusal.
 *
 *   content ─ decode (bytes → text) ─ unwrap (CDATA / escaped text) ─ parse (caps; constructs read as parsed)
 *           ─ find packages ─ per package: canonical hash, standalone XML, model
 */
import type { Logger } from '../log/types';
import { canonicalXml, contentHash } from './canonical';
import { StixError } from './errors';
import { resolveLimits, type ReadLimits } from './limits';
import { BuildContext, type PrebuiltItem } from './model/context';
import { packageItemReader, stixPackage } from './model/package';
import type { StixPackage } from './model/types';
import { NS, SUPPORTED_STIX_VERSIONS, TAXII_NAMESPACES } from './namespaces';
import { decodeBytes } from './xml/decode';
import { packageHash, parseXml, type ParseOptions } from './xml/parse';
import { standaloneXml } from './xml/serialize';
import { attrValue, clarkName, ownText, writtenName, type XmlElement } from './xml/tree';
import { blankXmlDeclaration, unwrapContent } from './xml/unwrap';

export interface ReadOptions {
  /** Overrides of the safety caps (see limits.ts for the defaults and why). */
  limits?: Partial<ReadLimits>;
  /** Receives one debug line per package and each warning. */
  logger?: Logger;
  /**
   * Compute each package's `hash` only when it is first read, by reading its standalone XML again (a package has
   * the same hash in every delivery), instead of while parsing. For a caller that seldom needs it — a conversion
   * uses it only for a package without an id. Dedup needs every hash: hashing while parsing is far cheaper then.
   */
  hashOnDemand?: boolean;
}

/** One package taken from a content block: what dedup, the tracker and the XML output need. */
export interface PackageEnvelope {
  /** The package id (absent only in a few hand-written samples). */
  id?: string;
  /** The `version` attribute (1.0 … 1.2; absent in a few samples). */
  version?: string;
  /** The package `timestamp` attribute, as written. */
  timestamp?: string;
  /** sha256 (hex) of the canonical form: the same for every delivery of the same content (see canonical.ts). */
  hash: string;
  /** The package as a standalone UTF-8 XML document, declaring every namespace it inherited. */
  xml: string;
  /** Oddities that did not stop reading (unknown TLP colour, undeclared xsi:type prefix, duplicate ids…). */
  warnings: string[];
}

export interface ExtractedPackage extends PackageEnvelope {
  model: StixPackage;
}

/** Reads every STIX package of a content block, with its typed model. Throws `StixError` when refused. */
export function readPackages(content: string | Uint8Array, options: ReadOptions = {}): ExtractedPackage[] {
  return extract(content, options, true) as ExtractedPackage[];
}

/**
 * Like readPackages without building the model: id, timestamp, hash and XML only, for the XML output and
 * for dedup before conversion.
 */
export function scanPackages(content: string | Uint8Array, options: ReadOptions = {}): PackageEnvelope[] {
  return extract(content, options, false);
}

/** Reads a content block that must hold exactly one package. */
export function readPackage(content: string | Uint8Array, options: ReadOptions = {}): ExtractedPackage {
  const all = readPackages(content, options);
  if (all.length !== 1) throw new StixError('stix_not_a_package', `expected one STIX package, found ${all.length}`);
  return all[0]!;
}

/** The canonical form of a package given as XML (for tests and for explaining a hash). */
export function canonicalForm(content: string | Uint8Array, options: ReadOptions = {}): string[] {
  const { text, limits } = prepare(content, options);
  return findPackages(parseXml(text, limits, { hash: false }).roots, text, limits, 0, {}).map((p) => canonicalXml(p.el));
}

interface Found {
  el: XmlElement;
  ancestors: XmlElement[];
  /** The text the element was parsed from (a Content holding escaped XML has its own). */
  text: string;
  warnings: string[];
}

function extract(content: string | Uint8Array, options: ReadOptions, withModel: boolean): PackageEnvelope[] {
  const { text, limits } = prepare(content, options);
  const hashWhileParsing = options.hashOnDemand !== true;
  // With the model: each construct of a package's lists is read as soon as it is parsed (its subtree then dropped),
  // and the package's model takes them from `prebuilt`.
  const prebuilt = withModel ? new WeakMap<XmlElement, PrebuiltItem>() : undefined;
  const parseOptions: ParseOptions = { hash: hashWhileParsing, ...(prebuilt && { onItem: itemReader(prebuilt) }) };
  const parsed = parseXml(text, limits, parseOptions);
  const found = findPackages(parsed.roots, text, limits, 0, parseOptions);
  const log = options.logger?.child('stix');
  return found.map(({ el, ancestors, text: source, warnings: nestedWarnings }) => {
    const warnings = [...parsed.warnings, ...nestedWarnings];
    const version = checkVersion(el, warnings);
    // Hashed while it was parsed (parse.ts). Otherwise (on demand, or a package met in an unusual place) from the
    // tree, or, where the tree lacks the subtrees of the constructs read while parsing, from the standalone XML.
    const parsedHash = packageHash(el);
    const envelope: PackageEnvelope = { hash: parsedHash ?? '', xml: standaloneXml(source, el, ancestors), warnings };
    if (parsedHash === undefined) {
      if (!hashWhileParsing) hashWhenRead(envelope, options.limits);
      else envelope.hash = prebuilt ? hashOfXml(envelope.xml, options.limits) : contentHash(el);
    }
    const id = ownCopy(attrValue(el, 'id'));
    const timestamp = ownCopy(attrValue(el, 'timestamp'));
    if (id !== undefined) envelope.id = id;
    if (version !== undefined) envelope.version = version;
    if (timestamp !== undefined) envelope.timestamp = timestamp;
    if (!withModel) return envelope;
    const ctx = new BuildContext(prebuilt);
    const model = stixPackage(el, ctx);
    warnings.push(...ctx.warnings);
    for (const w of warnings) log?.warn(`package ${id ?? '(no id)'}: ${w}`);
    log?.debug(`read package ${id ?? '(no id)'} (${version ?? 'no version'}), sha256 ${envelope.hash.slice(0, 12)}`);
    // Added to the envelope itself: a copy ({ ...envelope, model }) would read an on-demand hash.
    const extracted = envelope as ExtractedPackage;
    extracted.model = model;
    return extracted;
  });
}

/** The parser's onItem for extract: reads each item stixPackage reads with a builder of its own, into `prebuilt`. */
function itemReader(prebuilt: WeakMap<XmlElement, PrebuiltItem>): NonNullable<ParseOptions['onItem']> {
  return (item, list) => {
    const read = packageItemReader(list, item);
    if (read === undefined) return false;
    const ctx = new BuildContext();
    prebuilt.set(item, { model: read(item, ctx), warnings: ctx.warnings });
    return true;
  };
}

/** The content hash of a package given as its standalone XML (a package has the same hash in every delivery). */
function hashOfXml(xml: string, limits: Partial<ReadLimits> | undefined): string {
  return scanPackages(xml, limits ? { limits } : {})[0]!.hash;
}

/**
 * Makes `envelope.hash` the package's content hash, computed the first time it is read (see hashOnDemand) from
 * the envelope's own XML: keeping the parsed tree for it instead would keep the whole tree alive with the envelope.
 */
function hashWhenRead(envelope: PackageEnvelope, limits: Partial<ReadLimits> | undefined): void {
  let value: string | undefined;
  Object.defineProperty(envelope, 'hash', {
    enumerable: true,
    configurable: true,
    get: (): string => (value ??= hashOfXml(envelope.xml, limits)),
    set: (v: string): void => {
      value = v;
    },
  });
}

/**
 * A string of its own: attribute values are slices of the whole document, and V8 keeps the document alive as long
 * as a slice lives — a run that remembers each package's id would otherwise keep every package's XML.
 */
function ownCopy(s: string | undefined): string | undefined {
  return s === undefined ? undefined : Buffer.from(s, 'utf8').toString('utf8');
}

function prepare(content: string | Uint8Array, options: ReadOptions): { text: string; limits: ReadLimits } {
  const limits = resolveLimits(options.limits);
  const size = typeof content === 'string' ? content.length : content.byteLength;
  if (size > limits.maxDocumentBytes) {
    throw new StixError('stix_too_large', `the content is ${size} bytes, over the limit of ${limits.maxDocumentBytes}`);
  }
  const decoded = typeof content === 'string' ? content : decodeBytes(content);
  return { text: blankXmlDeclaration(unwrapContent(decoded)), limits };
}

/**
 * The packages among the top-level elements: a STIX_Package root is one; a TAXII message or Content_Block is
 * searched for the packages it carries (as child XML, or as escaped text inside a Content element). Any other
 * root refuses the whole content.
 */
function findPackages(roots: XmlElement[], text: string, limits: ReadLimits, nesting: number, parseOptions: ParseOptions): Found[] {
  if (roots.length === 0) throw new StixError('stix_empty', 'the content has no XML element');
  const found: Found[] = [];
  for (const root of roots) {
    if (isStixPackage(root)) {
      found.push({ el: root, ancestors: [], text, warnings: [] });
    } else if (TAXII_NAMESPACES.has(root.ns)) {
      searchTaxii(root, [], text, limits, nesting, parseOptions, found);
    } else {
      throw notAPackage(root);
    }
  }
  if (found.length === 0) {
    throw new StixError('stix_not_a_package', `not a STIX package (root: ${writtenName(roots[0]!)}, a TAXII message without STIX content)`);
  }
  return found;
}

function searchTaxii(el: XmlElement, ancestors: XmlElement[], text: string, limits: ReadLimits, nesting: number, parseOptions: ParseOptions, found: Found[]): void {
  const path = [...ancestors, el];
  let hasElement = false;
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    hasElement = true;
    if (isStixPackage(c)) found.push({ el: c, ancestors: path, text, warnings: [] });
    else searchTaxii(c, path, text, limits, nesting, parseOptions, found);
  }
  // A Content element that holds the package as escaped text or CDATA: read that text as its own document.
  if (!hasElement && el.local === 'Content' && nesting < 1) {
    const inner = ownText(el);
    if (/^\s*</.test(inner)) {
      const innerText = blankXmlDeclaration(inner);
      const parsed = parseXml(innerText, limits, parseOptions);
      for (const f of findPackages(parsed.roots, innerText, limits, nesting + 1, parseOptions)) {
        f.warnings.push(...parsed.warnings);
        found.push(f);
      }
    }
  }
}

function isStixPackage(el: XmlElement): boolean {
  return el.local === 'STIX_Package' && el.ns === NS.stix;
}

function notAPackage(root: XmlElement): StixError {
  const where = root.local === 'STIX_Package' ? ` in namespace ${root.ns ? JSON.stringify(root.ns) : '(none)'}` : '';
  return new StixError('stix_not_a_package', `not a STIX package (root: ${writtenName(root)}${where})`, {
    detail: { root: clarkName(root.ns, root.local) },
  });
}

/** Accepts STIX 1.0–1.2; an unknown 1.x is read with a warning; anything else is refused. */
function checkVersion(el: XmlElement, warnings: string[]): string | undefined {
  const version = attrValue(el, 'version')?.trim();
  if (version === undefined) {
    warnings.push('the package has no version attribute; read as STIX 1.x');
    return undefined;
  }
  if ((SUPPORTED_STIX_VERSIONS as readonly string[]).includes(version)) return version;
  if (/^1(\.\d+)*$/.test(version)) {
    warnings.push(`STIX version ${version} is not one this reader knows (1.0–1.2); read as STIX 1.x`);
    return version;
  }
  throw new StixError('stix_unsupported_version', `STIX version ${JSON.stringify(version)} is not supported (STIX 1.0 to 1.2 are)`);
}
