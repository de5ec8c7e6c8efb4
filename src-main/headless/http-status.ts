/** HTTP status for an error code: the caller's fault, not ours, where that is known. */
export function statusFor(code: string): number {
  if (code === 'not_available') return 501;
  if (code === 'bad_request' || code.startsWith('config_')) return 400;
  if (code === 'unauthorized') return 401;
  if (code === 'forbidden') return 403;
  if (code === 'not_found' || code.endsWith('_not_found')) return 404;
  if (code === 'busy') return 409;
  if (code === 'too_large') return 413;
  // The content was read and refused (not STIX, malformed, over a reader limit): the request was understood.
  if (code.startsWith('stix_')) return 422;
  return 500;
}
