// Attribution defaults (GET/PUT /api/attribution/settings): the model reports use when they name none,
// the conversion milestone, the lookback window, the time-decay half-life, the value of a subscription
// customer and the channels left out of paths. Saving re-credits; an admin's. Others see the values.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { Status } from '../../components/status';
import { MODELS } from '../../models';
import type { SectionProps } from '../settings';
import { atLeast } from './roles';
import { messageOf, useLoaded } from './use-loaded';

export interface AttributionValues {
  conversion: string;
  lookbackDays: number;
  halfLifeDays: number;
  customerValue: 'first_year' | 'lifetime';
  excludeChannels: string[];
  reportModel?: string;
  [other: string]: unknown;
}

interface Reply {
  settings: AttributionValues;
  defaults: AttributionValues;
}

interface Form {
  reportModel: string;
  conversion: string;
  lookbackDays: string;
  halfLifeDays: string;
  customerValue: string;
  excludeChannels: string;
}

const formOf = (s: AttributionValues): Form => ({
  reportModel: s.reportModel ?? '',
  conversion: s.conversion,
  lookbackDays: String(s.lookbackDays),
  halfLifeDays: String(s.halfLifeDays),
  customerValue: s.customerValue,
  excludeChannels: s.excludeChannels.join(', '),
});

/** The settings with the form's values over the stored ones (fields the form does not show kept). */
function settingsOf(stored: AttributionValues, f: Form): Record<string, unknown> {
  const { reportModel: _omit, ...rest } = stored;
  return {
    ...rest,
    ...(f.reportModel ? { reportModel: f.reportModel } : {}),
    conversion: f.conversion.trim(),
    lookbackDays: Number(f.lookbackDays),
    halfLifeDays: Number(f.halfLifeDays),
    customerValue: f.customerValue,
    excludeChannels: f.excludeChannels
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
  };
}

export function AttributionSettings({ workspace, role }: SectionProps) {
  const [loaded, reload] = useLoaded<Reply>('/api/attribution/settings', { workspace });
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const canSave = atLeast(role, 'admin');
  useEffect(() => {
    if (loaded.state === 'ok') setForm(formOf(loaded.data.settings));
  }, [loaded]);
  if (loaded.state !== 'ok' || form === null) return <Status of={loaded} />;
  const stored = loaded.data.settings;
  const models = MODELS.some((m) => m.name === stored.reportModel)
    ? MODELS
    : stored.reportModel
      ? [...MODELS, { name: stored.reportModel, label: stored.reportModel, assumes: '' }]
      : MODELS;
  const set = (k: keyof Form) => (e: Event) => {
    setSaved(false);
    setForm({ ...form, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  };
  const dirty = JSON.stringify(formOf(stored)) !== JSON.stringify(form);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/attribution/settings', {
        method: 'PUT',
        body: settingsOf(stored, form),
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
    <section class="attribution-settings" aria-labelledby="attr-h">
      <h2 id="attr-h">Attribution defaults</h2>
      <form class="settings-form" onSubmit={(e) => void submit(e)}>
        <label>
          <span>Report model</span>
          <select value={form.reportModel} disabled={ro} onChange={set('reportModel')}>
            <option value="">Default (linear)</option>
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Conversion milestone</span>
          <input value={form.conversion} disabled={ro} onInput={set('conversion')} />
        </label>
        <label>
          <span>Lookback (days)</span>
          <input
            type="number"
            min={1}
            max={730}
            value={form.lookbackDays}
            disabled={ro}
            onInput={set('lookbackDays')}
          />
        </label>
        <label>
          <span>Time-decay half-life (days)</span>
          <input
            type="number"
            min={0.1}
            max={365}
            step="any"
            value={form.halfLifeDays}
            disabled={ro}
            onInput={set('halfLifeDays')}
          />
        </label>
        <label>
          <span>Subscription customer’s value</span>
          <select value={form.customerValue} disabled={ro} onChange={set('customerValue')}>
            <option value="first_year">First year</option>
            <option value="lifetime">Lifetime so far</option>
          </select>
        </label>
        <label>
          <span>Channels left out of paths (comma separated)</span>
          <input value={form.excludeChannels} disabled={ro} onInput={set('excludeChannels')} />
        </label>
        {canSave ? (
          <div class="form-actions">
            <button type="submit" class="primary" disabled={!dirty || busy}>
              Save attribution settings
            </button>
          </div>
        ) : (
          <p class="note">Changing these is an admin’s.</p>
        )}
      </form>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p class="saved" role="status">
          Saved; credits were re-derived.
        </p>
      )}
    </section>
  );
}
