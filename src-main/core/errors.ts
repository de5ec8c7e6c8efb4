/**
 * One error type for the whole engine. Every failure a user can meet carries a stable `code` (for the UI and
 * tests), a human sentence (`message`) and, when we know one, a `hint` that says what to do about it.
 * `detail` holds what only the log should see (stack-free technical context, never secrets).
 */
export class FlareError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly detail?: Record<string, unknown>;

  constructor(code: string, message: string, options: { hint?: string; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlareError';
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.detail !== undefined) this.detail = options.detail;
  }
}

/** A method of the contract that a later piece of work will implement. */
export class NotAvailableError extends FlareError {
  constructor(what: string) {
    super('not_available', `${what} is not available yet in this version of FLARE MISP.`, {
      hint: 'This feature is still being built; the rest of the application works without it.',
    });
  }
}

export function isFlareError(e: unknown): e is FlareError {
  return e instanceof FlareError;
}

/** The sentence to show for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** How an error crosses IPC or HTTP: code, sentence, hint — never a stack. */
export function toApiError(e: unknown): { code: string; message: string; hint?: string } {
  if (e instanceof FlareError) return { code: e.code, message: e.message, ...(e.hint !== undefined && { hint: e.hint }) };
  return { code: 'internal', message: errorMessage(e), hint: 'This is unexpected; the log has the details.' };
}
