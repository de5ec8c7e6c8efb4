import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { LogHub, consoleSink, fileSink, consoleLine, fileLine, Redactor } from './index';
import type { LogEntry } from '../../../shared/api';

describe('line formats', () => {
  const entry: LogEntry = { time: '2026-11-28T01:02:03.045Z', level: 'warn', message: 'Processing events...', module: 'pipeline', runId: 7, feed: 'ais' };
  it('console: the old service\'s "YYYY-MM-DD HH:mm:ss - message"', () => {
    expect(consoleLine(entry)).toBe('2026-11-28 01:02:03 - Processing events...');
  });
  it('file: milliseconds, level, module and run context', () => {
    expect(fileLine(entry)).toBe('2026-11-28 01:02:03.045 WARN  [pipeline] (run 7, feed ais) Processing events...');
    expect(fileLine({ time: '2026-01-02T03:04:05.600Z', level: 'info', message: 'hi' })).toBe('2026-01-02 03:04:05.600 INFO  [app] hi');
  });
});

describe('redaction', () => {
  it('masks registered secrets and secret-shaped text, whoever logs them', () => {
    const r = new Redactor();
    r.setSecrets(['Zq4mW8rT2yN6vB1xK9pL3sD7fH5jG0cA2eR4tY6u', 'changeit', 'ab']);
    expect(r.redact('key Zq4mW8rT2yN6vB1xK9pL3sD7fH5jG0cA2eR4tY6u sent')).toBe('key [redacted] sent');
    expect(r.redact('keystore password changeit failed')).toBe('keystore password [redacted] failed');
    expect(r.redact('a b ab')).toBe('a b ab'); // two characters are too short to be a secret worth masking
    expect(r.redact('headers {"Authorization": "abcdef123"}')).toBe('headers {"Authorization": "[redacted]"}');
    expect(r.redact('Authorization: Bearer xyz.abc')).toBe('Authorization: [redacted]');
    expect(r.redact('password=hunter2&x=1')).toBe('password=[redacted]&x=1');
    expect(r.redact('proxy http://bob:pa55@proxy:3128')).toBe('proxy http://bob:[redacted]@proxy:3128');
    expect(r.redact('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')).toBe('[private key redacted]');
  });

  it('applies to every sink and subscriber of the hub', () => {
    const hub = new LogHub();
    hub.redactor.setSecrets(['s3cr3t-value']);
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    hub.addSink(consoleSink(out));
    const seen: LogEntry[] = [];
    hub.subscribe((e) => seen.push(e));
    hub.logger('misp').info('using key s3cr3t-value');
    expect(printed).toMatch(/ - using key \[redacted\]\n$/);
    expect(seen[0]!.message).toBe('using key [redacted]');
    expect(hub.recent()[0]!.message).toBe('using key [redacted]');
  });
});

describe('the hub', () => {
  it('filters by level, names the module, keeps context, and unsubscribes', () => {
    const hub = new LogHub({ level: 'info' });
    const seen: LogEntry[] = [];
    const off = hub.subscribe((e) => seen.push(e));
    const log = hub.logger('taxii').child('poll');
    log.debug('not shown at INFO');
    log.info('part 1', { runId: 3, feed: 'ais' });
    hub.setLevel('debug');
    log.debug('now shown');
    off();
    log.error('after unsubscribe');
    expect(seen.map((e) => [e.level, e.module, e.message, e.runId, e.feed])).toEqual([
      ['info', 'taxii.poll', 'part 1', 3, 'ais'],
      ['debug', 'taxii.poll', 'now shown', undefined, undefined],
    ]);
    expect(hub.recent(1)[0]!.message).toBe('after unsubscribe');
  });

  it('keeps only the last N entries for late subscribers', () => {
    const hub = new LogHub({ ringSize: 3 });
    for (let i = 0; i < 5; i++) hub.logger().info(`m${i}`);
    expect(hub.recent().map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
  });
});

describe('rotating file', () => {
  it('rotates at the size cap and keeps the configured number of old files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flare-log-'));
    const file = path.join(dir, 'logs', 'flare-misp.log');
    const hub = new LogHub();
    hub.addSink(fileSink({ file, maxSizeBytes: 2048, keep: 2 }));
    const log = hub.logger('test');
    for (let i = 0; i < 120; i++) log.info(`entry ${i} ${'x'.repeat(60)}`);
    await hub.close();
    const files = readdirSync(path.dirname(file)).sort();
    expect(files).toEqual(['flare-misp.log', 'flare-misp.log.1', 'flare-misp.log.2']);
    const current = readFileSync(file, 'utf8').trim().split('\n');
    expect(current.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO  \[test\] entry 119 x+$/);
    for (const f of files) expect(readFileSync(path.join(path.dirname(file), f)).length).toBeLessThanOrEqual(2048 + 200);
  });
});
