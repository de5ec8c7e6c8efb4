/**
 * The log hub: every module writes through a `Logger` (types.ts); entries are redacted, filtered by level,
 * kept in a ring buffer for UIs that connect later, and fanned out to the sinks (console, rotating file) and
 * to live subscribers (IPC, SSE).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { LogEntry, LogLevel } from '../../../shared/api';
import type { LogContext, Logger } from './types';
import { Redactor } from './redact';
import { consoleLine, fileLine } from './format';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LogSink {
  write(entry: LogEntry): void;
  close?(): Promise<void>;
}

export class LogHub {
  readonly redactor = new Redactor();
  private level: LogLevel;
  private readonly sinks = new Set<LogSink>();
  private readonly subscribers = new Set<(e: LogEntry) => void>();
  private readonly ring: LogEntry[] = [];

  constructor(options: { level?: LogLevel; ringSize?: number } = {}) {
    this.level = options.level ?? 'info';
    this.ringSize = options.ringSize ?? 1000;
  }

  private readonly ringSize: number;

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  getLevel(): LogLevel {
    return this.level;
  }

  addSink(sink: LogSink): () => Promise<void> {
    this.sinks.add(sink);
    return async () => {
      this.sinks.delete(sink);
      await sink.close?.();
    };
  }

  /** Live entries as they are written; returns the unsubscribe function. */
  subscribe(listener: (e: LogEntry) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** The most recent entries, oldest first. */
  recent(limit = 200): LogEntry[] {
    return this.ring.slice(-limit);
  }

  logger(module?: string): Logger {
    const hub = this;
    const write = (level: LogLevel) => (message: string, context?: LogContext) => hub.write(level, message, module, context);
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: (name: string) => hub.logger(module ? `${module}.${name}` : name),
    };
  }

  write(level: LogLevel, message: string, module?: string, context?: LogContext): void {
    if (RANK[level] > RANK[this.level]) return;
    const entry: LogEntry = { time: new Date().toISOString(), level, message: this.redactor.redact(message) };
    if (module) entry.module = module;
    if (context?.runId !== undefined) entry.runId = context.runId;
    if (context?.feed) entry.feed = context.feed;
    this.ring.push(entry);
    if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
    for (const sink of this.sinks) {
      try {
        sink.write(entry);
      } catch {
        /* a broken sink must not break the caller */
      }
    }
    for (const s of this.subscribers) {
      try {
        s(entry);
      } catch {
        /* nor a broken subscriber */
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.sinks].map((s) => s.close?.()));
    this.sinks.clear();
  }
}

/** Console lines in the old service's format, to stdout (serve) or stderr (CLI commands that print results). */
export function consoleSink(stream: NodeJS.WritableStream = process.stdout): LogSink {
  return { write: (e) => void stream.write(`${consoleLine(e)}\n`) };
}

/** A size-rotated file: `name`, `name.1` … `name.<keep>` (rotating-file-stream, the classic logrotate scheme). */
export function fileSink(options: { file: string; maxSizeBytes: number; keep: number }): LogSink & { stream: RotatingFileStream } {
  mkdirSync(path.dirname(options.file), { recursive: true });
  const stream = createStream(path.basename(options.file), {
    path: path.dirname(options.file),
    size: `${Math.max(1, Math.floor(options.maxSizeBytes / 1024))}K`,
    rotate: options.keep,
  });
  stream.on('error', (e) => process.stderr.write(`log file ${options.file}: ${e.message}\n`));
  return {
    stream,
    write: (e) => void stream.write(`${fileLine(e)}\n`),
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}

export function levelFromConfig(level: string): LogLevel {
  const l = level.toLowerCase();
  return l === 'error' || l === 'warn' || l === 'debug' ? l : l === 'trace' ? 'debug' : 'info';
}
