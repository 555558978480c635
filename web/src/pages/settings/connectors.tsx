// Connectors (GET /api/connectors): each with its last sync (when, status, rows, errors) and a "Sync
// now" button (POST /api/connectors/:name/sync). Connectors hold accounts and credentials: reading them
// too is an admin's, so other roles are told so and nothing is asked.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { Status } from '../../components/status';
import { count } from '../../format';
import type { SectionProps } from '../settings';
import { atLeast } from './roles';
import { messageOf, useLoaded } from './use-loaded';

interface Connector {
  name: string;
  webhookPath: string | null;
  lastSync: {
    at: string;
    status: 'ok' | 'failed' | 'running';
    rows: number;
    errors: number;
    message?: string | null;
  } | null;
  updatedAt: string;
}

const when = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function Connectors({ workspace, role }: SectionProps) {
  const admin = atLeast(role, 'admin');
  const [loaded, reload] = useLoaded<{ connectors: Connector[] }>(
    admin ? '/api/connectors' : null,
    { workspace },
  );
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!admin)
    return (
      <section aria-labelledby="conn-h">
        <h2 id="conn-h">Connectors</h2>
        <p class="note">Connectors hold accounts and credentials: only an admin sees them.</p>
      </section>
    );
  const sync = async (name: string) => {
    setBusy(name);
    setNote(null);
    try {
      await api(`/api/connectors/${encodeURIComponent(name)}/sync`, {
        method: 'POST',
        query: { workspace },
      });
      setNote({ error: false, text: `${name}: sync started.` });
      reload();
    } catch (e) {
      setNote({ error: true, text: `${name}: ${messageOf(e)}` });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="connectors" aria-labelledby="conn-h">
      <h2 id="conn-h">Connectors</h2>
      <Status of={loaded} />
      {loaded.state === 'ok' &&
        (loaded.data.connectors.length === 0 ? (
          <p class="empty-row">
            No connector is set up yet (the CLI or PUT /api/connectors/:name sets one).
          </p>
        ) : (
          <div class="table-box">
            <table class="report connectors-table">
              <caption>Connectors and their last sync</caption>
              <thead>
                <tr>
                  <th scope="col">Connector</th>
                  <th scope="col">Last sync</th>
                  <th scope="col">Status</th>
                  <th scope="col">Rows</th>
                  <th scope="col">Errors</th>
                  <th scope="col">Message</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.connectors.map((c) => (
                  <tr key={c.name} data-connector={c.name}>
                    <td>{c.name}</td>
                    <td>{c.lastSync ? when(c.lastSync.at) : 'never'}</td>
                    <td data-col="status" data-value={c.lastSync?.status ?? ''}>
                      {c.lastSync?.status ?? '—'}
                    </td>
                    <td>{count(c.lastSync?.rows)}</td>
                    <td>{count(c.lastSync?.errors)}</td>
                    <td class="message">{c.lastSync?.message ?? ''}</td>
                    <td>
                      <button
                        type="button"
                        disabled={busy !== null || c.lastSync?.status === 'running'}
                        onClick={() => void sync(c.name)}
                        aria-label={`Sync ${c.name} now`}
                      >
                        Sync now
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {note && (
        <p class={note.error ? 'error' : 'saved'} role={note.error ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
    </section>
  );
}
