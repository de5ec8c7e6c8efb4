/** What every module receives to write log entries; see logger.ts for the implementation. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogContext {
  runId?: number;
  feed?: string;
}

export interface Logger {
  error(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  debug(message: string, context?: LogContext): void;
  /** A logger whose entries name `module` (shown in the log file). */
  child(module: string): Logger;
}

/** A logger that drops everything: the default for library code used outside the app (tests, benchmarks). */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/**
 * A logger whose entries carry a context (the run id and feed) unless the caller gives its own — so every TAXII and
 * MISP line of a run names the run. `context` is asked at each entry: a shared client (one MISP connection pool)
 * logs for whichever run is using it.
 */
export function withContext(logger: Logger, context: () => LogContext | undefined): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, own?: LogContext): void => {
      const ctx = context();
      logger[level](message, ctx ? { ...ctx, ...own } : own);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: (module) => withContext(logger.child(module), context) };
}
