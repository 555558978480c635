/** File writers: Segment NDJSON for events, the internal NDJSON format for ad costs. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { AdCostRow, SegmentEvent, SimWriter } from './types.js';

const BUFFER_BYTES = 4 << 20;

/**
 * Appends one JSON document per line through a fixed 4 MB buffer (encoded in place, written when
 * full), so memory stays flat and no per-line copies pile up for the garbage collector.
 */
export class NdjsonFile {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.used + line.length * 3 > this.buf.length) {
      this.flush();
      if (line.length * 3 > this.buf.length) this.buf = Buffer.allocUnsafe(line.length * 3);
    }
    this.used += this.buf.write(line, this.used, 'utf8');
  }

  flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Events in Segment's spec, one per line: what `closedloop import` and the Segment-compatible API take. */
export function segmentNdjsonWriter(path: string): SimWriter {
  const file = new NdjsonFile(path);
  return {
    event: (e: SegmentEvent) => file.write(e),
    close: async () => file.close(),
  };
}

/** Ad cost rows, one per line (format documented in docs/simulator.md). */
export function adCostNdjsonWriter(path: string): SimWriter {
  const file = new NdjsonFile(path);
  return {
    event: () => undefined,
    adCost: (row: AdCostRow) => file.write(row),
    close: async () => file.close(),
  };
}
