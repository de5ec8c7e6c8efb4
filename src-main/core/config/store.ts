/**
 * The live configuration of a running app: load once, `reload()` on demand (reporting what changed), and
 * `save()` edits from the Config view back into the properties files, keeping their comments, order and
 * formatting (properties-file's PropertiesEditor). A save is validated before anything is written, and each
 * file is replaced atomically (temp file + rename).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../fs/atomic-write';
import path from 'node:path';
import { PropertiesEditor } from 'properties-file/editor';
import { FlareError } from '../errors';
import { KEY_INDEX, LEGACY_CURSOR_KEY, isSecretKey, type ConfigFileName } from './keys';
import { loadConfig, formatIssue, type ConfigTexts, type LoadedConfig } from './load';
import type { ConfigEntryView, ConfigView } from '../../../shared/api';
import { urlPassword, withUrlPassword } from './url-credentials';
import type { SecretCodec } from './secret-codec';

export const MASK = '••••••';


export class ConfigStore {
  private loaded: LoadedConfig;

  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The desktop app's OS keychain: secrets are saved through it and resolved back (secret-codec.ts). */
    private readonly secrets?: SecretCodec,
  ) {
    this.loaded = loadConfig(dir, env, {}, secrets);
  }

  get current(): LoadedConfig {
    return this.loaded;
  }

  /** Reads the files again. On error the previous configuration stays in force and the error is thrown. */
  reload(): { changed: string[] } {
    const next = loadConfig(this.dir, this.env, {}, this.secrets);
    const changed = diffEntries(this.loaded, next);
    this.loaded = next;
    return { changed };
  }

  /**
   * Writes `changes` (key → new text, or null to remove the key) into the file each key belongs to.
   * Nothing is written when the result would not load.
   */
  save(changes: Record<string, string | null>): { changed: string[] } {
    const editors = new Map<ConfigFileName, PropertiesEditor>();
    const editorFor = (file: ConfigFileName) => {
      let e = editors.get(file);
      if (!e) {
        const p = path.join(this.dir, file);
        e = new PropertiesEditor(existsSync(p) ? readFileSync(p, 'utf8') : '');
        editors.set(file, e);
      }
      return e;
    };
    for (const [key, value] of Object.entries(changes)) {
      const spec = KEY_INDEX.get(key);
      if (!spec && !LEGACY_CURSOR_KEY.test(key)) {
        throw new FlareError('config_unknown_key', `Cannot save ${key}: FLARE MISP does not know this key.`, { hint: 'Check the spelling against the Config view.' });
      }
      if (value !== null && /[\r\n]/.test(value)) {
        throw new FlareError('config_bad_value', `Cannot save ${key}: a value must be on one line.`);
      }
      // A key already in a file stays in that file; a new key goes to the file it belongs to.
      const existing = this.loaded.entries.get(key);
      // The view shows a URL's password masked: saved back as shown, the password in force is kept.
      let text = value;
      if (text !== null && urlPassword(text) === MASK) {
        const current = existing ? urlPassword(existing.text) : undefined;
        if (current === undefined) {
          throw new FlareError('config_bad_value', `Cannot save ${key}: the URL's password is the mask (${MASK}), and there is no password to keep.`, { hint: 'Type the password into the URL.' });
        }
        text = withUrlPassword(text, current);
      }
      // A secret typed in is written as the codec's reference (never in plain text where it can encrypt).
      if (text !== null && text !== '' && this.secrets && isSecretKey(key)) text = this.secrets.encode(key, text);
      const file: ConfigFileName = existing?.file ?? spec?.file ?? 'config.properties';
      const editor = editorFor(file);
      if (text === null) editor.deleteAll(key);
      else editor.upsert(key, text);
    }
    const texts: ConfigTexts = {};
    for (const [file, editor] of editors) texts[file] = ensureNewline(editor.format());
    // Validate the would-be files first: loadConfig throws a ConfigError naming the line otherwise.
    loadConfig(this.dir, this.env, texts, this.secrets);
    for (const [file, text] of Object.entries(texts) as [ConfigFileName, string][]) {
      writeFileAtomicSync(path.join(this.dir, file), text, { mode: 0o600 });
    }
    return this.reload();
  }
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** Keys whose effective value differs; secrets are compared but only named. */
export function diffEntries(before: LoadedConfig, after: LoadedConfig): string[] {
  const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
  const changed: string[] = [];
  for (const k of keys) {
    if (before.entries.get(k)?.text !== after.entries.get(k)?.text) changed.push(k);
  }
  for (const [k, v] of Object.entries(after.config.legacyCursors)) {
    if (before.config.legacyCursors[k] !== v) changed.push(`legacy cursor ${k}`);
  }
  return changed.sort();
}

/** What the UI and `config check` show: every key, where its value comes from, secrets masked. */
export function configView(loaded: LoadedConfig): ConfigView {
  const { config } = loaded;
  const entries: ConfigEntryView[] = [];
  for (const e of loaded.entries.values()) {
    const secret = isSecretKey(e.key);
    const isSet = e.text !== '';
    const view: ConfigEntryView = {
      key: e.key,
      value: secret ? (isSet ? MASK : '') : withUrlPassword(e.text, MASK),
      isSet,
      source: e.source,
      secret,
      describe: e.spec?.describe ?? '',
    };
    if (e.file) view.file = e.file;
    if (e.line) view.line = e.line;
    if (e.spec?.ignored) view.ignored = e.spec.ignored;
    entries.push(view);
  }
  return {
    dir: config.dir,
    files: Object.values(config.files),
    entries,
    warnings: loaded.warnings.map(formatIssue),
    taxiiConfigured: config.taxii.configured,
    mispConfigured: config.misp.configured,
    summary: {
      ...(config.taxii.pollUrl && { pollUrl: config.taxii.pollUrl }),
      ...(config.taxii.collection && { collection: config.taxii.collection }),
      ...(config.misp.url && { mispUrl: config.misp.url }),
      processType: config.poll.processType,
      frequencyMinutes: config.poll.frequencyMinutes,
      mispMode: config.misp.mode,
      clientAuth: config.taxii.clientAuth.kind,
    },
  };
}

/** Every secret value in force, so the logger can redact them wherever they appear. */
export function secretValues(loaded: LoadedConfig): string[] {
  const out: string[] = [];
  for (const e of loaded.entries.values()) {
    if (isSecretKey(e.key)) {
      if (e.text !== '') out.push(e.text);
      continue;
    }
    const password = urlPassword(e.text);
    if (password === undefined) continue;
    out.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) out.push(decoded);
    } catch {
      // not %-encoded: the raw text is what could appear
    }
  }
  return out;
}
