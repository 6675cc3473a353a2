/**
 * A deliberately practical address check: one `@`, a non-empty local part without spaces or angle
 * brackets, and a domain with a dot and sane labels. Unicode is allowed on both sides (EAI/IDN);
 * what Exchange still refuses comes back as a per-recipient rejection.
 */
const LOCAL = /^[^\s@<>()[\]\\,;:"]+$/u;
const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

export function isValidEmail(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at !== address.indexOf('@')) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (
    local.length > 64 ||
    !LOCAL.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  )
    return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  const tld = labels[labels.length - 1] ?? '';
  return !/^\d+$/.test(tld);
}

/** The form used to compare addresses: trimmed, NFC, lower case. */
export function normalizeEmail(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}
