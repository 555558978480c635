import type { Command } from 'commander';
import { register as serve } from './serve.js';
import { register as workspace } from './workspace.js';
import { register as importCmd } from './import.js';
import { register as attribute } from './attribute.js';
import { register as funnel } from './funnel.js';
import { register as channels } from './channels.js';
import { register as simulate } from './simulate.js';
import { register as rebuild } from './rebuild.js';
import { register as evaluate } from './evaluate.js';
import { register as ingest } from './ingest.js';
import { register as redact } from './redact.js';
import { register as people } from './people.js';
import { register as report } from './report.js';
import { register as inspect } from './inspect.js';
import { register as migrate } from './migrate.js';
import { register as connect } from './connect.js';
import { register as sync } from './sync.js';
import { register as costs } from './costs.js';
import { register as goals } from './goals.js';
import { register as user } from './user.js';

/** Every sub-command registers itself here, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  serve(program);
  workspace(program);
  importCmd(program);
  rebuild(program);
  ingest(program);
  redact(program);
  report(program);
  inspect(program);
  attribute(program);
  funnel(program);
  evaluate(program);
  channels(program);
  people(program);
  connect(program);
  sync(program);
  migrate(program);
  simulate(program);
  costs(program);
  goals(program);
  user(program);
}
