import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { writeKeyFrom, type WriteKeyCache } from '../../collect/write-keys.js';
import { access } from '../access.js';
import { ApiError } from '../errors.js';

// The settings the browser SDKs fetch before they send anything. Answering them here lets a site point
// an SDK at this host with its usual option (analytics.js `cdnURL`, RudderStack `configUrl`) and nothing
// else: no request goes to the vendor's CDN or control plane.

const SettingsParams = z.object({ writeKey: z.string().min(1).max(200) });
const SourceConfigQuery = z.object({ writeKey: z.string().min(1).max(200).optional() });

async function workspaceFor(keys: WriteKeyCache, writeKey: string | undefined) {
  if (!writeKey) throw new ApiError(401, 'unauthorized', 'a write key is required (Basic auth user name, or ?writeKey=)', 'writeKey');
  const ws = await keys.resolve(writeKey);
  if (!ws) throw new ApiError(404, 'not_found', 'unknown write key', 'writeKey');
  return ws;
}

/** This host as the browser reached it (behind a trusted proxy: as the proxy says). */
function thisHost(req: FastifyRequest): { host: string; protocol: string } {
  return { host: req.host, protocol: req.protocol };
}

/**
 * analytics.js (`@segment/analytics-next`): its project settings, as its CDN would serve them at
 * `{cdnURL}/v1/projects/{writeKey}/settings`: only the Segment.io destination, pointed back at this host.
 */
export function segmentSettings(writeKey: string, req: FastifyRequest) {
  const { host, protocol } = thisHost(req);
  return {
    integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${host}/v1`, protocol, unbundledIntegrations: [], addBundledMetadata: true, maybeBundledConfigIds: {} } },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 }, // no SDK metrics
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

/**
 * RudderStack's JavaScript SDK (`@rudderstack/analytics-js`): its source configuration, as its control
 * plane would serve it at `{configUrl}/sourceConfig/`: no device-mode destinations, no error or metrics
 * reporting. Fixed ids: the response names no workspace.
 */
export function rudderSourceConfig(writeKey: string) {
  return {
    isHosted: false,
    source: {
      id: 'closedloop',
      name: 'Closedloop',
      writeKey,
      workspaceId: 'closedloop',
      enabled: true,
      config: { statsCollection: { errors: { enabled: false }, metrics: { enabled: false } } },
      destinations: [],
    },
  };
}

export function sdkSettingsRoutes(scope: FastifyInstance, keys: WriteKeyCache): void {
  scope.get('/v1/projects/:writeKey/settings', { config: access.writeKey() }, async (req, reply) => {
    const params = SettingsParams.safeParse(req.params);
    if (!params.success) throw new ApiError(400, 'invalid_input', 'a write key is required in the path', 'writeKey');
    await workspaceFor(keys, params.data.writeKey);
    return reply.header('Cache-Control', 'private, max-age=300').send(segmentSettings(params.data.writeKey, req));
  });
  for (const path of ['/sourceConfig', '/sourceConfig/']) {
    scope.get(path, { config: access.writeKey() }, async (req, reply) => {
      const query = SourceConfigQuery.safeParse(req.query);
      if (!query.success) throw new ApiError(400, 'invalid_input', 'writeKey must be one string', 'writeKey');
      const writeKey = writeKeyFrom(req.headers.authorization, undefined) ?? query.data.writeKey;
      await workspaceFor(keys, writeKey);
      return reply.header('Cache-Control', 'private, max-age=300').send(rudderSourceConfig(writeKey!));
    });
  }
}
