import type { Logger } from '../../src-main/core/log/types';

/** A Logger that keeps every line as `level message`, for tests that assert what was logged (and what was not). */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    error: (m) => void lines.push(`error ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    debug: (m) => void lines.push(`debug ${m}`),
    child: () => logger,
  };
  return { logger, lines };
}
