import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, DEV_PUBLIC_URL, productionManifest } from '../../webpack.config.js';
import { DEMO_API_CLIENT_ID } from '../../src/server/config';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import { repoRoot } from '../support/reference';
import {
  NS,
  childrenNS,
  manifestPath,
  ownDescendants,
  parseManifest,
  readManifest,
  versionOverrides,
  xsiType,
} from './manifest-doc';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const xml = readManifest();
const doc = parseManifest(xml);
const vo10 = versionOverrides(doc, NS.vo10);
const vo11 = versionOverrides(doc, NS.vo11);

function text(parent: Element | Document, ns: string, name: string): string[] {
  return childrenNS(parent, ns, name).map((el) => el.textContent?.trim() ?? '');
}

describe('manifest.xml as Office tooling reads it (office-addin-manifest, offline)', () => {
  it('is a mail add-in with a fixed id, for the Mailbox host, asking only for ReadItem', async () => {
    const info = await OfficeAddinManifest.readManifestFile(manifestPath);
    expect(info.officeAppType).toBe('MailApp');
    expect(info.id).toMatch(GUID);
    expect(info.id).toBe('03d18990-ca1f-4a19-8036-402a7652e03b');
    expect(info.id).not.toBe(DEMO_CLIENT_ID);
    expect(info.hosts).toEqual(['Mailbox']);
    expect(info.permissions).toBe('ReadItem');
    expect(info.providerName).toBe('Candor');
    expect(info.displayName).toBe('Candor');
    expect(info.iconUrl).toBe(`${DEV_PUBLIC_URL}/assets/icon-64.png`);
    expect(info.highResolutionIconUrl).toBe(`${DEV_PUBLIC_URL}/assets/icon-128.png`);
  });
});

