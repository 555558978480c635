// Lint: typescript-eslint's recommended rules over the TypeScript sources (type checking is `tsc`),
// and the house's layers: each folder of src/ may import only the layers below it (docs/architecture.md),
// so an arrow that runs back up fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// src/<folder> → the folders of src/ it may import (besides itself). Tests may import anything.
const LAYERS = {
  util: [],
  rules: ['util'],
  attribution: ['util', 'rules'],
  sim: ['util', 'rules'],
  store: ['util', 'rules'],
  config: ['util'],
  // MRR and its movements: pure functions over subscription histories (docs/revenue.md)
  revenue: ['util'],
  // one folder per vendor: payload schemas, mapping to our inputs, API clients (no store, no server)
  sources: ['util', 'rules', 'revenue', 'config'],
  workspaces: ['util', 'rules', 'store'],
  collect: ['util', 'rules', 'store', 'config', 'derive'],
  // the funnel composes the CRM connectors' mappings, and CRM facts are their change records
  derive: [
    'util',
    'rules',
    'store',
    'config',
    'attribution',
    'sim',
    'collect',
    'workspaces',
    'sources',
    'revenue',
  ],
  reports: ['util', 'rules', 'store', 'config', 'attribution', 'derive', 'workspaces'],
  // a workspace's connectors: settings (secrets sealed), webhook receipts, their mapping (docs/crm.md)
  connectors: ['util', 'rules', 'store', 'config', 'sources', 'revenue', 'workspaces'],
  // mail the server sends (reset links) through a configured SMTP server
  mail: [],
};
// the interfaces: the server over every layer below, the CLI over those and the server (for `serve`)
LAYERS.server = [
  ...LAYERS.reports,
  'sim',
  'collect',
  'reports',
  'revenue',
  'sources',
  'connectors',
  'mail',
];
LAYERS.cli = [...LAYERS.server, 'server'];
const FOLDERS = [...Object.keys(LAYERS), 'test-helpers'];
const TESTS = [
  'src/**/*.test.ts',
  'src/test-helpers/**',
  'tracker/src/**/*.test.ts',
  'tracker/src/test-helpers/**',
];

// engine packages and engine SQL stay in the store's engine folders (a second engine must not need to edit
// anything else); tests, test helpers and bench baselines may reach an engine directly
const ENGINE_PACKAGES = {
  group: ['@duckdb/*', 'chdb', '@clickhouse/*', 'pg', 'postgres'],
  message: 'engine packages are imported only under src/store/engines/',
};
// an engine's whole public surface is its engines/<engine>/<engine>-store.ts (opened by store/open.ts);
// the rest of the folder is its own, and nothing outside src/store/ reaches an engine at all
const ENGINE_ENTRY = {
  regex: '(^|/)engines/([^/]+)/(?!\\2-store\\.js$)',
  message:
    'an engine is entered only through engines/<engine>/<engine>-store.ts (docs/architecture.md)',
};
const ENGINES_HIDDEN = {
  regex: '(^|/)store/engines/',
  message: 'only src/store/ opens an engine (src/store/open.ts); use the Store interface',
};
const ENGINE_SQL =
  /\b(SELECT|INSERT INTO|CREATE (TABLE|INDEX|VIEW)|DELETE FROM|read_ndjson|read_csv)\b/;

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => {
  const forbidden = FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
  return {
    files: [`src/${folder}/**/*.ts`],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `src/${folder} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'nothing of ours outside itself'} (layers: docs/architecture.md)`,
            },
            ...(folder === 'store' ? [ENGINE_ENTRY] : [ENGINE_PACKAGES, ENGINES_HIDDEN]),
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results.*', '.closedloop/', '.prof/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...layerRules,
  {
    // engine SQL only in the engine folders
    files: ['src/**/*.ts'],
    ignores: ['src/store/engines/**', ...TESTS],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${ENGINE_SQL}]`,
          message: 'SQL lives only under src/store/engines/',
        },
        {
          selector: `TemplateElement[value.raw=${ENGINE_SQL}]`,
          message: 'SQL lives only under src/store/engines/',
        },
      ],
    },
  },
  {
    // the snippet is golfed to fit its gzip budget: destructuring that reassigns some names saves bytes
    files: ['tracker/src/**/*.ts'],
    rules: { 'prefer-const': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
