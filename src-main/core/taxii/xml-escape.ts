/**
 * Escaping for the XML we write. Attribute values also escape tab, newline and carriage return as character
 * references: a parser would otherwise normalise them to spaces, and the value we hand on must read back exactly
 * as the value we were given.
 */

export function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttribute(s: string): string {
  if (!/[&<>"\t\n\r]/.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
