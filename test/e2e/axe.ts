/** axe-core for the end-to-end tests, run inside the real page in headless Chromium. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Fluent's focus guards: tabster's `<i data-tabster-dummy aria-hidden tabindex=0>` at both ends of
 * an arrow-key group (the campaign steps' TabList). They hand focus on the moment they receive it,
 * so no one ever rests on them; axe's aria-hidden-focus sees a focusable aria-hidden element and
 * reports them, which the tabster maintainers call a false positive (microsoft/tabster#288) and
 * Accessibility Insights suppresses. They are left out of axe's context — only they, for every
 * rule — and test/e2e/layout.e2e.test.ts checks that Tab never stops on one.
 */
export const FOCUS_GUARDS = '[data-tabster-dummy]';

/**
 * axe-core in the page on the real rendering (colour contrast included): serious and critical only.
 * Evaluated through the DevTools protocol, because the page's CSP rightly refuses inline scripts.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Judge the settled page: mid-animation (a dialog fading in) colours are not what users read.
  // An animation replaced before it ends (the progress bar moving on) rejects `finished`: it has settled.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  );
  return page.evaluate(async (guards) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run({ exclude: [[guards]] }, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, FOCUS_GUARDS);
}
