import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ConfigDirChoice {
  dir: string;
  /** Why this folder: shown by `config check` and in the log at start-up. */
  reason: '--config-dir' | 'FLARE_MISP_HOME' | 'default';
}

/**
 * The config folder: `--config-dir`, then `FLARE_MISP_HOME`, then the default (the desktop passes Electron's
 * userData/config; headless uses ./config).
 */
export function resolveConfigDir(flag: string | undefined, env: NodeJS.ProcessEnv, fallback: string): ConfigDirChoice {
  if (flag) return { dir: path.resolve(flag), reason: '--config-dir' };
  if (env.FLARE_MISP_HOME) {
    // Either the config folder itself, or an install folder laid out like the old /opt/mtc with config/ inside.
    const home = path.resolve(env.FLARE_MISP_HOME);
    const inner = path.join(home, 'config');
    const holdsFiles = (d: string) => existsSync(path.join(d, 'config.properties')) || existsSync(path.join(d, 'application.properties'));
    return { dir: !holdsFiles(home) && holdsFiles(inner) ? inner : home, reason: 'FLARE_MISP_HOME' };
  }
  return { dir: path.resolve(fallback), reason: 'default' };
}
