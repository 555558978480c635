import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildTracker } from '../../collect/tracker-bundle.js';
import { access } from '../access.js';

/** Serves the browser snippet at the configured path (so it can sit on the site's own domain behind a proxy). */
export async function trackerRoute(app: FastifyInstance, path: string): Promise<void> {
  const { code } = await buildTracker();
  const plain = Buffer.from(code);
  const gzipped = gzipSync(plain, { level: 9 });
  app.get(path, { config: access.anyone(), schema: { summary: 'The browser snippet' } }, async (req, reply) => {
    reply
      .header('Content-Type', 'application/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .header('Access-Control-Allow-Origin', '*')
      .header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('Content-Encoding', 'gzip').send(gzipped);
    }
    return reply.send(plain);
  });
}
