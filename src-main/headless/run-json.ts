/**
 * A run record printed as JSON with its per-package list streamed in: the same text as
 * `JSON.stringify({ ...run, packages }, null, 2)`, written element by element with the stream's backpressure
 * honoured, so that the record of a run of 100,000 packages never exists as one string (nor as one array).
 */
import type { RunPackageOutcome, RunRecord } from '../../shared/api';

type Sink = Pick<NodeJS.WritableStream, 'write' | 'once'>;

function write(out: Sink, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((resolve) => out.once('drain', () => resolve()));
}

/** Elements are joined into chunks of about this many characters: one write per element would be slow. */
const CHUNK_CHARS = 64 * 1024;

export async function writeRunJson(out: Sink, run: RunRecord, packages: AsyncIterable<RunPackageOutcome>): Promise<void> {
  const { packages: _held, ...summary } = run;
  const head = JSON.stringify(summary, null, 2);
  // `{\n  "id": …\n}` → everything up to the closing brace, then the list as its last key.
  const open = head === '{}' ? '{\n  "packages": [' : `${head.slice(0, -2)},\n  "packages": [`;
  let chunk = open;
  let first = true;
  for await (const p of packages) {
    chunk += `${first ? '\n' : ',\n'}    ${JSON.stringify(p, null, 2).replace(/\n/g, '\n    ')}`;
    first = false;
    if (chunk.length >= CHUNK_CHARS) {
      await write(out, chunk);
      chunk = '';
    }
  }
  chunk += first ? ']\n}\n' : '\n  ]\n}\n';
  await write(out, chunk);
}
