/**
 * The reader's XML parse: one namespace-aware pass that builds the reader's XML tree under safety caps. Ordinary
 * well-formed documents take the fast pass (fast-parse.ts); saxes parses everything else and decides every
 * refusal. Both drive one TreeBuilder, so they build the same tree (fast-parse.test.ts).
 *
 * Why saxes: it resolves namespaces as it goes (element, attribute and declaration scopes), reports line and
 * column for every well-formedness error, never fetches or expands anything — it knows only the five
 * predefined entities and character references, so an entity declared in a DTD is simply "undefined" — and it
 * streams, so every cap below is checked during the single pass instead of after a full expansion. fast-xml-parser
 * has no real namespace support and would need a second pass to resolve prefixes and `xsi:type` QNames.
 *
 * A DOCTYPE is refused outright: a STIX package has no use for one, and refusing it is the only way to be sure
 * that no external entity (XXE) or entity expansion (billion laughs, quadratic blow-up) can ever happen.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { CanonicalHasher } from '../canonical';
import { StixError, type StixErrorCode, type TextPosition } from '../errors';
import { fastPass, GIVE_UP } from './fast-parse';
import type { ReadLimits } from '../limits';
import { NS } from '../namespaces';
import type { QName, XmlAttribute, XmlElement, XmlNode } from './tree';

/** Shared by every element without attributes (most of them): one array less per element for the GC. */
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];
/**
 * Shared by every element until its first child. A first child then gets an array of exactly one slot: an empty
 * array's first push reserves 16, and most elements have one child (their text). With the attributes copied the
 * same way, the spare slots were nearly a third of what a parse keeps (and the young-generation GC copies).
 */
const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];

/** Text is fed to the parser in slices so that a run of text with no markup is noticed while it grows. */
const SLICE = 1 << 20;

/**
 * Element and attribute names and namespace URIs, each as one internalized string. saxes hands every element a
 * fresh copy (a slice of the text), so every later comparison — the model's `local === 'Title'`, the mappers'
 * child lookups, the canonical writer's — compared characters, and every map or property lookup hashed it again.
 * Interned, a comparison with a literal or another name is one pointer check. Bounded: a document of a million
 * different names (hostile) stops adding at MAX_INTERNED and simply keeps its own strings.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 20_000;

function intern(s: string): string {
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) return s;
  // A property key is internalized by V8: reading it back gives the one shared copy.
  const one = Object.keys({ [s]: 0 })[0] ?? s;
  interned.set(one, one);
  return one;
}

export interface ParseOptions {
  /** Hash the packages met while parsing (`packageHash`; default true): a reader may never need the hash. */
  hash?: boolean;
  /**
   * Called as each element directly inside an element of an outermost STIX_Package (an Indicator inside
   * Indicators, a TTP inside TTPs…) is closed, with that list element. Returning true says its content has been
   * read: its children are dropped then and there (the element stays, without children), so that a construct's
   * subtree dies young instead of living — and being copied by the GC — until the whole document is parsed.
   */
  onItem?: (item: XmlElement, list: XmlElement) => boolean;
}

export interface ParsedXml {
  /** The top-level elements (a TAXII Content may hold several). */
  roots: XmlElement[];
  /** Oddities that do not stop reading (e.g. an `xsi:type` with an undeclared prefix). */
  warnings: string[];
}

/**
 * The content hash of each STIX_Package element the parser met outside another package (every package the
 * reader can find), computed while parsing: see `packageHash`.
 */
const packageHashes = new WeakMap<XmlElement, string>();

/**
 * The content hash (canonical.ts) of a package element, as computed while it was parsed — the same value as
 * `contentHash(el)`, without a second walk over the package's elements (the hash is fed from the parser's events
 * while their strings are fresh). Undefined for an element that was not hashed that way.
 */
export function packageHash(el: XmlElement): string | undefined {
  return packageHashes.get(el);
}

/** How the tree builder reports a problem: the saxes pass throws a StixError, the fast pass gives up. */
type Fail = (code: StixErrorCode, message: string) => never;

