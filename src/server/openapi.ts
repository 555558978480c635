// The OpenAPI 3.1 document, generated from the routes' own zod schemas (never written by hand), at
// GET /api/openapi.json, and a browsable reference of it at GET /api/docs (Swagger UI, served from the
// package's own files: nothing is fetched from elsewhere). Each operation says who may call it, from the
// route's access declaration; the reference is public, as the document is (it holds no secret).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { access, declareContextAccess, defaultRole, type Access } from './access.js';

const SECURITY: Record<string, Record<string, string[]>[]> = {
  secret: [{ secretKey: [] }, { sessionCookie: [] }, { adminToken: [] }],
  admin: [{ adminToken: [] }],
  user: [{ sessionCookie: [] }],
  instance: [{ adminToken: [] }, { sessionCookie: [] }],
  'write-key': [{ writeKey: [] }],
  anyone: [],
  // the vendor's signature over the raw body, checked by the route (routes/hooks.ts)
  signature: [{ webhookSignature: [] }],
};

/** Registers the generator; call before any route so that every route is seen. */
export async function openApi(app: FastifyInstance): Promise<void> {
  const version = process.env.npm_package_version ?? '0.1.0';
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Closedloop API',
        version,
        description: 'Closed-loop marketing attribution: ingestion, people, channels, attribution.',
      },
      components: {
        securitySchemes: {
          secretKey: {
            type: 'http',
            scheme: 'bearer',
            description: "A workspace's secret API key (sk_...)",
          },
          writeKey: {
            type: 'http',
            scheme: 'basic',
            description:
              "A workspace's public write key as the Basic auth user name (or writeKey in the body)",
          },
          webhookSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-HubSpot-Signature-v3',
            description:
              "A vendor's webhook credential checked with the workspace's stored webhook secret: X-HubSpot-Signature-v3 (HubSpot), Stripe-Signature (Stripe), Basic auth (Pipedrive), ?token= or Bearer (Salesforce)",
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'cl_session',
            description:
              'A signed-in session (POST /api/auth/login); names its workspace with ?workspace=ID, and sends the X-CSRF-Token header on writes (docs/access.md)',
          },
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              "The local admin token in the data directory's server.json (adm_...); on workspace routes, with the X-Closedloop-Workspace header",
          },
        },
      },
    },
    transform: (doc) => {
      const out = jsonSchemaTransform(doc);
      const declared: Access | undefined = doc.route.config?.access;
      if (!declared) return out;
      // the least role a session or role-scoped key needs, as an extension of the operation
      const method = [doc.route.method].flat()[0] ?? 'GET';
      const role =
        declared.who === 'secret'
          ? (declared.role ?? defaultRole(method))
          : declared.who === 'instance'
            ? declared.role
            : undefined;
      return {
        ...out,
        schema: {
          ...out.schema,
          security: SECURITY[declared.who],
          ...(role ? { 'x-closedloop-role': role } : {}),
        },
      };
    },
  });
  app.get(
    '/api/openapi.json',
    { config: access.anyone(), schema: { summary: 'This document' } },
    async () => app.swagger(),
  );
  // the reference's pages, scripts and its copy of the document: public, declared for the whole context
  await app.register(async (docs) => {
    declareContextAccess(docs, access.anyone().access);
    // the library hides its routes from the document; every route of ours is in it, these too
    docs.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: false, summary: DOCS_SUMMARY(route.url) };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: DOCS_PATH,
      uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
      // the pages name only our own origin (the bundle's inline styles and initializer aside)
      staticCSP: true,
    });
  });
}

/** Where the browsable API reference is served. */
export const DOCS_PATH = '/api/docs';

const DOCS_SUMMARY = (url: string) =>
  url === DOCS_PATH
    ? 'This document, browsable (Swagger UI)'
    : url.endsWith('/json') || url.endsWith('/yaml')
      ? `This document, as the reference reads it (${url.slice(url.lastIndexOf('/') + 1)})`
      : "The reference's own files";
