import { Transform, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyRequest, preParsingAsyncHookHandler } from 'fastify';
import { ApiError, tooLarge } from './errors.js';

// Content-Encoding → decoder. `deflate` is the zlib format (RFC 1950), as HTTP defines it.
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};
export const REQUEST_ENCODINGS = ['gzip', 'deflate', 'br'] as const;

/** The stream Fastify reads the body from; Fastify compares receivedEncodedLength with Content-Length. */
type DecodedBody = Transform & { receivedEncodedLength: number };

/**
 * Decodes `raw` with `decoder`, refusing (413) as soon as the decoded size passes `limit`: the size that
 * matters is the one we would hold, and a few KB of gzip can expand to gigabytes. The decoder is stopped
 * there, not drained. A corrupt stream is a 400 naming the encoding.
 */
export function decodeLimited(
  raw: Readable,
  decoder: Transform,
  limit: number,
  encoding: string,
): DecodedBody {
  let produced = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      produced += chunk.length;
      if (produced > limit) done(tooLarge(limit, 'the decompressed request body'));
      else done(null, chunk);
    },
  }) as DecodedBody;
  out.receivedEncodedLength = 0;
  const count = (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  };
  raw.on('data', count);
  decoder.on('error', () =>
    out.destroy(
      new ApiError(
        400,
        'invalid_encoding',
        `the body is not valid ${encoding} data`,
        'content-encoding',
      ),
    ),
  );
  // stop decoding once the reader is gone (done, refused or failed); the raw request itself stays open so
  // the refusal can still be sent on it
  out.on('close', () => {
    raw.removeListener('data', count);
    raw.unpipe(decoder);
    decoder.destroy();
  });
  raw.pipe(decoder).pipe(out);
  return out;
}

function encodingOf(req: FastifyRequest): string | undefined {
  const header = req.headers['content-encoding'];
  if (header === undefined) return undefined;
  const encoding = header.trim().toLowerCase();
  return encoding === '' || encoding === 'identity' ? undefined : encoding;
}

/**
 * A preParsing hook: request bodies sent with Content-Encoding gzip, deflate or br (RudderStack's Node SDK
 * gzips every batch) are decoded before parsing, within the route's body limit; any other encoding is a 415.
 */
export const decompressRequestBody: preParsingAsyncHookHandler = async (req, _reply, payload) => {
  const encoding = encodingOf(req);
  if (encoding === undefined) return payload;
  const decoder = DECODERS[encoding];
  if (!decoder) {
    const shown = JSON.stringify(encoding.slice(0, 40));
    throw new ApiError(
      415,
      'unsupported_encoding',
      `Content-Encoding ${shown} is not supported; send ${REQUEST_ENCODINGS.join(', ')} or no encoding`,
      'content-encoding',
    );
  }
  return decodeLimited(payload, decoder(), req.routeOptions.bodyLimit, encoding);
};
