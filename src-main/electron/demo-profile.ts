/**
 * The desktop app's demo profile (`--demo`): the TAXII and MISP simulators inside the app, and a configuration of
 * their own under userData/demo — never the real one. The simulators keep everything in memory, so each launch
 * starts the profile afresh: a tracker kept from an earlier demo would call the new simulator's packages
 * duplicates and show nothing.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { DemoInfo } from '../../shared/api';

export const DEMO_FLAG = '--demo';

export interface DemoProfile {
  /** The demo's config folder (data, out and logs beside it). */
  configDir: string;
  info: DemoInfo;
  /** Stops both simulators. */
  close(): Promise<void>;
}

export async function openDemoProfile(userData: string, log: (line: string) => void): Promise<DemoProfile> {
  // Loaded only for the demo: a real launch carries no simulator code in memory.
  const { startDemoSimulators, writeDemoConfig } = await import('../simulators/demo');
  const base = path.join(userData, 'demo');
  rmSync(base, { recursive: true, force: true });
  const sims = await startDemoSimulators({ log });
  try {
    // The desktop serves no web UI; the port only fills the demo's application.properties.
    const config = writeDemoConfig(base, sims, { uiPort: 8080 });
    return { configDir: config.dir, info: { taxiiUrl: sims.taxii.urls.poll, mispUrl: sims.misp.url }, close: () => sims.close() };
  } catch (e) {
    await sims.close();
    throw e;
  }
}

/** The command line of the other profile's launch: the same, with `--demo` added or taken away. */
export function relaunchArgs(argv: readonly string[], demo: boolean): string[] {
  const args = argv.slice(1).filter((a) => a !== DEMO_FLAG && a !== '--hidden');
  return demo ? [...args, DEMO_FLAG] : args;
}
