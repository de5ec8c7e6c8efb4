import type { Command } from 'commander';
import { registerServe } from './serve';
import { registerConfig } from './config';
import { registerCheckMisp } from './check-misp';
import { registerStix } from './stix';
import { registerCheckTaxii } from './check-taxii';
import { registerTaxii } from './taxii';
import { registerConvert } from './convert';

/**
 * Every CLI command registers itself here: one line per command module. A module exports
 * `register<Name>(program: Command): void` and adds its sub-commands with commander.
 */
export function registerCommands(program: Command): void {
  registerServe(program);
  registerConfig(program);
  registerCheckMisp(program);
  registerStix(program);
  registerCheckTaxii(program);
  registerTaxii(program);
  registerConvert(program);
}
