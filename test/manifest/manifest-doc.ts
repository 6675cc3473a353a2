import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { repoRoot } from '../support/reference';

export const manifestPath = join(repoRoot, 'manifest.xml');
export const NS = {
  app: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  vo10: 'http://schemas.microsoft.com/office/mailappversionoverrides',
  vo11: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export function readManifest(path = manifestPath): string {
  return readFileSync(path, 'utf8');
}

/** Parses manifest XML into a namespace-aware DOM (jsdom's XML parser). */
export function parseManifest(xml: string): Document {
  const doc = new JSDOM(xml, { contentType: 'text/xml' }).window.document;
  if (doc.getElementsByTagName('parsererror').length) throw new Error('manifest.xml is not well-formed XML');
  return doc;
}

export function childrenNS(parent: Element | Document, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name));
}

/** The VersionOverrides element of the given namespace (1.0 outer or 1.1 inner). */
export function versionOverrides(doc: Document, ns: string): Element {
  const el = childrenNS(doc, ns, 'VersionOverrides')[0];
  if (!el) throw new Error(`no VersionOverrides in ${ns}`);
  return el;
}

/** Elements of `ns`/`name` that belong to this VersionOverrides and not to a nested one. */
export function ownDescendants(vo: Element, ns: string, name: string): Element[] {
  return childrenNS(vo, ns, name).filter((el) => el.closest('VersionOverrides') === vo);
}

export function xsiType(el: Element): string | null {
  return el.getAttributeNS(NS.xsi, 'type');
}
