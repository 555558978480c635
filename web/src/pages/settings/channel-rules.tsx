// Channel rules: the workspace's rules in the order they are tried (GET /api/channels/rules), edited,
// added, deleted and reordered in the page; a preview of the change (POST /api/channels/rules/preview:
// which sessions would move from which channel to which, with landing URLs) before it is saved (PUT
// /api/channels/rules, which re-derives history). An analyst may edit and preview, saving is an admin's;
// a viewer sees the rules only.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { Status } from '../../components/status';
import { count } from '../../format';
import type { SectionProps } from '../settings';
import { atLeast } from './roles';
import { messageOf, useLoaded } from './use-loaded';

interface Rule {
  id: string;
  channel: string;
  platform?: string;
  description?: string;
  when: unknown;
}

interface RulesReply {
  /** The workspace's own rules file, null for the GA4 defaults. */
  custom: unknown;
  rules: Rule[];
}

export interface RulesPreview {
  sessions: number;
  totalSessions: number;
  sampled: boolean;
  moved: number;
  moves: { from: string; to: string; sessions: number; examples: string[] }[];
  examples: { from: string; to: string; landingUrl: string }[];
}

interface Draft {
  key: number;
  id: string;
  channel: string;
  platform: string;
  description: string;
  /** The condition as JSON text (edited as text). */
  when: string;
}

let nextKey = 1;
const toDraft = (r: Rule): Draft => ({
  key: nextKey++,
  id: r.id,
  channel: r.channel,
  platform: r.platform ?? '',
  description: r.description ?? '',
  when: JSON.stringify(r.when),
});

const NEW_CONDITION = '{"field":"source","op":"equals","value":"example.com"}';

/** The rules file the drafts make (the workspace's own lists kept), or the first problem. */
function configOf(
  drafts: readonly Draft[],
  custom: unknown,
): { config: unknown; error: null } | { config: null; error: string } {
  const rules: Rule[] = [];
  for (const [i, d] of drafts.entries()) {
    let when: unknown;
    try {
      when = JSON.parse(d.when);
    } catch {
      return { config: null, error: `Rule ${i + 1} (${d.id}): the condition is not valid JSON` };
    }
    rules.push({
      id: d.id,
      channel: d.channel,
      ...(d.platform ? { platform: d.platform } : {}),
      ...(d.description ? { description: d.description } : {}),
      when,
    });
  }
  const lists =
    custom && typeof custom === 'object' && 'lists' in custom
      ? (custom as { lists?: unknown }).lists
      : undefined;
  return { config: { ...(lists ? { lists } : {}), rules }, error: null };
}

const validJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

