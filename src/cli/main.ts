#!/usr/bin/env node
// The `closedloop` command. Each sub-command lives in ./commands/<name>.ts and exports `register(program)`.
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { registerCommands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('closedloop')
    .description('Closed-loop marketing attribution: collect, stitch, attribute, report.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .showHelpAfterError(false);
  registerCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version "errors" are successful exits
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.field ? `${err.field}: ` : ''}${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith('bin/closedloop.js')) {
  runCli(process.argv.slice(2)).then((code) => {
    // a command may already have set a non-zero code of its own (e.g. import with rejected lines)
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  });
}
