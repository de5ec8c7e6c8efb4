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
