// axe-core (the accessibility engine) run inside a page of real Chromium: its script injected into the
// document as it is, every rule it runs by default (WCAG 2.x A and AA, and its best practices), the
// violations returned as plain data naming the rule, its impact and the elements (CSS selectors).
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeViolation {
  rule: string;
  impact: Impact | null;
  help: string;
  /** The elements that fail, as CSS selectors. */
  targets: string[];
}

/** Every violation axe-core finds in the page's document now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const w = window as unknown as { axe: typeof axe };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      rule: v.id,
      impact: (v.impact ?? null) as Impact | null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
}

/** The serious and critical ones: what a page must not have. */
export const blocking = (vs: AxeViolation[]): AxeViolation[] =>
  vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** One line per violation: rule, impact, what it asks, and the elements (the first few). */
export const describeViolations = (vs: AxeViolation[]): string =>
  vs
    .map(
      (v) =>
        `${v.rule} (${v.impact ?? 'no impact'}): ${v.help} at ${v.targets.slice(0, 5).join(', ')}${
          v.targets.length > 5 ? ` and ${v.targets.length - 5} more` : ''
        }`,
    )
    .join('\n');
