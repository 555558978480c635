// PostgreSQL for tests: the server this machine and CI run (127.0.0.1:5432, trust auth, database
// `test`), and a schema of the test's own (`ctl_<random>`, dropped after), so tests never see each
// other's rows. An unreachable server fails the test: CI has one, so a skip would hide a broken run.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withoutPassword } from '../util/url-password.js';

/** The test server (CLOSEDLOOP_TEST_POSTGRES chooses another). */
export const TEST_POSTGRES_URL =
  process.env.CLOSEDLOOP_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL with its search_path set to `schema` (libpq `options`), as a deployment would write it. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A client on the test server, or an error saying plainly that the tests need one. */
export async function connectTestPostgres(): Promise<Client> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    const e = err as Error & { errors?: Error[] };
    throw new Error(
      `PostgreSQL is not reachable at ${withoutPassword(TEST_POSTGRES_URL)} ` +
        `(${e.message || e.errors?.[0]?.message || String(err)}): the control-plane tests need it, ` +
        'as CI and this machine run one (127.0.0.1:5432, trust auth, database test); ' +
        'start it, or set CLOSEDLOOP_TEST_POSTGRES to another server',
      { cause: err },
    );
  }
  return client;
}

export interface TestSchema {
  /** The schema's name, `ctl_<random>`. */
  schema: string;
  /** A URL whose connections work in that schema. */
  url: string;
  /** A client on the server (the test's own look at the tables, behind the store's back). */
  admin: Client;
  /** Drops the schema with everything in it and closes the client. */
  drop(): Promise<void>;
}

/** A fresh, empty schema on the test server. */
export async function createTestSchema(prefix = 'ctl'): Promise<TestSchema> {
  const admin = await connectTestPostgres();
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    url: urlWithSchema(TEST_POSTGRES_URL, schema),
    admin,
    async drop() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
