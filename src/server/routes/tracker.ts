import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadTracker } from '../../collect/tracker-files.js';
import { access } from '../access.js';

interface Served {
  plain: Buffer;
  gzipped: Buffer;
  cache: string;
}

const served = (code: string, cache: string): Served => {
  const plain = Buffer.from(code);
  return { plain, gzipped: gzipSync(plain, { level: 9 }), cache };
};

/**
 * Serves the browser snippet at the configured path (so it can sit on the site's own domain behind a
 * proxy), and its lazy part at the same path with the part's hash as query (`/cl.js?1a2b3c4d`): the
 * hash changes with the content, so that one is cached for good. A hash of another version answers
 * 404 (a cl.js cached from before a restart then goes without its lazy part rather than mixing versions).
 */
export async function trackerRoute(app: FastifyInstance, path: string): Promise<void> {
  const tracker = await loadTracker();
  const core = served(tracker.code, 'public, max-age=3600');
  const lazy = served(tracker.lazy.code, 'public, max-age=31536000, immutable');
  app.get(
    path,
    {
      config: access.anyone(),
      schema: { summary: 'The browser snippet, and its lazy part at ?<hash>' },
    },
    async (req, reply: FastifyReply) => {
      const query = req.url.split('?')[1] ?? '';
      const isLazy = /^[0-9a-f]{8}$/.test(query);
      if (isLazy && query !== tracker.lazy.hash) return reply.code(404).send();
      const script = isLazy ? lazy : core;
      reply
        .header('Content-Type', 'application/javascript; charset=utf-8')
        .header('Cache-Control', script.cache)
        .header('Access-Control-Allow-Origin', '*')
        .header('Vary', 'Accept-Encoding');
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return reply.header('Content-Encoding', 'gzip').send(script.gzipped);
      }
      return reply.send(script.plain);
    },
  );
}
