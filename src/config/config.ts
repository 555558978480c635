import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MIN_MEMORY_LIMIT, defaultMemoryLimit, parseByteSize } from '../util/memory-limit.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting, where it can come from, and what a valid value is. */
const FIELDS = {
  port: { env: 'PORT', schema: z.coerce.number().int().min(1).max(65535), default: 8787, hint: 'an integer from 1 to 65535' },
  host: { env: 'HOST', schema: z.string().min(1), default: '0.0.0.0', hint: 'a host name or IP address' },
  dataDir: { env: 'CLOSEDLOOP_DATA_DIR', schema: z.string().min(1), default: './.closedloop', hint: 'a directory path' },
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS), default: 'info', hint: `one of ${LOG_LEVELS.join(', ')}` },
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
    schema: z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1'),
    default: false,
    hint: 'true or false',
  },
  trackerPath: {
    env: 'CLOSEDLOOP_TRACKER_PATH',
    schema: z.string().regex(/^\/[A-Za-z0-9._~\-/]*\.js$/),
    default: '/cl.js',
    hint: 'a URL path starting with / and ending in .js',
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
export function loadConfig(opts: { env?: NodeJS.ProcessEnv; cwd?: string; overrides?: ConfigOverrides } = {}): Config {
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
          if (!(key in FIELDS)) problems.push(`${filePath}: ${key}: unknown setting (known: ${Object.keys(FIELDS).join(', ')})`);
        }
      }
    } catch (err) {
      problems.push(`${filePath}: not valid JSON (${(err as Error).message})`);
    }
  } else if (env.CLOSEDLOOP_CONFIG) {
    problems.push(`CLOSEDLOOP_CONFIG: file not found: ${filePath}`);
  }

  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(FIELDS) as [keyof Config, (typeof FIELDS)[keyof Config]][]) {
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
    else problems.push(`${from}: must be ${f.hint} (got ${JSON.stringify(value)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}
