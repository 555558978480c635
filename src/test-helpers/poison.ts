// Journal lines the engine cannot load (or must not silently drop), as they could reach the journal: by
// a torn write, a disk error or a bug. Shared by the store-level and server-level dead-letter tests.

/** The metadata the ingest route appends to each journal line (last, as it does). */
export function journalMeta(workspaceId: string, at = new Date().toISOString()): string {
  return `"_ws":${JSON.stringify(workspaceId)},"_recv":"${at}","_origin":"api","_batch":"api-poison"`;
}

/** A good journal line: one track event of `anon`. */
export function goodLine(workspaceId: string, messageId: string, anon = 'anon-good'): Buffer {
  return Buffer.from(
    `{"type":"track","event":"Good","anonymousId":"${anon}","messageId":"${messageId}",${journalMeta(workspaceId)}}`,
  );
}

export interface Poison {
  name: string;
  raw: Buffer;
  /** A fragment the dead letter's reason must contain. */
  reason: RegExp;
  /** Whether the dead letter can name the workspace. */
  named: boolean;
}

/** Every poison form but the torn tail (which must be a segment's last line: see tornTail). */
export function poisonLines(workspaceId: string): Poison[] {
  const meta = journalMeta(workspaceId);
  const ev = (fields: string) =>
    Buffer.from(`{"type":"track","anonymousId":"anon-poison",${fields},${meta}}`);
  return [
    {
      name: 'lone surrogate in event',
      raw: ev('"event":"x\\ud800","messageId":"p1"'),
      reason: /^event\|.*surrogate/,
      named: true,
    },
    {
      name: 'lone surrogate in properties',
      raw: ev('"event":"x","messageId":"p2","properties":{"k":"\\udc00y"}'),
      reason: /^properties\.k\|.*surrogate/,
      named: true,
    },
    {
      name: 'surrogate in a key',
      raw: ev('"event":"x","messageId":"p3","properties":{"\\ud800":1}'),
      reason: /surrogate/,
      named: true,
    },
    {
      name: 'invalid UTF-8',
      raw: Buffer.concat([
        Buffer.from('{"type":"track","anonymousId":"anon-poison","event":"x'),
        Buffer.from([0xff, 0xc3]),
        Buffer.from(`","messageId":"p4",${meta}}`),
      ]),
      reason: /UTF-8/,
      named: true,
    },
    {
      name: 'not JSON',
      raw: Buffer.from('this is not json at all'),
      reason: /not valid JSON/,
      named: false,
    },
    {
      name: 'JSON array',
      raw: Buffer.from(`[{"type":"track","event":"x","anonymousId":"a",${meta}}]`),
      reason: /must be a JSON object/,
      named: false,
    },
    {
      name: 'fails the event rules',
      raw: Buffer.from(
        `{"type":"bogus","anonymousId":"anon-poison","event":"x","messageId":"p5",${meta}}`,
      ),
      reason: /^type\|/,
      named: true,
    },
    // the reader refuses it; nothing in JavaScript does (JSON.parse keeps the last value)
    {
      name: 'duplicate key',
      raw: ev('"event":"x","messageId":"p10","event":"y"'),
      reason: /^line\|.*duplicate key/,
      named: true,
    },
    {
      name: 'absurd timestamp',
      raw: ev('"event":"x","messageId":"p6","timestamp":"99999-13-45T99:00:00Z"'),
      reason: /^timestamp\|/,
      named: true,
    },
    {
      name: 'object where text is wanted',
      raw: ev('"event":{"nested":true},"messageId":"p7"'),
      reason: /^event\|/,
      named: true,
    },
    {
      name: 'no workspace',
      raw: Buffer.from('{"type":"track","event":"x","anonymousId":"a","messageId":"p8"}'),
      reason: /^_ws\|/,
      named: false,
    },
    {
      name: 'unreadable receive time',
      raw: Buffer.from(
        `{"type":"track","event":"x","anonymousId":"a","messageId":"p9","_ws":${JSON.stringify(workspaceId)},"_recv":"not a time","_origin":"api","_batch":"b"}`,
      ),
      reason: /^line\|.*(Conversion|timestamp)/i,
      named: true,
    },
  ];
}

/** Lines that look hostile but load: a NUL escape and a deeply nested value (the journal keeps what the API accepted). */
export function loadableOddLines(
  workspaceId: string,
): { name: string; raw: Buffer; messageId: string }[] {
  const meta = journalMeta(workspaceId);
  const deep = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
  return [
    {
      name: 'NUL escape',
      raw: Buffer.from(
        `{"type":"track","event":"nul\\u0000here","anonymousId":"anon-odd","messageId":"odd-nul",${meta}}`,
      ),
      messageId: 'odd-nul',
    },
    {
      name: 'deeply nested',
      raw: Buffer.from(
        `{"type":"track","event":"deep","anonymousId":"anon-odd","messageId":"odd-deep","properties":${deep},${meta}}`,
      ),
      messageId: 'odd-deep',
    },
  ];
}

/** A last line cut mid-way (mid-UTF-8 too), with no newline after it: what a crash during a write leaves. */
export function tornTail(workspaceId: string): Buffer {
  const full = Buffer.from(
    `{"type":"track","event":"caf\u00e9 \u00e9t\u00e9","anonymousId":"anon-torn","messageId":"torn",${journalMeta(workspaceId)}}`,
  );
  const cut = full.indexOf(Buffer.from('\u00e9t')) + 1; // inside the two bytes of an é
  return full.subarray(0, cut);
}

/** A segment's bytes: lines joined by newlines, the last one terminated unless `torn` ends it. */
export function segmentBytes(lines: readonly Buffer[], torn?: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const l of lines) parts.push(l, Buffer.from('\n'));
  if (torn) parts.push(torn);
  return Buffer.concat(parts);
}
