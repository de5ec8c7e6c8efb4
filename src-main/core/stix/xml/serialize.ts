/**
 * The standalone XML of one package: its original text, byte for byte, with the namespace declarations it
 * inherited from the elements around it (a TAXII Poll_Response, a Content_Block) written on its own start tag.
 * Slicing the original keeps the producer's text (prefixes, comments, layout) for the XML output and MISP's
 * upload_stix, and costs nothing compared with re-serialising the tree.
 */
import { escapeAttribute } from '../canonical';
import type { XmlElement } from './tree';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * @param text      the text the element was parsed from
 * @param el        the package element
 * @param ancestors its ancestors, outermost first (empty for a root element)
 */
export function standaloneXml(text: string, el: XmlElement, ancestors: readonly XmlElement[]): string {
  const original = text.slice(el.start, el.end);
  const inherited = inheritedDeclarations(el, ancestors);
  if (inherited.length === 0) return XML_DECLARATION + original;
  const tagEnd = startTagEnd(original);
  const insertAt = original.charCodeAt(tagEnd - 1) === 0x2f /* / */ ? tagEnd - 1 : tagEnd;
  let extra = '';
  for (const [prefix, uri] of inherited) extra += prefix ? ` xmlns:${prefix}="${escapeAttribute(uri)}"` : ` xmlns="${escapeAttribute(uri)}"`;
  return XML_DECLARATION + original.slice(0, insertAt) + extra + original.slice(insertAt);
}

/** The declarations in scope at `el` that come from its ancestors and that it does not make itself. */
export function inheritedDeclarations(el: XmlElement, ancestors: readonly XmlElement[]): [string, string][] {
  const scope = new Map<string, string>();
  for (const a of ancestors) if (a.nsDecls) for (const p in a.nsDecls) scope.set(p, a.nsDecls[p]!);
  if (el.nsDecls) for (const p in el.nsDecls) scope.delete(p);
  // An inherited default namespace of '' (an undeclaration) needs no re-declaration.
  if (scope.get('') === '') scope.delete('');
  return [...scope];
}

/** Index of the ">" that ends the start tag at the beginning of `xml` (quotes may hide a ">"). */
function startTagEnd(xml: string): number {
  let quote = 0;
  for (let i = 1; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return xml.length;
}
