// The pages, each its own chunk (loaded when first opened). The server answers these paths with the
// app (APP_PAGES in src/server/web.ts names the same list).
import type { ComponentType } from 'preact';
import type { Me } from './api';

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
  load: () => Promise<{ default: ComponentType<PageProps> }>;
}

export const PAGES: Record<string, PageDef> = {
  overview: { title: 'Overview', group: 'Marketing', load: () => import('./pages/overview') },
  channels: { title: 'Channels', group: 'Marketing', load: () => import('./pages/channels') },
  pipeline: { title: 'Pipeline', group: 'Sales', load: () => import('./pages/pipeline') },
  revenue: { title: 'Revenue', group: 'Sales', load: () => import('./pages/revenue') },
  subscriptions: {
    title: 'Subscriptions',
    group: 'Sales',
    load: () => import('./pages/subscriptions'),
  },
};

export const DEFAULT_PAGE = 'overview';
