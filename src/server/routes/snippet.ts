import type { FastifyInstance } from 'fastify';
import { access, workspaceOf } from '../access.js';

/** The script tag a site pastes to send its visitors to this workspace (docs/tracker.md). */
export function snippetHtml(src: string, writeKey: string): string {
  return `<script defer src="${src}" data-key="${writeKey}"></script>`;
}

/**
 * The tracker snippet of the workspace: its write key (public: it is in every page that sends events)
 * and the script tag, pointed at this server's tracker path (at `publicUrl` when configured, else the
 * host the request reached).
 */
export function snippetRoutes(
  app: FastifyInstance,
  opts: { trackerPath: string; publicUrl?: string | undefined },
): void {
  app.get(
    '/api/tracker/snippet',
    {
      config: access.secret(),
      schema: { summary: "The workspace's write key and the tracker script tag to paste" },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const origin = opts.publicUrl
        ? opts.publicUrl.replace(/\/+$/, '')
        : `${req.protocol}://${req.host}`;
      const src = `${origin}${opts.trackerPath}`;
      return { writeKey: ws.writeKey, src, html: snippetHtml(src, ws.writeKey) };
    },
  );
}
