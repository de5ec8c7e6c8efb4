/**
 * Safety caps of the STIX reader. Every cap is checked while reading, so hostile input is refused after a
 * bounded amount of work and memory, never after it has been fully expanded.
 *
 * The defaults are sized from the real files in the corpus with wide headroom:
 * - the largest real package is 3.9 MB (an e-mail with its full attachment, APT1 IOCs: 3.9 MB / 35,000
 *   elements); AIS packages are kilobytes. 32 MiB is 8× that while the string plus its tree stays well under
 *   a few hundred MB of heap;
 * - the deepest real package nests 24 elements; nested compositions in real feeds stay under ~40. 100 is
 *   generous and still stops a 10,000-deep bomb at once;
 * - the longest real text node is a 3.8 MB base64 artifact; 16 Mi characters allows a ~12 MB sample;
 * - the longest real attribute is a 2.8 KB xsi:schemaLocation; 64 Ki characters is far beyond any real id,
 *   idref, QName or URL;
 * - 500,000 elements is 14× the largest sample and keeps the tree of a pathological document of empty
 *   elements (which a size cap alone would allow by the million) to ~100 MB.
 */
export interface ReadLimits {
  /** Maximum size of one content block (bytes for a Buffer, UTF-16 code units for a string). */
  maxDocumentBytes: number;
  /** Maximum element nesting depth. */
  maxDepth: number;
  /** Maximum length of one text node (CDATA included), in characters. */
  maxTextLength: number;
  /** Maximum length of one attribute value, in characters. */
  maxAttributeLength: number;
  /** Maximum number of elements in one content block. */
  maxElements: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxDocumentBytes: 32 * 1024 * 1024,
  maxDepth: 100,
  maxTextLength: 16 * 1024 * 1024,
  maxAttributeLength: 64 * 1024,
  maxElements: 500_000,
});

/** The defaults with the caller's overrides; a cap that is not a positive number falls back to its default. */
export function resolveLimits(overrides: Partial<ReadLimits> = {}): ReadLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ReadLimits)[]) {
    const v = overrides[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = Math.floor(v);
  }
  return out;
}
