import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { repoRoot } from '../support/reference';

const doc = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
const source = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The markdown section that starts with `heading` and ends at the next heading of any level. */
function section(heading: string): string {
  const start = doc.indexOf(heading);
  expect(start, `docs/deploy.md has no "${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + heading.length);
  const end = rest.search(/\n#{2,4} /);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/deploy.md stays true to the code', () => {
  it('documents every environment variable the build and the dev server read', () => {
    const vars = new Set(
      [...source('webpack.config.js').matchAll(/env\.(CANDOR_[A-Z_]+)/g)].map((m) => m[1]!),
    );
    expect(vars.size).toBeGreaterThan(5);
    expect([...vars].filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
  });

  it('documents every environment variable the backend reads', () => {
    const config = source('src/server/config.ts');
    const schema = config.slice(
      config.indexOf('const EnvSchema'),
      config.indexOf('\n});', config.indexOf('const EnvSchema')),
    );
    const vars = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(10);
    expect(vars.filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
  });

  it('lists exactly the Graph permissions Candor requests', () => {
    const table = section('### 3.3 The permissions Candor asks for');
    const listed = [...table.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]!);
    expect(listed).toEqual([...GRAPH_SCOPES]);
    const registration = section('## 4. Microsoft Entra app registration');
    for (const scope of GRAPH_SCOPES) expect(registration).toContain(`\`${scope}\``);
  });

  it('registers the brk-multihub redirect after the https ones, origin only', () => {
    const redirects = [
      ...section('## 4. Microsoft Entra app registration').matchAll(/^ {3}\d\. `([^`]+)`/gm),
    ].map((m) => m[1]!);
    expect(redirects).toEqual([
      'https://<host>/taskpane.html',
      'https://<host>/dialog.html',
      'https://<host>/assets/admin-consent.html',
      'brk-multihub://<host>',
    ]);
  });
});
