// Funnel stages and the CRM stage mapping (GET/PUT /api/funnel, docs/crm.md): the milestones in funnel
// order, and per CRM the workspace's own mapping settings (JSON; every field optional, the CRM's stock
// mapping, shown beside, fills the rest). Saving re-derives CRM milestones and credits; an admin's.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { Status } from '../../components/status';
import type { SectionProps } from '../settings';
import { atLeast } from './roles';
import { messageOf, useLoaded } from './use-loaded';

interface FunnelReply {
  funnel: { milestones: string[]; crm: Record<string, unknown> };
  defaults: { milestones: string[] };
  stock: Record<string, unknown>;
}

interface Form {
  milestones: string;
  crm: string;
}

const formOf = (f: FunnelReply['funnel']): Form => ({
  milestones: f.milestones.join(', '),
  crm: JSON.stringify(f.crm, null, 2),
});

export function FunnelSettings({ workspace, role }: SectionProps) {
  const [loaded, reload] = useLoaded<FunnelReply>('/api/funnel', { workspace });
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const canSave = atLeast(role, 'admin');
  useEffect(() => {
    if (loaded.state === 'ok') setForm(formOf(loaded.data.funnel));
  }, [loaded]);
  if (loaded.state !== 'ok' || form === null) return <Status of={loaded} />;
  const dirty = JSON.stringify(formOf(loaded.data.funnel)) !== JSON.stringify(form);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    let crm: unknown;
    try {
      crm = JSON.parse(form.crm);
    } catch {
      setError('The CRM mapping is not valid JSON.');
      return;
    }
    setBusy(true);
    try {
      await api('/api/funnel', {
        method: 'PUT',
        body: {
          milestones: form.milestones
            .split(',')
            .map((m) => m.trim())
            .filter((m) => m !== ''),
          crm,
        },
        query: { workspace },
      });
      setSaved(true);
      reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const ro = !canSave;
  return (
    <section class="funnel-settings" aria-labelledby="funnel-h">
      <h2 id="funnel-h">Funnel stages and CRM mapping</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label class="block">
          <span>Milestones, in funnel order (comma separated; “lead” among them)</span>
          <input
            class="milestones"
            value={form.milestones}
            disabled={ro}
            onInput={(e) => {
              setSaved(false);
              setForm({ ...form, milestones: (e.target as HTMLInputElement).value });
            }}
          />
        </label>
        <label class="block">
          <span>
            This workspace’s CRM mapping (JSON, per CRM; the stock mapping fills the rest)
          </span>
          <textarea
            class="crm-mapping"
            rows={6}
            value={form.crm}
            disabled={ro}
            onInput={(e) => {
              setSaved(false);
              setForm({ ...form, crm: (e.target as HTMLTextAreaElement).value });
            }}
          />
        </label>
        {canSave ? (
          <div class="form-actions">
            <button type="submit" class="primary" disabled={!dirty || busy}>
              Save funnel
            </button>
          </div>
        ) : (
          <p class="note">Changing the funnel is an admin’s.</p>
        )}
      </form>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p class="saved" role="status">
          Saved; CRM milestones and credits were re-derived.
        </p>
      )}
      <details class="stock">
        <summary>Each CRM’s stock mapping</summary>
        <pre>{JSON.stringify(loaded.data.stock, null, 2)}</pre>
      </details>
    </section>
  );
}
