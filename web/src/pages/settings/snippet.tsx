// The snippet to paste (GET /api/tracker/snippet): the workspace's write key (public: it is in every
// page that sends events) and the tracker's script tag for the site's <head>. docs/tracker.md.
import { useState } from 'preact/hooks';
import { Status } from '../../components/status';
import type { SectionProps } from '../settings';
import { useLoaded } from './use-loaded';

interface Snippet {
  writeKey: string;
  src: string;
  html: string;
}

export function Snippet({ workspace }: SectionProps) {
  const [loaded] = useLoaded<Snippet>('/api/tracker/snippet', { workspace });
  const [copied, setCopied] = useState(false);
  if (loaded.state !== 'ok') return <Status of={loaded} />;
  const s = loaded.data;
  const copy = () =>
    void navigator.clipboard
      ?.writeText(s.html)
      .then(() => setCopied(true))
      .catch(() => setCopied(false));
  return (
    <section class="snippet" aria-labelledby="snippet-h">
      <h2 id="snippet-h">The snippet to paste</h2>
      <p>
        Put this tag in the <code>&lt;head&gt;</code> of every page of the site. The Realtime page
        shows the visits arriving once it is in.
      </p>
      <label class="block">
        <span>Script tag</span>
        <textarea class="snippet-html" readOnly rows={2} value={s.html} />
      </label>
      <div class="form-actions">
        <button type="button" class="copy" onClick={copy}>
          Copy the tag
        </button>
        {copied && <span role="status">Copied.</span>}
      </div>
      <label class="block">
        <span>Write key</span>
        <input class="write-key" readOnly value={s.writeKey} />
      </label>
      <p class="note">
        The write key only sends events (it is public, in every page). Server-side SDKs send to{' '}
        <code>{new URL(s.src).origin}/v1/batch</code> with it as the user of Basic auth.
      </p>
    </section>
  );
}
