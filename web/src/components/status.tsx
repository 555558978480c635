// Loading and error states, one look everywhere.
import type { Loaded } from '../use-api';

export function Status(props: { of: Loaded<unknown> }) {
  if (props.of.state === 'loading')
    return (
      <p class="loading" role="status">
        Loading…
      </p>
    );
  if (props.of.state === 'error')
    return (
      <p class="error" role="alert">
        Could not load this: {props.of.message}
      </p>
    );
  return null;
}
