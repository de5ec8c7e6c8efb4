/**
 * Reading TAXII messages into a small namespace-resolved element tree.
 *
 * Why saxes and not fast-xml-parser: TAXII must be read by namespace URI, never by prefix (OpenTAXII writes
 * `taxii_11:`, libtaxii fixtures `ns2:`, others a default namespace). saxes resolves every element and attribute
 * to its URI itself (no home-made scope tracking to get wrong), it never processes a DTD or expands an entity
 * beyond the five predefined ones (we also refuse any DOCTYPE outright), it reports line and column for errors,
 * and on TAXII poll responses it measured about twice as fast as fast-xml-parser's ordered mode. Being a SAX
 * parser it also lets us write a block's content straight into a standalone document (standalone.ts) instead of
 * building a tree for it and serialising that tree again.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { StandaloneWriter, type NamespaceScope } from './standalone';

export interface XmlElement {
  uri: string;
  local: string;
  /** The qualified name as written (for messages only: never match on it). */
  name: string;
  /** Unqualified attributes by name. TAXII's attributes are all unqualified. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Direct text and CDATA of this element, joined. */
  text: string;
  /** Present on elements the caller asked to capture (TAXII `Content`). */
  captured?: CapturedContent;
}

export interface CapturedContent {
  /** Each child element, as a standalone document that declares the namespaces it inherits. */
  documents: string[];
  /** Text and CDATA directly inside the captured element. */
  text: string;
}

export interface ReadXmlOptions {
  /** Elements whose content is captured as standalone documents instead of tree nodes. */
  capture?: (uri: string, local: string) => boolean;
  /** Deepest element nesting accepted (a guard against pathological input). */
  maxDepth?: number;
  /** Most elements accepted in the whole message, captured content included. */
  maxElements?: number;
}

export const DEFAULT_MAX_DEPTH = 512;
/**
 * Elements in one TAXII message, its content blocks' included. The STIX reader caps each block (500,000); without a
 * cap on the message a server could send many blocks just under it in one part (7 × 450,000 took the service to
 * 2 GB). Four maximal blocks, or thousands of real AIS packages, fit.
 */
export const DEFAULT_MAX_MESSAGE_ELEMENTS = 2_000_000;

/** A message over a reader cap: the caller names the limit to the user. */
export class XmlLimitError extends Error {
  constructor(
    message: string,
    readonly limit: 'elements' | 'depth',
    readonly value: number,
  ) {
    super(message);
    this.name = 'XmlLimitError';
  }
}

/** Parses `xml` and returns its root element. Throws an `Error` (from saxes, with line and column) when it is not well-formed or has a DOCTYPE. */
export function readXml(xml: string, options: ReadXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxElements = options.maxElements ?? DEFAULT_MAX_MESSAGE_ELEMENTS;
  let elements = 0;
  const capture = options.capture ?? (() => false);
  const parser = new SaxesParser({ xmlns: true, position: true });

  const stack: XmlElement[] = [];
  const scopes: NamespaceScope[] = [{}];
  let root: XmlElement | undefined;
  // Capture state: inside a captured element, events go to a StandaloneWriter per child element.
  let capturing: { element: XmlElement; scope: NamespaceScope; depth: number; writer?: StandaloneWriter } | undefined;

  parser.on('doctype', () => {
    throw parser.makeError('a DOCTYPE is not allowed in a TAXII message');
  });
  parser.on('error', (e) => {
    throw e;
  });

  parser.on('opentag', (tag: SaxesTagNS) => {
    const parentScope = scopes[scopes.length - 1] ?? {};
    const scope = declaresNamespaces(tag) ? { ...parentScope, ...tag.ns } : parentScope;
    scopes.push(scope);
    if (scopes.length - 1 > maxDepth) throw parser.makeError(`elements nest deeper than ${maxDepth} levels`);
    if (++elements > maxElements) throw new XmlLimitError(`the message holds more than ${maxElements.toLocaleString('en-US')} elements`, 'elements', maxElements);

    if (capturing) {
      capturing.depth++;
      capturing.writer ??= new StandaloneWriter(capturing.scope);
      capturing.writer.open(tag);
      return;
    }
    const element: XmlElement = { uri: tag.uri, local: tag.local, name: tag.name, attributes: {}, children: [], text: '' };
    for (const name in tag.attributes) {
      const a = tag.attributes[name] as SaxesAttributeNS;
      if (a.prefix === '' && a.name !== 'xmlns') element.attributes[a.local] = a.value;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
    if (capture(tag.uri, tag.local)) {
      element.captured = { documents: [], text: '' };
      capturing = { element, scope, depth: 0 };
    }
  });

  parser.on('closetag', (tag: SaxesTagNS) => {
    scopes.pop();
    if (capturing && capturing.depth > 0) {
      capturing.depth--;
      const done = capturing.writer?.close(tag);
      if (done !== undefined) {
        capturing.element.captured?.documents.push(done);
        capturing.writer = undefined;
      }
      return;
    }
    if (capturing) capturing = undefined;
    stack.pop();
  });

  const onText = (text: string): void => {
    if (capturing) {
      if (capturing.writer) capturing.writer.text(text);
      else if (capturing.element.captured) capturing.element.captured.text += text;
      return;
    }
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('comment', (c) => capturing?.writer?.comment(c));
  parser.on('processinginstruction', (pi) => capturing?.writer?.processingInstruction(pi.target, pi.body));

  parser.write(xml).close();
  if (!root) throw new Error('the document has no root element');
  return root;
}

/** Child elements of `parent` named `local` in namespace `uri`, in document order. */
export function childrenNamed(parent: XmlElement, uri: string, local: string): XmlElement[] {
  return parent.children.filter((c) => c.uri === uri && c.local === local);
}

/** The first child element named `local` in namespace `uri`. */
export function childNamed(parent: XmlElement, uri: string, local: string): XmlElement | undefined {
  return parent.children.find((c) => c.uri === uri && c.local === local);
}

/** Whether the tag declares namespaces (checked without allocating: this runs for every element). */
function declaresNamespaces(tag: SaxesTagNS): boolean {
  for (const _ in tag.ns) return true;
  return false;
}
