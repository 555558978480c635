import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, workspaceOf } from '../access.js';

// The settings the browser SDKs fetch before they send anything. Answering them here lets a site point
// an SDK at this host with its usual option (analytics.js `cdnURL`, RudderStack `configUrl`) and nothing
// else: no request goes to the vendor's CDN or control plane.

const SettingsParams = z.object({ writeKey: z.string().min(1).max(200) });
const SourceConfigQuery = z.object({ writeKey: z.string().min(1).max(200).optional() });

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
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost: `${host}/v1`,
        protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
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

export function sdkSettingsRoutes(fastify: FastifyInstance): void {
  const scope = fastify.withTypeProvider<ZodTypeProvider>();
  // an unknown key is an unknown resource here, as the vendors' CDNs answer (the access hook resolves it)
  const config = access.writeKey({ unknown: 'not_found' });
  scope.get(
    '/v1/projects/:writeKey/settings',
    { config, schema: { summary: "analytics.js's project settings", params: SettingsParams } },
    async (req, reply) =>
      reply
        .header('Cache-Control', 'private, max-age=300')
        .send(segmentSettings(workspaceOf(req).writeKey, req)),
  );
  for (const path of ['/sourceConfig', '/sourceConfig/']) {
    scope.get(
      path,
      {
        config,
        schema: { summary: "RudderStack's source configuration", querystring: SourceConfigQuery },
      },
      async (req, reply) =>
        reply
          .header('Cache-Control', 'private, max-age=300')
          .send(rudderSourceConfig(workspaceOf(req).writeKey)),
    );
  }
}
