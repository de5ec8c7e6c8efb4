/**
 * Turning the content of a TAXII Content_Block into standalone XML documents.
 *
 * A block's content arrives either as child XML of `<Content>` — whose prefixes may be declared on the enclosing
 * TAXII message, not on the content itself — or as text (CDATA or escaped) that holds a whole document. Whatever
 * way it came, we hand on the same thing: each top-level element written out again by one serializer, with every
 * namespace it inherits declared on its own root. Because both ways go through the same writer, a package sent as
 * child XML and the same package sent as CDATA give byte-identical documents.
 *
 * Inherited declarations are added only when the content can use them: the prefix appears in a name, or as
 * `prefix:` in an attribute value or text (QName values such as `xsi:type="stixVocabs:…"` need their
 * declarations even though no element carries the prefix). Over-declaring is harmless; this rule only keeps the
 * TAXII message's own prefixes (`taxii_11`, `tdq`, …) out of the STIX documents.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { escapeAttribute, escapeText } from './xml-escape';

/** In-scope namespace bindings: prefix ('' for the default namespace) → URI. */
export type NamespaceScope = Readonly<Record<string, string>>;

/**
 * Writes one element and its descendants as a standalone document. Feed it the SAX events of the element's
 * subtree; `close` returns the document when the element it started with closes.
 */
export class StandaloneWriter {
  private readonly pieces: string[] = [];
  private depth = 0;
  private startTagOpen = false;
  private rootQName = '';
  private rootAttributes = '';
  private rootDeclared = new Set<string>();
  private readonly usedPrefixes = new Set<string>();
  private usesDefault = false;

  constructor(private readonly inherited: NamespaceScope) {}

  open(tag: SaxesTagNS): void {
    if (tag.prefix === '') this.usesDefault = true;
    else this.usedPrefixes.add(tag.prefix);
    let attributes = '';
    for (const name in tag.attributes) {
      const a = tag.attributes[name] as SaxesAttributeNS;
      if (a.prefix !== '' && a.prefix !== 'xmlns') this.usedPrefixes.add(a.prefix);
      attributes += ` ${name}="${escapeAttribute(a.value)}"`;
    }
    if (this.depth === 0) {
      this.rootQName = tag.name;
      this.rootAttributes = attributes;
      this.rootDeclared = new Set(Object.keys(tag.ns));
    } else {
      this.endStartTag();
      this.pieces.push(`<${tag.name}${attributes}`);
      this.startTagOpen = true;
    }
    this.depth++;
    if (this.depth === 1) this.startTagOpen = true;
  }

  text(text: string): void {
    if (text === '') return;
    this.endStartTag();
    this.pieces.push(escapeText(text));
  }

  comment(text: string): void {
    this.endStartTag();
    this.pieces.push(`<!--${text}-->`);
  }

  processingInstruction(target: string, body: string): void {
    this.endStartTag();
    this.pieces.push(body ? `<?${target} ${body}?>` : `<?${target}?>`);
  }

  /** Returns the finished document when the root element closes, otherwise undefined. */
  close(tag: SaxesTagNS): string | undefined {
    this.depth--;
    if (this.depth > 0) {
      if (this.startTagOpen) {
        this.pieces.push('/>');
        this.startTagOpen = false;
      } else {
        this.pieces.push(`</${tag.name}>`);
      }
      return undefined;
    }
    const body = this.pieces.join('');
    const start = `<${this.rootQName}${this.inheritedDeclarations(body)}${this.rootAttributes}`;
    return this.startTagOpen ? `${start}/>` : `${start}>${body}</${this.rootQName}>`;
  }

  private endStartTag(): void {
    if (this.startTagOpen) {
      if (this.depth > 1) this.pieces.push('>');
      this.startTagOpen = false;
    }
  }

  private inheritedDeclarations(body: string): string {
    const declarations: string[] = [];
    for (const prefix of Object.keys(this.inherited).sort()) {
      if (prefix === 'xml' || prefix === 'xmlns' || this.rootDeclared.has(prefix)) continue;
      const uri = this.inherited[prefix] ?? '';
      if (prefix === '') {
        if (uri !== '' && this.usesDefault) declarations.push(` xmlns="${escapeAttribute(uri)}"`);
        continue;
      }
      const needle = `${prefix}:`;
      if (this.usedPrefixes.has(prefix) || body.includes(needle) || this.rootAttributes.includes(needle)) {
        declarations.push(` xmlns:${prefix}="${escapeAttribute(uri)}"`);
      }
    }
    return declarations.join('');
  }
}

/** What a block's text content turned out to be. */
export type TextContent =
  | { kind: 'xml'; documents: string[] }
  | { kind: 'text' }
  | { kind: 'invalid'; problem: string };

const LEADING_PROLOG = /^\uFEFF?\s*(<\?xml\s[^?]*\?>)?/;
const DOCTYPE_IN_PROLOG = /^\s*(?:<!--[\s\S]*?-->\s*|<\?[\s\S]*?\?>\s*)*<!DOCTYPE/i;

/**
 * Reads text content (from CDATA or escaped text) as XML and writes each top-level element as a standalone
 * document. Text that does not start with `<` is not XML (JSON, S/MIME, …) and is reported as such; text that
 * starts with `<` but does not parse, or carries a DOCTYPE, is `invalid` so the caller can quarantine that one block.
 */
export function documentsFromText(text: string, maxDepth: number): TextContent {
  const body = text.replace(LEADING_PROLOG, '');
  if (!body.trimStart().startsWith('<')) return { kind: 'text' };
  // saxes would also stop at it (a fragment has no prolog), but say plainly why the block is refused.
  if (DOCTYPE_IN_PROLOG.test(body)) return { kind: 'invalid', problem: 'a DOCTYPE is not allowed in TAXII content' };
  const documents: string[] = [];
  let strayText = false;
  let writer: StandaloneWriter | undefined;
  let depth = 0;
  // Fragment mode: a block may (rarely) hold more than one element; each becomes its own document.
  const parser = new SaxesParser({ xmlns: true, fragment: true, position: true });
  parser.on('doctype', () => {
    throw parser.makeError('a DOCTYPE is not allowed in TAXII content');
  });
  parser.on('opentag', (tag) => {
    if (++depth > maxDepth) throw parser.makeError(`elements nest deeper than ${maxDepth} levels`);
    writer ??= new StandaloneWriter({});
    writer.open(tag);
  });
  parser.on('closetag', (tag) => {
    depth--;
    const done = writer?.close(tag);
    if (done !== undefined) {
      documents.push(done);
      writer = undefined;
    }
  });
  const onText = (t: string): void => {
    if (writer) writer.text(t);
    else if (t.trim() !== '') strayText = true;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('comment', (c) => writer?.comment(c));
  parser.on('processinginstruction', (pi) => writer?.processingInstruction(pi.target, pi.body));
  parser.on('error', (e) => {
    throw e;
  });
  try {
    parser.write(body).close();
  } catch (e) {
    return { kind: 'invalid', problem: e instanceof Error ? e.message : String(e) };
  }
  if (strayText) return { kind: 'invalid', problem: 'text outside the XML elements of the content' };
  if (documents.length === 0) return { kind: 'invalid', problem: 'no XML element in the content' };
  return { kind: 'xml', documents };
}
