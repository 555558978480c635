import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { addressEntryProblem } from '../util/address-list.js';
import { MIN_MEMORY_LIMIT, defaultMemoryLimit, parseByteSize } from '../util/memory-limit.js';
import { withoutPassword } from '../util/url-password.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Proxy addresses: a list (file), a comma-separated string (environment), or false/empty for none. `true`
// (trust everyone) is refused: it would let any client forge its address through X-Forwarded-For.
const addressList = z
  .union([z.literal(false), z.string(), z.array(z.string())])
  .transform((v) =>
    (v === false || v === 'false' ? [] : typeof v === 'string' ? v.split(',') : v)
      .map((e) => e.trim())
      .filter(Boolean),
  )
  .superRefine((list, ctx) => {
    for (const entry of list) {
      const problem = addressEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  });

/** Every setting, where it can come from, and what a valid value is. */
const FIELDS = {
  port: {
    env: 'PORT',
    schema: z.coerce.number().int().min(1).max(65535),
    default: 8787,
    hint: 'an integer from 1 to 65535',
  },
  host: {
    env: 'HOST',
    schema: z.string().min(1),
    default: '0.0.0.0',
    hint: 'a host name or IP address',
  },
  dataDir: {
    env: 'CLOSEDLOOP_DATA_DIR',
    schema: z.string().min(1),
    default: './.closedloop',
    hint: 'a directory path',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: z.enum(LOG_LEVELS),
    default: 'info',
    hint: `one of ${LOG_LEVELS.join(', ')}`,
  },
  ingestRateLimit: {
    env: 'CLOSEDLOOP_INGEST_RATE_LIMIT',
    schema: z.coerce.number().int().min(0),
    default: 1000,
    hint: 'requests per second per write key, a whole number (0 turns the limit off)',
  },
  geoipDatabase: {
    env: 'CLOSEDLOOP_GEOIP_DB',
    schema: z.string().min(1).optional(),
    default: undefined,
    hint: 'the path of a MaxMind-format .mmdb file',
  },
  truncateIps: {
    env: 'CLOSEDLOOP_TRUNCATE_IPS',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1'),
    default: true,
    hint: 'true or false',
  },
  redactParams: {
    env: 'CLOSEDLOOP_REDACT_PARAMS',
    schema: z
      .union([
        z.array(z.string()),
        z.string().transform((v) =>
          v
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(z.string().regex(/^(?!utm_)[A-Za-z0-9_.\-[\]]{1,64}$/i)).max(100)),
    default: [] as string[],
    hint: 'parameter names to redact in every stored URL besides the built-in list (docs/redaction.md): a list, or names separated by commas (letters, digits, _ . - [ ], not utm_*)',
  },
  trustProxy: {
    env: 'CLOSEDLOOP_TRUST_PROXY',
    schema: addressList,
    default: [],
    hint: 'a list of proxy addresses or CIDR ranges (comma-separated in the environment), or false',
  },
  requestTimeout: {
    env: 'CLOSEDLOOP_REQUEST_TIMEOUT',
    schema: z.coerce.number().positive().max(3600),
    default: 30,
    hint: 'seconds (more than 0, at most 3600) to receive a whole request',
  },
  headersTimeout: {
    env: 'CLOSEDLOOP_HEADERS_TIMEOUT',
    schema: z.coerce.number().positive().max(3600),
    default: 10,
    hint: 'seconds (more than 0, at most 3600) to receive the request headers',
  },
  keepAliveTimeout: {
    env: 'CLOSEDLOOP_KEEP_ALIVE_TIMEOUT',
    schema: z.coerce.number().positive().max(3600),
    default: 72,
    hint: 'seconds (more than 0, at most 3600) an idle keep-alive connection stays open',
  },
  maxConnectionsPerIp: {
    env: 'CLOSEDLOOP_MAX_CONNECTIONS_PER_IP',
    schema: z.coerce.number().int().min(0),
    default: 128,
    hint: 'open connections per client address, a whole number (0 turns the cap off)',
  },
  trackerPath: {
    env: 'CLOSEDLOOP_TRACKER_PATH',
    schema: z.string().regex(/^\/[A-Za-z0-9._~\-/]*\.js$/),
    default: '/cl.js',
    hint: 'a URL path starting with / and ending in .js',
  },
  // the server's URL as vendors call it (behind a proxy, not the Host header): HubSpot signs the full
  // URI of each webhook delivery, so its receiver rebuilds the URI from this when set
  publicUrl: {
    env: 'CLOSEDLOOP_PUBLIC_URL',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    default: undefined,
    hint: 'the http:// or https:// URL vendors call this server at, e.g. https://crm.example.com',
  },
  // the engine's memory cap (bytes); its threads and spill directory follow from it (store/open.ts)
  memoryLimit: {
    env: 'CLOSEDLOOP_MEMORY_LIMIT',
    schema: z
      .union([z.string(), z.number()])
      .transform((v) => parseByteSize(v) ?? Number.NaN)
      .pipe(z.number().min(MIN_MEMORY_LIMIT)),
    default: defaultMemoryLimit(),
    hint: 'a size such as 2GB, 1.5GiB or 512MB, at least 256MB',
  },
  // where the control plane lives (workspaces, keys, settings, leases): PostgreSQL for several processes;
  // unset, the DuckDB file under dataDir. Shown in errors without its password.
  control: {
    env: 'CLOSEDLOOP_CONTROL',
    schema: z
      .string()
      .refine((v) => /^postgres(ql)?:\/\/[^/]/i.test(v) && URL.canParse(v))
      .optional(),
    default: undefined,
    hint: 'a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db (unset: the DuckDB file in the data directory)',
    secret: true,
  },
  // where the data plane lives (facts, derived rows): the DuckDB file under dataDir, a ClickHouse server,
  // or ClickHouse embedded (chdb). Only its form is checked here; store/store-url.ts reads the rest when
  // the store opens (and says what is wrong). Shown in errors without its password.
  store: {
    env: 'CLOSEDLOOP_STORE',
    schema: z
      .string()
      .refine((v) => /^\s*(duckdb\s*$|clickhouses?:\/\/[^/]|chdb:\/\/\/.)/i.test(v))
      .optional(),
    default: undefined,
    hint: 'duckdb (the default), clickhouse://user:password@host:8123/database, clickhouses://... (TLS) or chdb:///absolute/path',
    secret: true,
  },
  // `serve` syncs each connector that has API credentials this often (src/server/sync-schedule.ts); off
  // under the test runner (NODE_TEST_CONTEXT) unless set, so a test's server pulls from no vendor by itself
  syncIntervalHours: {
    env: 'CLOSEDLOOP_SYNC_INTERVAL_HOURS',
    schema: z.coerce.number().min(0).max(8760),
    default: process.env.NODE_TEST_CONTEXT ? 0 : 24,
    hint: "hours between a connector's scheduled syncs, at most 8760 (0 turns the schedule off)",
  },
  // the SMTP server that sends password-reset links and invitations; unset, the server sends no mail
  // (the CLI prints reset tokens, invitations answer with their link). Shown in errors without its password.
  smtpUrl: {
    env: 'CLOSEDLOOP_SMTP_URL',
    schema: z
      .string()
      .refine((v) => /^smtps?:\/\/[^/]/i.test(v) && URL.canParse(v))
      .optional(),
    default: undefined,
    hint: 'an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.com:465 (unset: no mail is sent)',
    secret: true,
  },
  // the sender of that mail
  mailFrom: {
    env: 'CLOSEDLOOP_MAIL_FROM',
    schema: z.string().min(3).max(320),
    default: 'Closedloop <closedloop@localhost>',
    hint: 'a sender such as Closedloop <noreply@example.com>',
  },
} as const;

export type Config = { [K in keyof typeof FIELDS]: z.infer<(typeof FIELDS)[K]['schema']> };
export type ConfigOverrides = Partial<Record<keyof Config, unknown>>;

/** Bad configuration: one line per bad value, each naming where it came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export const CONFIG_FILE = 'closedloop.config.json';

/**
 * Resolves the configuration: defaults < closedloop.config.json < environment < command-line flags.
 * Throws ConfigError listing every bad value (not just the first).
 */
export function loadConfig(
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; overrides?: ConfigOverrides } = {},
): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const problems: string[] = [];
  const filePath = resolve(cwd, env.CLOSEDLOOP_CONFIG ?? CONFIG_FILE);
  let file: Record<string, unknown> = {};
  if (existsSync(filePath)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`${filePath}: must be a JSON object`);
      } else {
        file = parsed as Record<string, unknown>;
        for (const key of Object.keys(file)) {
          if (!(key in FIELDS))
            problems.push(
              `${filePath}: ${key}: unknown setting (known: ${Object.keys(FIELDS).join(', ')})`,
            );
        }
      }
    } catch (err) {
      problems.push(`${filePath}: not valid JSON (${(err as Error).message})`);
    }
  } else if (env.CLOSEDLOOP_CONFIG) {
    problems.push(`CLOSEDLOOP_CONFIG: file not found: ${filePath}`);
  }

  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(FIELDS) as [
    keyof Config,
    (typeof FIELDS)[keyof Config],
  ][]) {
    let value: unknown = f.default;
    let from = 'default';
    if (file[key] !== undefined) {
      value = file[key];
      from = `${CONFIG_FILE} ${key}`;
    }
    if (env[f.env] !== undefined && env[f.env] !== '') {
      value = env[f.env];
      from = f.env;
    }
    if (opts.overrides?.[key] !== undefined) {
      value = opts.overrides[key];
      from = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    }
    const r = f.schema.safeParse(value);
    if (r.success) out[key] = r.data;
    else {
      const detail = r.error.issues.find((i) => i.code === 'custom')?.message; // which entry of a list is wrong
      // a URL that may carry a password is shown without it
      const shown = 'secret' in f && typeof value === 'string' ? withoutPassword(value) : value;
      problems.push(
        `${from}: must be ${f.hint} (got ${JSON.stringify(shown)})${detail && !('secret' in f) ? `: ${detail}` : ''}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}
