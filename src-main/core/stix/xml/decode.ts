/**
 * Turns the bytes of a content block into text: BOM and XML-declaration encoding honoured, invalid bytes
 * refused with their line and column, binary files (archives, executables…) recognised and named instead of
 * being fed to the XML parser.
 */
import { isUtf8 } from 'node:buffer';
import { StixError } from '../errors';

/** Magic numbers of binary formats a feed or a user might hand us by mistake. */
const BINARY_SIGNATURES: { bytes: number[]; name: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'a ZIP archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], name: 'an empty ZIP archive' },
  { bytes: [0x1f, 0x8b], name: 'a gzip file' },
  { bytes: [0x42, 0x5a, 0x68], name: 'a bzip2 file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7-Zip archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'an xz file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' },
  { bytes: [0x4d, 0x5a], name: 'a Windows executable' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'an ELF executable' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], name: 'an OLE (old Office) document' },
];

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

/** The name of the binary format these bytes start with, if any. */
export function sniffBinary(bytes: Uint8Array): string | undefined {
  for (const s of BINARY_SIGNATURES) if (startsWith(bytes, s.bytes)) return s.name;
  return undefined;
}

/** Decodes a content block given as bytes. Never guesses: BOM, then XML declaration, then UTF-8. */
export function decodeBytes(bytes: Uint8Array): string {
  const binary = sniffBinary(bytes);
  if (binary) {
    throw new StixError('stix_not_xml', `the content is ${binary}, not XML`, {
      detail: { firstBytes: hex(bytes.subarray(0, 8)) },
    });
  }
  let label = 'utf-8';
  let offset = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) offset = 3;
  else if (startsWith(bytes, [0xff, 0xfe])) (label = 'utf-16le'), (offset = 2);
  else if (startsWith(bytes, [0xfe, 0xff])) (label = 'utf-16be'), (offset = 2);
  else if (startsWith(bytes, [0x3c, 0x00, 0x3f, 0x00])) label = 'utf-16le';
  else if (startsWith(bytes, [0x00, 0x3c, 0x00, 0x3f])) label = 'utf-16be';
  else label = declaredEncoding(bytes) ?? 'utf-8';

  if (label === 'utf-8' || label === 'utf8') {
    // The common case, on Node's native validator and decoder (several times faster than a fatal TextDecoder).
    const body = offset ? bytes.subarray(offset) : bytes;
    if (isUtf8(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    throw new StixError('stix_encoding', `the XML declaration names an encoding this reader does not know: "${label}"`);
  }
  try {
    return decoder.decode(offset ? bytes.subarray(offset) : bytes);
  } catch (cause) {
    const at = decoder.encoding === 'utf-8' ? firstInvalidUtf8(bytes, offset) : -1;
    const position = at >= 0 ? positionOfByte(bytes, offset, at) : undefined;
    throw new StixError('stix_encoding', `the content is not valid ${decoder.encoding.toUpperCase()}`, {
      ...(position ? { position } : {}),
      detail: at >= 0 ? { byteOffset: at, bytes: hex(bytes.subarray(at, at + 4)) } : {},
      cause,
    });
  }
}

/** The `encoding` of an XML declaration at the start of ASCII-compatible bytes. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
  if (!startsWith(bytes, [0x3c, 0x3f, 0x78, 0x6d, 0x6c], start)) return undefined; // "<?xml"
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(200, bytes.length - start)).toString('latin1');
  const end = head.indexOf('?>');
  const decl = end >= 0 ? head.slice(0, end) : head;
  const m = /\sencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(decl);
  return m?.[2]?.toLowerCase();
}

/** Index of the first byte that starts an invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  let i = from;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in UTF-8 text. */
function positionOfByte(bytes: Uint8Array, from: number, at: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = from; i < at; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line++;
      column = 1;
    } else if ((b & 0xc0) !== 0x80) column++; // count characters, not continuation bytes
  }
  return { line, column };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