export function ChannelRules({ workspace, role }: SectionProps) {
  const [loaded, reload] = useLoaded<RulesReply>('/api/channels/rules', { workspace });
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [preview, setPreview] = useState<{ config: string; data: RulesPreview } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const canEdit = atLeast(role, 'analyst');
  const canSave = atLeast(role, 'admin');

  useEffect(() => {
    if (loaded.state === 'ok') setDrafts(loaded.data.rules.map(toDraft));
  }, [loaded]);
  // keyboard moves keep the focus on the rule moved
  useEffect(() => {
    if (focus === null) return;
    const el = document.querySelector<HTMLElement>(focus);
    el?.focus();
    setFocus(null);
  }, [focus]);

  if (loaded.state !== 'ok' || drafts === null) return <Status of={loaded} />;
  const custom = loaded.data.custom;
  const original = JSON.stringify(configOf(loaded.data.rules.map(toDraft), custom).config);
  const made = configOf(drafts, custom);
  const current = made.error === null ? JSON.stringify(made.config) : null;
  const dirty = current !== original;
  const previewed = preview !== null && current !== null && preview.config === current;

  const change = (key: number, field: keyof Omit<Draft, 'key'>, value: string) => {
    setSaved(null);
    setDrafts(drafts.map((d) => (d.key === key ? { ...d, [field]: value } : d)));
  };
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= drafts.length) return;
    const next = drafts.slice();
    [next[i], next[j]] = [next[j]!, next[i]!];
    setSaved(null);
    setDrafts(next);
    const key = drafts[i]!.key;
    // the same button if the rule can move on that way, else the other one
    const atEnd = by < 0 ? j === 0 : j === drafts.length - 1;
    setFocus(`li[data-key="${key}"] button.${by < 0 !== atEnd ? 'up' : 'down'}`);
  };
  const remove = (i: number) => {
    setSaved(null);
    setDrafts(drafts.filter((_, k) => k !== i));
    const near = drafts[i + 1] ?? drafts[i - 1];
    setFocus(near ? `li[data-key="${near.key}"] input.rule-id` : 'button.add-rule');
  };
  const add = () => {
    const n = drafts.length + 1;
    const d: Draft = {
      key: nextKey++,
      id: `rule-${n}`,
      channel: 'New channel',
      platform: '',
      description: '',
      when: NEW_CONDITION,
    };
    setSaved(null);
    setDrafts([...drafts, d]);
    setFocus(`li[data-key="${d.key}"] input.rule-id`);
  };
  const runPreview = async () => {
    if (made.error !== null || current === null) return;
    setBusy(true);
    setError(null);
    try {
      const data = await api<RulesPreview>('/api/channels/rules/preview', {
        method: 'POST',
        body: made.config,
        query: { workspace },
      });
      setPreview({ config: current, data });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!previewed) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ moved: number }>('/api/channels/rules', {
        method: 'PUT',
        body: made.config,
        query: { workspace },
      });
      setSaved(r.moved);
      setPreview(null);
      reload();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="channel-rules" aria-labelledby="rules-h">
      <h2 id="rules-h">Channel rules</h2>
      <p class="note">
        Tried top to bottom; the first rule whose condition holds gives a session its channel.{' '}
        {custom === null
          ? 'These are the GA4 default channel group.'
          : 'The workspace’s own rules.'}
      </p>
      {!canEdit ? (
        <div class="table-box">
          <table class="report rules-read">
            <caption>Rules, in the order they are tried</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Rule</th>
                <th scope="col">Channel</th>
                <th scope="col">Condition</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d, i) => (
                <tr key={d.key} data-rule={d.id}>
                  <td>{i + 1}</td>
                  <td>{d.id}</td>
                  <td>{d.channel}</td>
                  <td>
                    <code>{d.when}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <>
          <ol class="rules">
            {drafts.map((d, i) => (
              <li key={d.key} data-key={d.key} data-rule={d.id} class="rule">
                <span class="pos" aria-hidden="true">
                  {i + 1}
                </span>
                <label>
                  <span>Rule id</span>
                  <input
                    class="rule-id"
                    aria-label={`Id of rule ${i + 1}`}
                    value={d.id}
                    onInput={(e) => change(d.key, 'id', (e.target as HTMLInputElement).value)}
                  />
                </label>
                <label>
                  <span>Channel</span>
                  <input
                    class="rule-channel"
                    aria-label={`Channel of rule ${i + 1}`}
                    value={d.channel}
                    onInput={(e) => change(d.key, 'channel', (e.target as HTMLInputElement).value)}
                  />
                </label>
                <label class="when">
                  <span>Condition (JSON)</span>
                  <textarea
                    class="rule-when"
                    aria-label={`Condition of rule ${i + 1}`}
                    aria-invalid={validJson(d.when) ? undefined : 'true'}
                    rows={2}
                    value={d.when}
                    onInput={(e) => change(d.key, 'when', (e.target as HTMLTextAreaElement).value)}
                  />
                </label>
                <span class="rule-actions">
                  <button
                    type="button"
                    class="up"
                    aria-label={`Move rule ${d.id} up`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="down"
                    aria-label={`Move rule ${d.id} down`}
                    disabled={i === drafts.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="delete"
                    aria-label={`Delete rule ${d.id}`}
                    onClick={() => remove(i)}
                  >
                    Delete
                  </button>
                </span>
              </li>
            ))}
          </ol>
          <div class="form-actions">
            <button type="button" class="add-rule" onClick={add}>
              Add rule
            </button>
            <button
              type="button"
              class="primary"
              disabled={!dirty || made.error !== null || busy}
              onClick={() => void runPreview()}
            >
              Preview changes
            </button>
            {canSave && (
              <button
                type="button"
                class="primary"
                disabled={!dirty || !previewed || busy}
                onClick={() => void save()}
              >
                Save rules
              </button>
            )}
            <button
              type="button"
              disabled={!dirty || busy}
              onClick={() => {
                setDrafts(loaded.data.rules.map(toDraft));
                setPreview(null);
                setError(null);
              }}
            >
              Discard changes
            </button>
          </div>
          {!canSave && <p class="note">Saving channel rules is an admin’s; you can preview.</p>}
          {made.error !== null && (
            <p class="error" role="alert">
              {made.error}
            </p>
          )}
          {error !== null && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {saved !== null && (
            <p class="saved" role="status">
              Saved: {count(saved)} sessions changed channel.
            </p>
          )}
          {dirty && !previewed && made.error === null && (
            <p class="note">Preview the change to see which sessions move before saving.</p>
          )}
          {previewed && <PreviewTable preview={preview.data} />}
        </>
      )}
    </section>
  );
}

function PreviewTable({ preview }: { preview: RulesPreview }) {
  const box = useRef<HTMLElement>(null);
  // the answer to the button just pressed, in view below the long list of rules
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [preview]);
  return (
    <section
      ref={box}
      class="rules-preview"
      aria-labelledby="preview-h"
      aria-live="polite"
      data-moved={preview.moved}
    >
      <h3 id="preview-h">Preview</h3>
      <p>
        {count(preview.moved)} of {count(preview.sessions)} sessions would change channel
        {preview.sampled
          ? ` (a sample: the ${count(preview.sessions)} sessions of the largest groups, of ${count(preview.totalSessions)})`
          : ''}
        .
      </p>
      {preview.moves.length === 0 ? (
        <p class="empty-row">No session would change channel.</p>
      ) : (
        <div class="table-box">
          <table class="report preview-moves">
            <caption>Sessions that would move</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Sessions</th>
                <th scope="col">Example landing URLs</th>
              </tr>
            </thead>
            <tbody>
              {preview.moves.map((m) => (
                <tr key={`${m.from}>${m.to}`} data-from={m.from} data-to={m.to}>
                  <td>{m.from}</td>
                  <td>{m.to}</td>
                  <td data-col="sessions" data-value={m.sessions}>
                    {count(m.sessions)}
                  </td>
                  <td class="examples">
                    {m.examples.map((u) => (
                      <code key={u}>{u}</code>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
