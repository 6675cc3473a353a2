/** axe-core for the end-to-end tests, run inside the real page in headless Chromium. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core in the page on the real rendering (colour contrast included): serious and critical only.
 * Evaluated through the DevTools protocol, because the page's CSP rightly refuses inline scripts.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Judge the settled page: mid-animation (a dialog fading in) colours are not what users read.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    // Fluent's focus guards (tabster's <i data-tabster-dummy aria-hidden tabindex=0>, e.g. around a
    // TabList) hand focus on at once; the tabster maintainers call aria-hidden-focus on them a false
    // positive (microsoft/tabster#288) and Accessibility Insights suppresses it. Only those are dropped.
    const realNodes = (v: (typeof result.violations)[number]) =>
      v.id === 'aria-hidden-focus' ? v.nodes.filter((n) => !n.html.includes('data-tabster-dummy')) : v.nodes;
    return result.violations
      .filter((v) => (v.impact === 'serious' || v.impact === 'critical') && realNodes(v).length > 0)
      .map(
        (v) =>
          `${v.id}: ${realNodes(v)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      );
  });
}
