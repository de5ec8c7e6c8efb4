#!/usr/bin/env node
// The `flare-misp` command. It runs the TypeScript sources through tsx's loader, so a checkout needs no build
// step for the CLI or the headless server (`npm run -s flare -- <args>` runs this file too).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/headless/cli.ts');
const code = await main(process.argv.slice(2));
// `serve` keeps running: only exit for commands that are finished.
if (code !== undefined && code !== null && !globalThis.__flareKeepAlive) process.exit(code);
