// bench/results.{json,md}: a full run replaces every suite; a partial run replaces only its suites and
// keeps the others, each suite with the commit it was measured on, and the markdown says so plainly
// when the suites do not all come from one commit.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { BenchProvenance, BenchSuite } from '../types.js';

export interface BenchResults {
  suites: Record<string, BenchSuite>;
}

/** The commit of the working tree (and whether it had changes), the machine, now. */
export function provenance(cwd: string): BenchProvenance {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return undefined;
    }
  };
  // results.* are written by the bench itself: their changes do not make the measured code dirty
  const status = git(
    'status',
    '--porcelain',
    '--',
    '.',
    ':(exclude)bench/results.json',
    ':(exclude)bench/results.md',
  );
  return {
    commit: git('rev-parse', 'HEAD') ?? 'unknown',
    dirty: status === undefined ? true : status !== '',
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    date: new Date().toISOString(),
  };
}

/** The new suites over the previous ones: all of them replaced on a full run, else only those measured. */
export function mergeResults(
  previous: BenchResults | undefined,
  measured: Record<string, BenchSuite>,
  fullRun: boolean,
): BenchResults {
  const suites = fullRun ? {} : { ...(previous?.suites ?? {}) };
  for (const [name, s] of Object.entries(measured)) suites[name] = s;
  return {
    suites: Object.fromEntries(Object.entries(suites).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export function fmt(v: number): string {
  return Math.abs(v) >= 100
    ? Math.round(v).toLocaleString('en-US')
    : Number(v.toPrecision(3)).toString();
}

const label = (s: BenchProvenance) =>
  `${s.commit.slice(0, 12)}${s.dirty ? ' (with uncommitted changes)' : ''}`;

export function resultsMarkdown(r: BenchResults): string {
  const suites = Object.entries(r.suites);
  const commits = new Set(suites.map(([, s]) => label(s)));
  const md = [
    '# Benchmark results',
    '',
    'Written by `npm run bench`. Each figure is the median of its runs (each run on fresh data), with the',
  ];
  md.push(
    'lowest and highest beside it; each suite records the commit and machine it was measured on.',
    '',
  );
  if (commits.size > 1) {
    md.push(
      `**These suites were measured on ${commits.size} different commits** (a partial run, \`npm run bench -- NAME\`, replaces only`,
    );
    md.push(
      'its own suites): compare figures across suites with care, and run `npm run bench` for one table from one commit.',
      '',
    );
  } else if (suites.length > 0) {
    md.push(`Every suite below was measured on commit ${[...commits][0]}.`, '');
  }
  for (const [name, s] of suites) {
    md.push(`## ${name}`, '');
    md.push(
      `Commit ${label(s)}; ${s.machine.cores} cores (${s.machine.cpu}), ${s.machine.memoryGiB} GiB, Node ${s.machine.node}, ${s.date}`,
      '',
    );
    md.push(
      '| measure | median | min-max | runs | unit | target | note |',
      '|---|---:|---:|---:|---|---|---|',
    );
    for (const f of s.results) {
      md.push(
        `| ${f.name} | ${fmt(f.value)} | ${fmt(f.min)}-${fmt(f.max)} | ${f.runs} | ${f.unit} | ${f.target ?? ''} | ${f.note ?? ''} |`,
      );
    }
    md.push('');
  }
  return md.join('\n');
}