/**
 * The tree as the parser's events build it — shared by the two passes below, so that both build the very same
 * tree: elements, attributes, text (whitespace and merging rules), ids, the package hash, the caps.
 */
class TreeBuilder {
  readonly roots: XmlElement[] = [];
  readonly stack: XmlElement[] = [];
  readonly warnings: string[] = [];
  private elements = 0;
  private readonly ids = new Set<string>();
  private readonly duplicateIds = new Set<string>();
  private pendingBlank = '';
  // The package being hashed (the first STIX_Package met outside another), and whether the last text child of
  // the open element is still to be given to the hasher (a text run ends only where markup follows).
  hasher: CanonicalHasher | null = null;
  private hashed: XmlElement | null = null;
  private textPending = false;
  /** The STIX_Package open outside any other (its grandchildren go to onItem), and its depth in the stack. */
  private outer: XmlElement | null = null;
  private outerDepth = -1;

  constructor(
    private readonly source: string,
    private readonly limits: ReadLimits,
    private readonly fail: Fail,
    /** Where an `xsi:type` with an undeclared prefix was written (for its warning). */
    private readonly here: () => TextPosition,
    private readonly options: ParseOptions,
  ) {}

  /** A start tag, its attributes (namespace declarations left out, uris resolved) and declarations. */
  open(uri: string, local: string, prefix: string, name: string, attributes: readonly XmlAttribute[], nsDecls: Record<string, string> | null, position: number): void {
    const { stack, limits } = this;
    this.pendingBlank = '';
    if (this.textPending) {
      this.textPending = false;
      const open = stack[stack.length - 1]!.children;
      this.hasher!.text(open[open.length - 1] as string);
    }
    if (++this.elements > limits.maxElements) this.fail('stix_too_many_elements', `the content has more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) this.fail('stix_too_deep', `elements are nested deeper than ${limits.maxDepth} levels`);
    let xsiType: string | undefined;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i]!;
      a.local = intern(a.local);
      if (a.uri !== '') a.uri = intern(a.uri);
      if (a.uri === NS.xsi && a.local === 'type') xsiType = a.value;
      else if (a.local === 'id' && a.uri === '') {
        if (this.ids.has(a.value)) this.duplicateIds.add(a.value);
        else this.ids.add(a.value);
      }
    }
    // A copy of exactly their number (the fast pass reuses its array from tag to tag).
    const attrs = attributes.length === 0 ? NO_ATTRIBUTES : attributes.slice();
    const el: XmlElement = {
      ns: uri === '' ? '' : intern(uri),
      local: intern(local),
      prefix,
      attrs,
      nsDecls,
      xsiType: null,
      children: NO_CHILDREN,
      // Only a package's offsets are ever used (to cut it out of the text); a "<" cannot occur inside an
      // attribute value, so the last "<name" before the end of the start tag is where it begins.
      start: local === 'STIX_Package' ? this.source.lastIndexOf(`<${name}`, position) : -1,
      end: -1,
    };
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    } else this.roots.push(el);
    stack.push(el);
    if (xsiType !== undefined) el.xsiType = resolveQName(xsiType, stack, this.warnings, this.here);
    if (this.outer === null && el.local === 'STIX_Package' && el.ns === NS.stix) {
      this.outer = el;
      this.outerDepth = stack.length - 1;
    }
    if (this.hasher !== null) this.hasher.open(el);
    else if (el === this.outer && this.options.hash !== false) {
      this.hasher = new CanonicalHasher();
      this.hashed = el;
      this.hasher.open(el);
    }
  }

  close(position: number): void {
    this.pendingBlank = '';
    const { stack } = this;
    const el = stack.pop();
    if (!el) return;
    el.end = position;
    const { hasher } = this;
    if (hasher !== null) {
      if (this.textPending) {
        this.textPending = false;
        hasher.text(el.children[el.children.length - 1] as string);
      }
      hasher.close();
      if (el === this.hashed) {
        packageHashes.set(el, hasher.digest());
        this.hasher = null;
        this.hashed = null;
      }
    }
    if (el === this.outer) this.outer = null;
    else if (this.outer !== null && stack.length === this.outerDepth + 2 && this.options.onItem?.(el, stack[stack.length - 1]!)) el.children = NO_CHILDREN;
  }

  // Whitespace-only text is held back: kept only if more text follows in the same run (`a <!--c--> b`),
  // dropped if markup follows (indentation). Retaining every indentation string would also cost more GC
  // than the rest of the tree.
  text(t: string): void {
    const { stack, limits } = this;
    const parent = stack[stack.length - 1];
    const blank = !/\S/.test(t);
    if (!parent) {
      if (!blank) this.fail('stix_malformed', 'not well-formed XML: text outside the root element');
      return;
    }
    const { children } = parent;
    const last = children.length - 1;
    const inRun = last >= 0 && typeof children[last] === 'string';
    if (blank && !inRun) {
      this.pendingBlank += t;
      if (this.pendingBlank.length > limits.maxTextLength) this.fail('stix_too_long', `a text node is longer than ${limits.maxTextLength} characters`);
      return;
    }
    const merged = inRun ? (children[last] as string) + t : this.pendingBlank + t;
    this.pendingBlank = '';
    if (merged.length > limits.maxTextLength) this.fail('stix_too_long', `a text node is longer than ${limits.maxTextLength} characters`);
    if (inRun) children[last] = merged;
    else if (children === NO_CHILDREN) parent.children = [merged];
    else children.push(merged);
    if (this.hasher !== null) this.textPending = true;
  }

  result(): ParsedXml {
    if (this.duplicateIds.size) {
      const list = [...this.duplicateIds];
      this.warnings.push(`ids used on more than one element (references resolve to the first): ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`);
    }
    return { roots: this.roots, warnings: this.warnings };
  }
}

/**
 * Parses the text into the reader's tree. Well-formed, ordinary documents (the overwhelming majority) take the
 * fast pass (fast-parse.ts); anything it is not sure about — a DOCTYPE, a processing instruction, an undefined
 * entity, a carriage return, a name outside ASCII, a cap reached, any well-formedness error — makes it give up,
 * and saxes parses the text instead and says exactly what is wrong, where. Both build the same tree (one builder).
 *
 * When the fast pass gives up after calling `onItem`, the items it gave are of a tree that is thrown away: the saxes
 * pass gives its own.
 */
export function parseXml(text: string, limits: ReadLimits, options: ParseOptions = {}): ParsedXml {
  const fast = fastParseXml(text, limits, options);
  return fast ?? saxesParseXml(text, limits, options);
}

export function fastParseXml(text: string, limits: ReadLimits, options: ParseOptions = {}): ParsedXml | undefined {
  const giveUp = (): never => {
    throw GIVE_UP;
  };
  const tree = new TreeBuilder(text, limits, giveUp, giveUp, options);
  try {
    if (!fastPass(text, limits, tree)) {
      tree.hasher?.release();
      return undefined;
    }
  } catch (e) {
    tree.hasher?.release();
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  return tree.result();
}

/** The saxes pass: every well-formedness rule, with line and column. */
export function saxesParseXml(text: string, limits: ReadLimits, options: ParseOptions = {}): ParsedXml {
  const parser = new SaxesParser({ xmlns: true, fragment: true, position: true });
  const tree = new TreeBuilder(
    text,
    limits,
    (code, message) => {
      throw new StixError(code, message, { position: here(parser) });
    },
    () => here(parser),
    options,
  );
  // Where the last markup event happened: the distance from it is the length of the run being accumulated.
  let lastMark = 0;

  // Performance note: saxes stores each handler as a new property of the parser object, and past six of them
  // V8 turns the object into a slow dictionary, which made the whole parse 3× slower. So: six handlers
  // (attribute, opentag, closetag, text, cdata, doctype — no comment, processing-instruction or opentagstart
  // handler), and saxes errors are caught as exceptions rather than through an error handler.
  // Attributes are collected as saxes reports them: their length is capped at once, and `tag.attributes`
  // (a dictionary keyed by name) never has to be iterated.
  const pendingAttributes: XmlAttribute[] = [];
  parser.on('attribute', (attr) => {
    if (attr.value.length > limits.maxAttributeLength) {
      throw new StixError('stix_too_long', `attribute ${attr.name} is longer than ${limits.maxAttributeLength} characters`, { position: here(parser) });
    }
    pendingAttributes.push(attr as XmlAttribute);
  });

  parser.on('opentag', (tag: SaxesTagNS) => {
    lastMark = parser.position;
    let declares = false;
    // The attribute objects saxes reported one by one (it has resolved their namespaces by now); declarations
    // are in tag.ns.
    const attributes: XmlAttribute[] = [];
    for (let i = 0; i < pendingAttributes.length; i++) {
      const a = pendingAttributes[i]!;
      if (a.uri === NS.xmlns) declares = true;
      else attributes.push(a);
    }
    pendingAttributes.length = 0;
    tree.open(tag.uri, tag.local, tag.prefix, tag.name, attributes, declares ? tag.ns : null, parser.position);
  });

  parser.on('closetag', () => {
    lastMark = parser.position;
    tree.close(parser.position);
  });

  const onText = (t: string): void => {
    lastMark = parser.position;
    tree.text(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('doctype', () => {
    throw new StixError('stix_doctype', 'the content has a DOCTYPE; DTDs and entity declarations are refused', { position: here(parser) });
  });

  const longestRun = Math.max(limits.maxTextLength, limits.maxAttributeLength);
  try {
    for (let i = 0; i < text.length; i += SLICE) {
      parser.write(text.slice(i, i + SLICE));
      if (parser.position - lastMark > longestRun) {
        throw new StixError('stix_too_long', `a text node, attribute or comment is longer than ${longestRun} characters`, { position: here(parser) });
      }
    }
    parser.close();
  } catch (e) {
    tree.hasher?.release();
    // Without an error handler saxes throws its well-formedness errors; our own StixErrors pass through.
    throw e instanceof StixError ? e : fromSaxesError(e instanceof Error ? e : new Error(String(e)), parser);
  }
  return tree.result();
}

/** Resolves a QName value (`AddressObj:AddressObjectType`) through the declarations in scope on the stack. */
function resolveQName(value: string, stack: XmlElement[], warnings: string[], here: () => TextPosition): QName {
  const trimmed = value.trim();
  const colon = trimmed.indexOf(':');
  const prefix = colon < 0 ? '' : trimmed.slice(0, colon);
  const local = intern(colon < 0 ? trimmed : trimmed.slice(colon + 1));
  for (let i = stack.length - 1; i >= 0; i--) {
    const uri = stack[i]!.nsDecls?.[prefix];
    if (uri !== undefined) return { ns: uri, local };
  }
  if (prefix === 'xml') return { ns: NS.xml, local };
  if (prefix !== '') {
    const { line, column } = here();
    warnings.push(`xsi:type "${trimmed}" uses the undeclared prefix "${prefix}" (line ${line}, column ${column})`);
  }
  return { ns: '', local };
}

function here(parser: SaxesParser<{ xmlns: true }>): TextPosition {
  return { line: parser.line, column: parser.column + 1 };
}

/** saxes reports "line:column: message"; we keep the message and the numbers apart. */
function fromSaxesError(err: Error, parser: SaxesParser<{ xmlns: true }>): StixError {
  const m = /^(?:.*?:)?(\d+):(\d+): (.*)$/s.exec(err.message);
  const message = (m?.[3] ?? err.message).replace(/\.$/, '');
  const position = m ? { line: Number(m[1]), column: Number(m[2]) } : here(parser);
  if (/doctype/i.test(message)) {
    return new StixError('stix_doctype', 'the content has a DOCTYPE; DTDs and entity declarations are refused', { position });
  }
  return new StixError('stix_malformed', `not well-formed XML: ${message}`, { position, cause: err });
}
