// The pages, each its own chunk (loaded when first opened). The server answers these paths with the
// app (APP_PAGES in src/server/web.ts names the same list).
import type { ComponentType } from 'preact';
import type { Me } from './api';
import type { Control } from './components/report-controls';

export interface PageProps {
  me: Me;
  /** The workspace the page shows (from `?workspace=`, else the user's first). */
  workspace: string;
  query: URLSearchParams;
}

/** Where a page sits in the side navigation. */
export type PageGroup = 'Marketing' | 'Sales' | 'Operations';
export const GROUPS: PageGroup[] = ['Marketing', 'Sales', 'Operations'];

export interface PageDef {
  title: string;
  group: PageGroup;
  /** The shared report controls the page's API takes. */
  controls?: Control[];
  /** False for a page the date range does not apply to (settings, the live view). */
  range?: boolean;
  load: () => Promise<{ default: ComponentType<PageProps> }>;
  /** False for a page reached only through links (a person's timeline): left out of the navigation. */
  nav?: boolean;
}

export const PAGES: Record<string, PageDef> = {
  overview: {
    title: 'Overview',
    group: 'Marketing',
    controls: ['compare', 'currency'],
    load: () => import('./pages/overview'),
  },
  channels: {
    title: 'Channels',
    group: 'Marketing',
    controls: ['model', 'currency'],
    load: () => import('./pages/channels'),
  },
  funnel: {
    title: 'Funnel',
    group: 'Sales',
    controls: ['compare'],
    load: () => import('./pages/funnel'),
  },
  'lead-quality': {
    title: 'Lead quality',
    group: 'Sales',
    controls: ['compare'],
    load: () => import('./pages/lead-quality'),
  },
  'sales-cycle': {
    title: 'Sales cycle',
    group: 'Sales',
    controls: ['compare'],
    load: () => import('./pages/sales-cycle'),
  },
  'model-comparison': {
    title: 'Model comparison',
    group: 'Marketing',
    load: () => import('./pages/model-comparison'),
  },
  journeys: { title: 'Journeys', group: 'Marketing', load: () => import('./pages/journeys') },
  attribution: {
    title: 'Attribution',
    group: 'Marketing',
    controls: ['model', 'milestone', 'lookback', 'currency'],
    load: () => import('./pages/attribution'),
  },
  person: {
    title: 'Person',
    group: 'Marketing',
    load: () => import('./pages/person'),
    nav: false,
  },
  realtime: {
    title: 'Realtime',
    group: 'Operations',
    range: false,
    load: () => import('./pages/realtime'),
  },
  health: {
    title: 'Health',
    group: 'Operations',
    controls: ['currency'],
    load: () => import('./pages/health'),
  },
  goals: { title: 'Goals', group: 'Operations', load: () => import('./pages/goals') },
  settings: {
    title: 'Settings',
    group: 'Operations',
    range: false,
    load: () => import('./pages/settings'),
  },
  pipeline: {
    title: 'Pipeline',
    group: 'Sales',
    controls: ['currency'],
    load: () => import('./pages/pipeline'),
  },
  // Pipeline (as of a day) and Subscriptions (months) take no comparison period: their APIs refuse
  // `compare`, so the control is not shown there.
  revenue: {
    title: 'Revenue',
    group: 'Sales',
    controls: ['compare', 'currency'],
    load: () => import('./pages/revenue'),
  },
  subscriptions: {
    title: 'Subscriptions',
    group: 'Sales',
    controls: ['currency'],
    load: () => import('./pages/subscriptions'),
  },
};

export const DEFAULT_PAGE = 'overview';
