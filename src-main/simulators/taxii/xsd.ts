/**
 * Validation against the normative TAXII 1.1 XML schema (schemas/TAXII_XMLMessageBinding_Schema_11.xsd, which
 * imports xmldsig-core-schema.xsd) with xmllint-wasm: libxml2 in WebAssembly, offline. The simulator checks every
 * request with it, and tests check every message the client builds.
 *
 * xmllint-wasm is a devDependency and the schema files sit beside these sources, so a shipped copy (`npm ci
 * --omit=dev`, or a bundle without src-main/) may have neither: everything is loaded on first use, and
 * `taxiiXsd()` then says why validation is unavailable instead of failing. `validateTaxiiXml` (for tests, which
 * must be strict) throws in that case.
 *
 * Validation runs in one long-lived worker (xsd-worker.cjs) that compiles libxml2 once; if that worker cannot
 * start, the library's own per-call `validateXML` is used instead (same libxml2, only slower).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface XsdResult {
  valid: boolean;
  /** libxml2's messages, without file names. */
  errors: string[];
}

export type XsdValidator = (xml: string) => Promise<XsdResult>;

const MAIN = 'TAXII_XMLMessageBinding_Schema_11.xsd';
const DSIG = 'xmldsig-core-schema.xsd';
// A variable, so that bundlers leave the optional devDependency alone instead of inlining it.
const XMLLINT = 'xmllint-wasm';

/** The part of xmllint-wasm's API used here (declared, not imported: the package may be absent). */
interface Xmllint {
  validateXML(options: {
    xml: { fileName: string; contents: string }[];
    schema: { fileName: string; contents: string }[];
    preload?: { fileName: string; contents: string }[];
    maxMemoryPages?: number;
  }): Promise<{ valid: boolean; errors: { message: string }[] }>;
}

/**
 * The folder holding this module's sources: beside it when it runs from src-main/ (tests, tsx); in a checkout's
 * CLI bundle (dist-main/…) the checkout's src-main/simulators/taxii; otherwise none.
 */
function sourceDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    for (const candidate of [dir, path.join(dir, 'src-main', 'simulators', 'taxii')]) {
      if (existsSync(path.join(candidate, 'schemas', MAIN))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

interface Loaded {
  lib: Xmllint;
  dir: string;
  main: string;
  dsig: string;
}

let loading: Promise<Loaded | { reason: string }> | undefined;

function load(): Promise<Loaded | { reason: string }> {
  loading ??= (async () => {
    const dir = sourceDir();
    if (!dir) return { reason: 'the TAXII XSD files are not installed beside the simulator' };
    let lib: Xmllint;
    try {
      lib = (await import(/* @vite-ignore */ XMLLINT)) as Xmllint;
    } catch {
      return { reason: 'xmllint-wasm (a development dependency) is not installed' };
    }
    return {
      lib,
      dir,
      main: readFileSync(path.join(dir, 'schemas', MAIN), 'utf8'),
      dsig: readFileSync(path.join(dir, 'schemas', DSIG), 'utf8'),
    };
  })();
  return loading;
}

interface Job {
  resolve: (r: { exitCode: number; stderr: string }) => void;
  reject: (e: unknown) => void;
}

let worker: Worker | undefined;
let workerBroken = false;
const jobs = new Map<number, Job>();
let nextId = 1;

function getWorker(dir: string): Worker | undefined {
  if (workerBroken) return undefined;
  if (worker) return worker;
  try {
    worker = new Worker(path.join(dir, 'xsd-worker.cjs'));
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

async function validateWith({ lib, dir, main, dsig }: Loaded, xml: string): Promise<XsdResult> {
  // Memory grows with the message; allow plenty for multi-megabyte poll answers.
  const maxMemory = Math.min(65536, 512 + Math.ceil((xml.length * 8) / (64 * 1024)));
  const w = getWorker(dir);
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
  const result = await lib.validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [{ fileName: MAIN, contents: main }],
    preload: [{ fileName: DSIG, contents: dsig }],
    maxMemoryPages: maxMemory,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.message) };
}

/** The validator when this installation has one, else why not. Loads xmllint-wasm and the schema once. */
export async function taxiiXsd(): Promise<{ validate: XsdValidator } | { validate?: undefined; reason: string }> {
  const loaded = await load();
  if ('reason' in loaded) return { reason: loaded.reason };
  return { validate: (xml) => validateWith(loaded, xml) };
}

/** Validates one TAXII 1.1 message. Rejects if the validator itself fails or is not installed. */
export async function validateTaxiiXml(xml: string): Promise<XsdResult> {
  const xsd = await taxiiXsd();
  if (!xsd.validate) throw new Error(`cannot validate against the TAXII XSD: ${xsd.reason}`);
  return xsd.validate(xml);
}
