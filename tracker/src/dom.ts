// Browser globals used many times, aliased once so the minifier gives them one-letter names
// (the snippet's size is budgeted, see docs/tracker.md "Size": bytes count throughout this folder).
export const doc = document;
export const loc = location;

/** Runs `fn`, swallowing anything it throws: the snippet never throws into the host page. */
export const safe =
  <A extends unknown[]>(fn: (...args: A) => unknown) =>
  (...args: A): void => {
    try {
      fn(...args);
    } catch {
      // swallowed on purpose
    }
  };

/** addEventListener on window (capture phase, so page handlers that stop propagation can't hide events). */
export const on = <E extends Event>(type: string, listener: (event: E) => unknown): void =>
  addEventListener(type, safe(listener) as EventListener, 1 as never);

export const now = (): string => new Date().toISOString();
