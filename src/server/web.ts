// The dashboard (web/, built by Vite into dist/web): served by this server at `/`, so there is no second
// server to run (docs/dashboard.md). Files go out through @fastify/static's sendFile (content types,
// ETags, ranges, no path escapes); the routes are our own so each declares its access, and so the app
// answers only at its own paths: /api, /v1, /hooks, /collect, the snippet and the health checks are
// matched before a parametric route and an unknown path stays the API's JSON 404.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { access } from './access.js';

/** dist/web of the package, from src/server (tests under tsx) and from dist/server (the build) alike. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The app's own top-level paths (web/src/routes.ts names the same pages): each answers with index.html
 * and the app draws the page. The rest of a view's state is in the query string, so no deeper paths.
 */
export const APP_PAGES = new Set([
  'login',
  'reset-password',
  'overview',
  'channels',
  'model-comparison',
  'journeys',
  'person',
  'pipeline',
  'revenue',
  'funnel',
  'lead-quality',
  'sales-cycle',
  'subscriptions',
  'realtime',
  'health',
  'goals',
  'settings',
  'attribution',
]);

// what `npm start` shows before the dashboard is built (tests that never build get it too)
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Closedloop</title></head>
<body><h1>Closedloop</h1><p>The dashboard is not built. Run <code>npm run build</code> (or
<code>npm start</code>, which builds first), then reload. The API is up: <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

const Page = z.object({ page: z.string().max(100) });
const Asset = z.object({ '*': z.string().max(1000) });

export async function webRoutes(
  app: FastifyInstance,
  dir: string = DEFAULT_WEB_DIR,
): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  // serve: false: only reply.sendFile; the routes below are declared here with their access
  if (built) await app.register(fastifyStatic, { root: dir, serve: false });
  const index = (reply: FastifyReply) => {
    if (!built) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    // the page names hashed assets: it must be asked for again after each deploy
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  };
  const anyone = access.anyone();
  app.get('/', { config: anyone, schema: { summary: 'The dashboard' } }, (_req, reply) =>
    index(reply),
  );
  app.get(
    '/:page',
    { config: anyone, schema: { summary: 'A dashboard page', params: Page } },
    (req, reply) => {
      const { page } = Page.parse(req.params);
      return APP_PAGES.has(page) ? index(reply) : reply.callNotFound();
    },
  );
  app.get(
    '/assets/*',
    { config: anyone, schema: { summary: "The dashboard's scripts and styles" } },
    (req, reply) => {
      if (!built) return reply.callNotFound();
      const { '*': file } = Asset.parse(req.params);
      // file names carry their content hash (Vite): a year, never revalidated
      return reply.sendFile(file, join(dir, 'assets'), { maxAge: '365d', immutable: true });
    },
  );
}
