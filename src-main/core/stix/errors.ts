import { FlareError } from '../errors';

/**
 * Why a piece of content was refused. Each code is stable (tests, the UI and the quarantine key on it); the
 * message is the sentence a person reads.
 */
export type StixErrorCode =
  | 'stix_empty' //              nothing but whitespace
  | 'stix_not_xml' //            binary data, an archive, or text that does not start with markup
  | 'stix_encoding' //           bytes that are not valid in the declared (or default UTF-8) encoding
  | 'stix_doctype' //            a DOCTYPE: DTDs and entities are never processed
  | 'stix_malformed' //          not well-formed XML (with line and column)
  | 'stix_too_large' //          over the document size cap
  | 'stix_too_deep' //           over the nesting depth cap
  | 'stix_too_long' //           a text node or attribute value over its cap
  | 'stix_too_many_elements' //  over the element count cap
  | 'stix_not_a_package' //      the root is not a STIX_Package
  | 'stix_unsupported_version'; // a STIX_Package whose version is not STIX 1.x

/** Where in the input the problem was seen (1-based line and column of the XML text). */
export interface TextPosition {
  line: number;
  column: number;
}

/** Every refusal of the STIX reader: a typed code, a sentence, and where it happened when that is known. */
export class StixError extends FlareError {
  override readonly code: StixErrorCode;
  readonly line?: number;
  readonly column?: number;

  constructor(
    code: StixErrorCode,
    message: string,
    options: { position?: TextPosition; hint?: string; detail?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const where = options.position ? ` (line ${options.position.line}, column ${options.position.column})` : '';
    super(code, message + where, {
      hint: options.hint ?? defaultHint(code),
      ...(options.detail ? { detail: options.detail } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = 'StixError';
    this.code = code;
    if (options.position) {
      this.line = options.position.line;
      this.column = options.position.column;
    }
  }
}

export function isStixError(e: unknown): e is StixError {
  return e instanceof StixError;
}

function defaultHint(code: StixErrorCode): string {
  switch (code) {
    case 'stix_doctype':
      return 'FLARE MISP never processes DTDs or entities (they can read local files or exhaust memory); ask the producer to send plain STIX XML.';
    case 'stix_too_large':
    case 'stix_too_deep':
    case 'stix_too_long':
    case 'stix_too_many_elements':
      return 'If this content is genuine, raise the matching limit in the STIX reader options; otherwise the feed is sending something hostile or broken.';
    case 'stix_not_a_package':
      return 'Only STIX 1.x STIX_Package documents are read; check the feed\'s content binding.';
    case 'stix_unsupported_version':
      return 'FLARE MISP reads STIX 1.0, 1.0.1, 1.1, 1.1.1 and 1.2 (XML). STIX 2 content needs a different feed.';
    case 'stix_encoding':
      return 'The content is not valid text in its declared encoding (UTF-8 by default); the producer sent corrupt bytes.';
    default:
      return 'The content was kept aside; the rest of the feed goes on.';
  }
}
