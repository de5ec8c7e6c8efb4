/**
 * MISP failures, typed by what they mean for the user rather than by HTTP status: MISP answers a wrong key, a role
 * without the right permission and an invalid event all with 403, and only the body tells them apart (`misp.md` §2.1).
 *
 * `retryable` says whether the same request can succeed later without anyone changing anything (server errors,
 * timeouts, dropped connections). `maybeProcessed` says whether MISP may have acted on the request before it failed:
 * a non-idempotent request (a STIX upload) must not be repeated blindly when it is true.
 *
 * Messages name the request by method and path only; the API key never appears in an error.
 */
import { FlareError } from '../../errors';

export interface MispErrorInit {
  hint?: string;
  status?: number;
  /** e.g. `POST /events/add` */
  request?: string;
  retryable?: boolean;
  maybeProcessed?: boolean;
  mispMessage?: string;
  retryAfterMs?: number;
  detail?: Record<string, unknown>;
  cause?: unknown;
}

export class MispError extends FlareError {
  readonly status?: number;
  readonly request?: string;
  readonly retryable: boolean;
  readonly maybeProcessed: boolean;
  /** MISP's own sentence (`name`/`message` of its error body), when it gave one. */
  readonly mispMessage?: string;
  /** From a Retry-After header. */
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, init: MispErrorInit = {}) {
    const detail: Record<string, unknown> = { ...init.detail };
    if (init.status !== undefined) detail.status = init.status;
    if (init.request !== undefined) detail.request = init.request;
    if (init.mispMessage !== undefined) detail.mispMessage = init.mispMessage;
    const options: { hint?: string; detail?: Record<string, unknown>; cause?: unknown } = { detail };
    if (init.hint !== undefined) options.hint = init.hint;
    if (init.cause !== undefined) options.cause = init.cause;
    super(code, message, options);
    this.name = new.target.name;
    if (init.status !== undefined) this.status = init.status;
    if (init.request !== undefined) this.request = init.request;
    this.retryable = init.retryable ?? false;
    this.maybeProcessed = init.maybeProcessed ?? true;
    if (init.mispMessage !== undefined) this.mispMessage = init.mispMessage;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

/** The options given to the client cannot work (no URL, a key of the wrong shape…). */
export class MispConfigError extends MispError {
  constructor(message: string, hint: string) {
    super('misp_config', message, { hint, maybeProcessed: false });
  }
}

/** The key was refused: wrong, expired, disabled, or not an API key. */
export class MispAuthError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_auth', message, {
      hint: 'Check misp.authorization.key: it must be the 40-character API key of an enabled MISP user whose role allows API access (Auth key access).',
      ...init,
    });
  }
}

/** The key works but its role may not do this. */
export class MispPermissionError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_permission', message, {
      hint: 'Give the API key\'s MISP role the missing permission (Administration → Roles), or use a key of a user with a suitable role. `flare-misp check misp` lists what is missing.',
      ...init,
    });
  }
}

/** MISP refused to save: the body names the fields at fault (403 with `saved: false`). */
export class MispValidationError extends MispError {
  /** Field → MISP's sentences, e.g. `{ "Event.info": ["Info cannot be empty."] }`. */
  readonly fieldErrors: Record<string, string[]>;

  constructor(message: string, fieldErrors: Record<string, string[]>, init: MispErrorInit = {}) {
    super('misp_validation', message, {
      hint: 'MISP refused the data; the log shows which fields. The package is kept in quarantine with this reason.',
      ...init,
      detail: { ...init.detail, fieldErrors },
    });
    this.fieldErrors = fieldErrors;
  }
}

/** The event (or other thing) does not exist, or the key's organisation may not see it. */
export class MispNotFoundError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_not_found', message, init);
  }
}

/** MISP refused by a rule (405, 400, or a 403 that is not about the key): a wrong request or a server setting. */
export class MispRejectedError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_rejected', message, init);
  }
}

/** Another writer changed the event between our read and our edit ("not newer than the local copy"). */
export class MispConflictError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_conflict', message, { retryable: true, ...init });
  }
}

/** MISP failed (5xx) or is overloaded (429): worth trying again later. */
export class MispServerError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_server', message, {
      hint: 'MISP had an internal problem; FLARE MISP retries a few times, then keeps the package to retry on the next run. MISP\'s own log (app/tmp/logs/error.log) tells why.',
      retryable: true,
      ...init,
    });
  }
}

export class MispTimeoutError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_timeout', message, {
      hint: 'MISP did not answer in time. If MISP is just slow (large events), raise flare.misp.timeout.ms.',
      retryable: true,
      ...init,
    });
  }
}

/** The connection could not be made or was lost. */
export class MispNetworkError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_network', message, {
      hint: 'Check the MISP URL (flare.misp.url), that MISP is running, and any proxy or firewall in between.',
      ...init,
    });
  }
}

/**
 * The proxy between FLARE MISP and MISP failed: it cannot be reached, refused the tunnel, or wants (other)
 * credentials (`misp_proxy_auth`). The request never reached MISP. The message names where the proxy came from when
 * that is the environment, and the hint how to bypass it.
 */
export class MispProxyError extends MispError {
  constructor(code: 'misp_proxy' | 'misp_proxy_auth', message: string, init: MispErrorInit = {}) {
    super(code, message, { maybeProcessed: false, ...init });
  }
}

/** TLS failed: the server's certificate is not trusted, or it wants a client certificate we did not give. */
export class MispTlsError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_tls', message, { retryable: false, maybeProcessed: false, ...init });
  }
}

/** MISP answered, but not like MISP's API does (an HTML page, a redirect, a body that is not JSON). */
export class MispProtocolError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_protocol', message, {
      hint: 'Check that flare.misp.url is the MISP root (e.g. https://misp.example.org/), not a page or another service.',
      ...init,
    });
  }
}

/** Our own event failed validation before it was sent: MISP would refuse it. */
export class MispEventInvalidError extends MispError {
  readonly problems: string[];
  constructor(message: string, problems: string[]) {
    super('misp_event_invalid', message, {
      hint: 'This is a conversion problem: the package is quarantined with these reasons.',
      maybeProcessed: false,
      detail: { problems },
    });
    this.problems = problems;
  }
}

/** A STIX upload failed in a way that leaves open whether MISP created the event; repeating it could make a twin. */
export class MispUploadUncertainError extends MispError {
  constructor(message: string, init: MispErrorInit = {}) {
    super('misp_upload_uncertain', message, {
      hint: 'FLARE MISP does not repeat the upload in this run (MISP may still be importing it, and a second upload would make a second, nearly empty event). The next run looks for the event MISP made from this package and takes it over instead of uploading again; if MISP does not return the original file of its imports, that run warns about the likely twin instead.',
      ...init,
      retryable: false,
    });
  }
}

/**
 * The configured sharing group (a uuid or name) is not one the API key can see. Not retried: it takes a change in
 * the configuration or in MISP's sharing group membership.
 */
export class MispSharingGroupError extends MispError {
  constructor(message: string, hint: string, init: MispErrorInit = {}) {
    super('misp_sharing_group', message, { hint, retryable: false, maybeProcessed: false, ...init });
  }
}

export function isRetryable(e: unknown): boolean {
  return e instanceof MispError && e.retryable;
}
