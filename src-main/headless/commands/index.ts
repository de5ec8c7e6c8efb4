import type { Command } from 'commander';

/** What a command module exports: `register<Name>(program: Command): void`, adding its sub-commands with commander. */
export type Register = (program: Command) => void;

/**
 * Every CLI command registers itself here: one line per command module, with the top-level name it adds (the
 * `check <thing>` modules share `check`). The module is imported only when that command runs (or for the help,
 * which lists them all), so `flare-misp --version` and each command load no more of the engine than they need.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'serve', load: async () => (await import('./serve')).registerServe },
  { name: 'demo', load: async () => (await import('./demo')).registerDemo },
  { name: 'config', load: async () => (await import('./config')).registerConfig },
  { name: 'check', load: async () => (await import('./check-misp')).registerCheckMisp },
  { name: 'stix', load: async () => (await import('./stix')).registerStix },
  { name: 'check', load: async () => (await import('./check-taxii')).registerCheckTaxii },
  { name: 'taxii', load: async () => (await import('./taxii')).registerTaxii },
  { name: 'convert', load: async () => (await import('./convert')).registerConvert },
  { name: 'tracker', load: async () => (await import('./tracker')).registerTracker },
  { name: 'poll', load: async () => (await import('./runs')).registerPoll },
  { name: 'runs', load: async () => (await import('./runs')).registerRunHistory },
  { name: 'quarantine', load: async () => (await import('./runs')).registerQuarantine },
  { name: 'jobs', load: async () => (await import('./remote')).registerJobs },
  { name: 'status', load: async () => (await import('./remote')).registerStatus },
];

/** The command names the modules above register. */
export const COMMAND_NAMES: readonly string[] = [...new Set(COMMANDS.map((c) => c.name))];

/**
 * Registers the commands `argv` needs: the one it names (its first word), none for a bare `--version`, and all of
 * them otherwise (no command, `help`, `--help`, or a name commander should report as unknown).
 */
export async function registerCommands(program: Command, argv?: readonly string[]): Promise<void> {
  let wanted: (name: string) => boolean = () => true;
  if (argv !== undefined) {
    const first = argv.find((a) => !a.startsWith('-'));
    if (first !== undefined && COMMAND_NAMES.includes(first)) wanted = (name) => name === first;
    else if (first === undefined && argv.length > 0 && argv.every((a) => a === '-V' || a === '--version')) wanted = () => false;
  }
  const registers = await Promise.all(COMMANDS.filter((c) => wanted(c.name)).map((c) => c.load()));
  for (const register of registers) register(program);
}
