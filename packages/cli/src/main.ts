#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerApiKeyCommands } from './commands/apikey.command';
import { registerCanaryCommands } from './commands/canary.command';
import { registerDemoCommand } from './commands/demo.command';
import { registerImportCommands } from './commands/import.cli';
import { registerKeysCommands } from './commands/keys.command';
import { registerLedgerCommands } from './commands/ledger.command';
import { registerRiskCommands } from './commands/risk.command';
import { registerServeCommand } from './commands/serve.command';
import { registerSimulateCommand } from './commands/simulate.command';
import { registerStaffCommands } from './commands/staff.command';
import { registerTraceCommands } from './commands/trace.command';
import { registerWatchCommands } from './commands/watch.command';
import { fail } from './output';

/** Parses a whole number option, with a message naming the option. */
export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

export const jsonOption = new Option('--json', 'print machine-readable JSON (and no progress)');

const program = new Command('cordon')
  .description('Cordon: keep an online shop’s customer data inside the line.')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerDemoCommand(program);
registerImportCommands(program);
registerKeysCommands(program);
registerApiKeyCommands(program);
registerLedgerCommands(program);
registerStaffCommands(program);
registerSimulateCommand(program);
registerWatchCommands(program);
registerCanaryCommands(program);
registerTraceCommands(program);
registerRiskCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
    process.exit(0);
  if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
  fail(error, process.argv.includes('--json'));
}
