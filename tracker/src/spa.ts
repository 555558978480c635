// Single-page-app navigation: History API calls, back/forward and (in "hash" mode) hash routes.
import { spaMode } from './config.js';
import { lastPageUrl, page } from './api.js';
import { loc, on, safe } from './dom.js';

const route = (url: string): string => (spaMode == 'hash' ? url : url.split('#')[0]!);

/** Waits a moment so the app can set the new title, and so a redirect chain counts once. */
const navigated = (): void => {
  setTimeout(safe(() => route(loc.href) != route(lastPageUrl) && page()), 99);
};

export const watchNavigation = (): void => {
  if (spaMode == 'off') return;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History) {
      // eslint-disable-next-line prefer-rest-params
      const result = original.apply(this, arguments as unknown as Parameters<History['pushState']>);
      navigated();
      return result;
    };
  }
  on('popstate', navigated);
  on('hashchange', navigated);
};
