import axe from 'axe-core';

/**
 * axe's serious and critical violations on the whole document. Colour contrast, the page title and
 * <html lang> belong to the real page (src/taskpane/index.html in Chromium) and are checked in the
 * end-to-end tests; jsdom can neither compute contrast nor load that HTML. Frames are skipped: the
 * only one is the campaign preview, which holds the recruiter's email, not Candor's UI.
 */
export async function seriousViolations(): Promise<string[]> {
  const result = await axe.run(document, {
    resultTypes: ['violations'],
    iframes: false,
    rules: {
      'color-contrast': { enabled: false },
      'document-title': { enabled: false },
      'html-has-lang': { enabled: false },
    },
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
