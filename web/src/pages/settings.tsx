// Settings: channel rules (edit, reorder, a preview of which sessions move before saving), funnel stages
// and the CRM mapping, attribution defaults, connectors with their sync, API keys and members, and the
// snippet to paste. One section at a time, named in the URL (`tab`). What a role may not change is shown
// without edit controls (the server refuses it anyway). docs/dashboard.md, "Settings".
import { withQuery } from '../location';
import type { PageProps } from '../routes';
import { AccessSettings } from './settings/access';
import { AttributionSettings } from './settings/attribution';
import { ChannelRules } from './settings/channel-rules';
import { Connectors } from './settings/connectors';
import { FunnelSettings } from './settings/funnel';
import { roleIn, type Role } from './settings/roles';
import { Snippet } from './settings/snippet';

export interface SectionProps {
  workspace: string;
  role: Role;
}

const TABS = [
  { name: 'channels', label: 'Channel rules', Section: ChannelRules },
  { name: 'funnel', label: 'Funnel', Section: FunnelSettings },
  { name: 'attribution', label: 'Attribution', Section: AttributionSettings },
  { name: 'connectors', label: 'Connectors', Section: Connectors },
  { name: 'access', label: 'Keys and members', Section: AccessSettings },
  { name: 'snippet', label: 'Snippet', Section: Snippet },
] as const;

export default function SettingsPage(props: PageProps) {
  const asked = props.query.get('tab');
  const tab = TABS.find((t) => t.name === asked) ?? TABS[0];
  const role = roleIn(props.me, props.workspace);
  const { Section } = tab;
  return (
    <main class="settings">
      <h1>Settings</h1>
      <nav class="tabs" aria-label="Settings sections">
        {TABS.map((t) => (
          <a
            key={t.name}
            href={withQuery({ tab: t.name })}
            aria-current={t.name === tab.name ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      <p class="note" data-role={role}>
        Your role here: <strong>{role}</strong>
        {role === 'viewer' ? ' (read only)' : ''}
      </p>
      <Section key={`${tab.name}:${props.workspace}`} workspace={props.workspace} role={role} />
    </main>
  );
}
