/**
 * Validation against the normative TAXII 1.1 XML schema (reference/TAXII_XMLMessageBinding_Schema_11.xsd, which
 * imports xmldsig-core-schema.xsd) with xmllint-wasm: libxml2 in WebAssembly, offline. The test server checks
 * every request with it, and tests check every message the client builds.
 *
 * Validation runs in one long-lived worker (xsd-worker.cjs) that compiles libxml2 once; if that worker cannot
 * start, the library's own per-call `validateXML` is used instead (same libxml2, only slower).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { validateXML } from 'xmllint-wasm';
import { TAXII_FIXTURES_DIR } from '../paths';

export interface XsdResult {
  valid: boolean;
  /** libxml2's messages, without file names. */
  errors: string[];
}

const MAIN = 'TAXII_XMLMessageBinding_Schema_11.xsd';
const DSIG = 'xmldsig-core-schema.xsd';

let schema: { main: string; dsig: string } | undefined;
function loadSchema(): { main: string; dsig: string } {
  schema ??= {
    main: readFileSync(path.join(TAXII_FIXTURES_DIR, MAIN), 'utf8'),
    dsig: readFileSync(path.join(TAXII_FIXTURES_DIR, DSIG), 'utf8'),
  };
  return schema;
}

interface Job {
  resolve: (r: { exitCode: number; stderr: string }) => void;
  reject: (e: unknown) => void;
}

let worker: Worker | undefined;
let workerBroken = false;
const jobs = new Map<number, Job>();
let nextId = 1;

function getWorker(): Worker | undefined {
  if (workerBroken) return undefined;
  if (worker) return worker;
  try {
    worker = new Worker(path.join(path.dirname(fileURLToPath(import.meta.url)), 'xsd-worker.cjs'));
  } catch {
    workerBroken = true;
    return undefined;
  }
  worker.unref();
  worker.on('message', (m: { id: number; exitCode: number; stderr: string }) => {
    jobs.get(m.id)?.resolve(m);
    jobs.delete(m.id);
  });
  const fail = (e: unknown): void => {
    workerBroken = true;
    worker = undefined;
    for (const job of jobs.values()) job.reject(e);
    jobs.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (jobs.size) fail(new Error(`XSD worker exited with code ${code}`));
    worker = undefined;
  });
  return worker;
}

function parseErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/ validates$/.test(l) && !/ fails to validate$/.test(l))
    .map((l) => l.replace(/^message\.xml:\d+:\s*/, ''));
}

/** Validates one TAXII 1.1 message. Rejects only if the validator itself fails. */
export async function validateTaxiiXml(xml: string): Promise<XsdResult> {
  const { main, dsig } = loadSchema();
  // Memory grows with the message; allow plenty for multi-megabyte poll answers.
  const maxMemory = Math.min(65536, 512 + Math.ceil((xml.length * 8) / (64 * 1024)));
  const w = getWorker();
  if (w) {
    const id = nextId++;
    const files = [
      { fileName: 'message.xml', contents: xml },
      { fileName: MAIN, contents: main },
      { fileName: DSIG, contents: dsig },
    ];
    try {
      const result = await new Promise<{ exitCode: number; stderr: string }>((resolve, reject) => {
        jobs.set(id, { resolve, reject });
        w.postMessage({ id, files, args: ['--schema', MAIN, '--noout', 'message.xml'], initialMemory: 256, maxMemory });
      });
      if (result.exitCode === 0) return { valid: true, errors: [] };
      if (result.exitCode === 3 || result.exitCode === 4 || result.exitCode === 1) return { valid: false, errors: parseErrors(result.stderr) };
      throw new Error(`xmllint failed (${result.exitCode}): ${result.stderr}`);
    } catch (e) {
      if (!workerBroken) throw e;
      // The worker died: fall through to the library's own path.
    }
  }
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [{ fileName: MAIN, contents: main }],
    preload: [{ fileName: DSIG, contents: dsig }],
    maxMemoryPages: maxMemory,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.message) };
}
