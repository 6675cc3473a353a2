import { normalizeEmail } from './email';

/** The team's do-not-contact list: whole addresses and whole domains (`@example.com`). */
export interface DoNotContact {
  blocks(address: string): boolean;
}

export function doNotContactList(entries: Iterable<string>): DoNotContact {
  const addresses = new Set<string>();
  const domains = new Set<string>();
  for (const raw of entries) {
    const entry = normalizeEmail(raw);
    if (!entry) continue;
    if (entry.startsWith('@')) domains.add(entry.slice(1));
    else addresses.add(entry);
  }
  return {
    blocks(address) {
      const normalized = normalizeEmail(address);
      const domain = normalized.slice(normalized.lastIndexOf('@') + 1);
      return addresses.has(normalized) || domains.has(domain);
    },
  };
}
