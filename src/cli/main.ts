#!/usr/bin/env node
// The `closedloop` command. Each sub-command lives in ./commands/<name>.ts and exports `register(program)`.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
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
    process.stderr.write(
      `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}

/** Runs the CLI on this process's arguments and sets the exit code (the bin launcher calls this). */
export function main(): void {
  // `closedloop ... | head` closes the pipe early: that is not an error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void runCli(process.argv.slice(2)).then((code) => {
    // a command may already have set a non-zero code of its own (e.g. import with rejected lines)
    if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
  });
}

// run directly (`npx tsx src/cli/main.ts`, `node dist/cli/main.js`); through npx or a global install
// the launcher in bin/ calls main() itself
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) main();
