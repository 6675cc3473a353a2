import type { Prospect } from '../prospects/prospect';
import { fieldKey } from '../prospects/fields';

/** A prospect's value for a merge field; names match regardless of case or separators. */
export function lookupField(prospect: Prospect, name: string): string | undefined {
  if (name in prospect.fields) return prospect.fields[name];
  const key = fieldKey(name);
  for (const [field, value] of Object.entries(prospect.fields)) {
    if (fieldKey(field) === key) return value;
  }
  return undefined;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
