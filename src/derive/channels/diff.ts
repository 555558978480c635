/**
 * What moves when channel rules change: sessions per channel before and after, and a from → to
 * matrix. Pure: the caller streams sessions' inputs (or grouped rows with a session count) through it.
 *
 * Example:
 *   const diff = diffChannels(rows.map((r) => ({ touch: r, sessions: r.count })), compileRules(), compileRules(mine));
 *   diff.moved // sessions whose channel changed
 */
import type { ChannelTouch, CompiledRules } from './rules.js';

export interface ChannelCount {
  readonly channel: string;
  readonly before: number;
  readonly after: number;
  readonly change: number;
}

export interface ChannelMove {
  readonly from: string;
  readonly to: string;
  readonly sessions: number;
}

export interface ChannelDiff {
  readonly sessions: number;
  /** Sessions whose channel differs under the new rules. */
  readonly moved: number;
  /** Every channel seen on either side, most sessions after first. */
  readonly channels: readonly ChannelCount[];
  /** Only the pairs that moved (from ≠ to), largest first. */
  readonly matrix: readonly ChannelMove[];
}

/** Accumulates (from, to, sessions) triples; use when the caller classifies itself. */
export class ChannelDiffAccumulator {
  private readonly before = new Map<string, number>();
  private readonly after = new Map<string, number>();
  private readonly pairs = new Map<string, Map<string, number>>();
  private total = 0;

  add(from: string, to: string, sessions = 1): void {
    if (!(sessions > 0)) return;
    this.total += sessions;
    this.before.set(from, (this.before.get(from) ?? 0) + sessions);
    this.after.set(to, (this.after.get(to) ?? 0) + sessions);
    if (from === to) return;
    let row = this.pairs.get(from);
    if (!row) this.pairs.set(from, (row = new Map()));
    row.set(to, (row.get(to) ?? 0) + sessions);
  }

  result(): ChannelDiff {
    const names = new Set([...this.before.keys(), ...this.after.keys()]);
    const channels = [...names]
      .map((channel) => {
        const before = this.before.get(channel) ?? 0;
        const after = this.after.get(channel) ?? 0;
        return { channel, before, after, change: after - before };
      })
      .sort(
        (a, b) => b.after - a.after || b.before - a.before || a.channel.localeCompare(b.channel),
      );
    const matrix: ChannelMove[] = [];
    let moved = 0;
    for (const [from, row] of this.pairs) {
      for (const [to, sessions] of row) {
        matrix.push({ from, to, sessions });
        moved += sessions;
      }
    }
    matrix.sort(
      (a, b) => b.sessions - a.sessions || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    );
    return { sessions: this.total, moved, channels, matrix };
  }
}

export interface DiffInput {
  readonly touch: ChannelTouch;
  /** How many sessions this input stands for (grouped rows); default 1. */
  readonly sessions?: number;
}

/** Classifies every input under rule sets A and B and reports what moved. */
export function diffChannels(
  inputs: Iterable<DiffInput>,
  before: CompiledRules,
  after: CompiledRules,
): ChannelDiff {
  const acc = new ChannelDiffAccumulator();
  for (const { touch, sessions } of inputs) {
    acc.add(before.classify(touch).channel, after.classify(touch).channel, sessions ?? 1);
  }
  return acc.result();
}