describe('manifest.xml content', () => {
  it('lists exactly the Graph scopes Candor requests (GRAPH_SCOPES), once each', () => {
    const webApp = ownDescendants(vo11, NS.vo11, 'WebApplicationInfo');
    expect(webApp).toHaveLength(1);
    const scopes = text(webApp[0]!, NS.vo11, 'Scope');
    expect(new Set(scopes).size).toBe(scopes.length);
    expect([...scopes].sort()).toEqual([...GRAPH_SCOPES].sort());
  });

  it("names Candor's API by the demo client id, which the backend's demo mode also uses", () => {
    expect(DEMO_CLIENT_ID).toBe(DEMO_API_CLIENT_ID);
    const webApp = ownDescendants(vo11, NS.vo11, 'WebApplicationInfo')[0]!;
    expect(text(webApp, NS.vo11, 'Id')).toEqual([DEMO_CLIENT_ID]);
    expect(text(webApp, NS.vo11, 'Resource')).toEqual([`api://localhost:3000/${DEMO_CLIENT_ID}`]);
  });

  it('activates on messages being read and composed', () => {
    const rules = childrenNS(doc, NS.app, 'Rule').filter((r) => xsiType(r) === 'ItemIs');
    expect(rules.map((r) => `${r.getAttribute('ItemType')}:${r.getAttribute('FormType')}`).sort()).toEqual([
      'Message:Edit',
      'Message:Read',
    ]);
  });

  it('puts a pinnable "open the pane" button on the read and compose surfaces (1.1), unpinnable in 1.0', () => {
    for (const [vo, ns, pinning] of [
      [vo10, NS.vo10, false],
      [vo11, NS.vo11, true],
    ] as const) {
      const points = ownDescendants(vo, ns, 'ExtensionPoint').map((p) => xsiType(p));
      expect(points).toEqual(['MessageReadCommandSurface', 'MessageComposeCommandSurface']);
      const actions = ownDescendants(vo, ns, 'Action');
      expect(actions.map(xsiType)).toEqual(['ShowTaskpane', 'ShowTaskpane']);
      for (const action of actions) {
        expect(text(action, ns, 'SupportsPinning')).toEqual(pinning ? ['true'] : []);
        const resid = childrenNS(action, ns, 'SourceLocation')[0]!.getAttribute('resid');
        const url = ownDescendants(vo, NS.bt, 'Url').find((u) => u.getAttribute('id') === resid);
        expect(url?.getAttribute('DefaultValue')).toBe(`${DEV_PUBLIC_URL}/taskpane.html`);
      }
    }
  });

  it('defines every resource id it references (the schema does not check this)', () => {
    for (const vo of [vo10, vo11]) {
      const defined = new Set(
        ['Image', 'Url', 'String'].flatMap((kind) =>
          ownDescendants(vo, NS.bt, kind)
            .map((el) => el.getAttribute('id'))
            .filter((id): id is string => id !== null),
        ),
      );
      const referenced = Array.from(vo.querySelectorAll('[resid]'))
        .filter((el) => el.closest('VersionOverrides') === vo)
        .map((el) => el.getAttribute('resid')!);
      expect(referenced.length).toBeGreaterThan(5);
      expect(referenced.filter((id) => !defined.has(id))).toEqual([]);
    }
  });

  it('points every icon at a real PNG in assets/ whose pixel size matches what the manifest declares', () => {
    const declared: Array<[url: string, size: number]> = [
      [doc.getElementsByTagNameNS(NS.app, 'IconUrl')[0]!.getAttribute('DefaultValue')!, 64],
      [doc.getElementsByTagNameNS(NS.app, 'HighResolutionIconUrl')[0]!.getAttribute('DefaultValue')!, 128],
    ];
    for (const vo of [vo10, vo11]) {
      const images = new Map(
        ownDescendants(vo, NS.bt, 'Image')
          .filter((el) => el.hasAttribute('id'))
          .map((el) => [el.getAttribute('id')!, el.getAttribute('DefaultValue')!]),
      );
      for (const use of ownDescendants(vo, NS.bt, 'Image').filter((el) => el.hasAttribute('resid'))) {
        declared.push([images.get(use.getAttribute('resid')!)!, Number(use.getAttribute('size'))]);
      }
    }
    const sizes = new Set<number>();
    for (const [url, size] of declared) {
      expect(url.startsWith(`${DEV_PUBLIC_URL}/assets/`)).toBe(true);
      const png = PNG.sync.read(readFileSync(join(repoRoot, url.slice(DEV_PUBLIC_URL.length + 1))));
      expect([png.width, png.height], url).toEqual([size, size]);
      sizes.add(size);
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([16, 32, 64, 80, 128]);
  });

  it('keeps every URL on the add-in origin except the Microsoft sign-in domain', () => {
    const urls = [...xml.matchAll(/(?:DefaultValue="|<AppDomain>)(https?:\/\/[^"<]+)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((u) => !u.startsWith(`${DEV_PUBLIC_URL}/`))).toEqual([
      'https://login.microsoftonline.com',
    ]);
  });
});

describe('productionManifest (the dist/ copy written by a production build)', () => {
  const clientId = '8a1c7e52-0d5f-4b7a-9e43-2f6b1c0d9e11';

  it('replaces the dev origin and the demo client id, keeps the add-in id, leaves no localhost', () => {
    const prod = productionManifest(xml, { publicUrl: 'https://candor.contoso.com/', clientId });
    expect(prod).not.toMatch(/localhost/);
    expect(prod).not.toContain(DEMO_CLIENT_ID);
    const prodDoc = parseManifest(prod);
    const webApp = prodDoc.getElementsByTagNameNS(NS.vo11, 'WebApplicationInfo')[0]!;
    expect(text(webApp, NS.vo11, 'Id')).toEqual([clientId]);
    expect(text(webApp, NS.vo11, 'Resource')).toEqual([`api://candor.contoso.com/${clientId}`]);
    expect(text(prodDoc, NS.app, 'Id')[0]).toBe('03d18990-ca1f-4a19-8036-402a7652e03b');
    expect(prod).toContain('<SourceLocation DefaultValue="https://candor.contoso.com/taskpane.html"/>');
    expect(prod.match(/https:\/\/candor\.contoso\.com\//g)!.length).toBe(
      xml.match(/https:\/\/localhost:3000\//g)!.length,
    );
  });

  it('uses an explicit Application ID URI when one is configured', () => {
    const prod = productionManifest(xml, {
      publicUrl: 'https://candor.contoso.com',
      clientId,
      appIdUri: 'api://auth.contoso.com/candor/',
    });
    expect(prod).toContain('<Resource>api://auth.contoso.com/candor</Resource>');
  });
});
