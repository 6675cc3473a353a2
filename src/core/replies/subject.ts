/**
 * Subjects as mail clients rewrite them: "RE: AW: [EXT] Role at Acme" is an answer to "Role at Acme".
 * `subjectKey` strips every reply/forward prefix (many languages, nested, numbered, bracketed tags)
 * and folds case and spacing, so two subjects compare equal when only the client's decorations differ.
 */

/**
 * Reply and forward markers, as Outlook, Gmail, Apple Mail, Thunderbird and localised Exchange
 * write them: English, German, Nordic, Dutch, French, Italian, Spanish/Portuguese, Polish, Czech,
 * Hungarian, Turkish, Greek, Russian, Chinese, Japanese, Korean. Each is only a prefix when a
 * colon follows, so "Re-org plans" or "R&D" keep their first word.
 */
const MARKERS = [
  're',
  'aw',
  'sv',
  'vs',
  'antw',
  'antwort',
  'réf',
  'ref',
  'rif',
  'r',
  'ris',
  'rv',
  'res',
  'odp',
  'odg',
  'vá',
  'ynt',
  'απ',
  'σχετ',
  'ответ',
  'на',
  '回复',
  '答复',
  '回覆',
  '答覆',
  '返信',
  '답장',
  'fw',
  'fwd',
  'wg',
  'tr',
  'fs',
  'doorst',
  'enc',
  'i',

  'továbbítás',
  'προώθ',
  'пересл',
  '转发',
  '轉寄',
  '転送',
  '전달',
];

const escaped = MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
/** A marker, optionally numbered ("RE[2]", "Re(3)", "RE^2"), then an ASCII or full-width colon. */
const PREFIX = new RegExp(`^(?:${escaped})(?:\\s*[[(]\\d+[\\])]|\\^\\d+)?\\s*[:：]\\s*`, 'iu');
/** A tag a mail gateway or a list adds in front: "[EXT]", "[External]", "(EXTERNAL)", "*EXTERNAL*". */
const TAG =
  /^(?:\[[^\]]{1,40}\]|\((?:ext|external|extern|externe|esterno|externo)\)|\*{1,2}external\*{1,2})\s*/iu;

/** Removes leading reply/forward prefixes and gateway tags, however deeply nested. */
export function stripReplyPrefixes(subject: string): string {
  let s = subject.normalize('NFC').replace(/\s+/gu, ' ').trim();
  for (;;) {
    const next = s.replace(PREFIX, '').replace(TAG, '');
    if (next === s) return s;
    s = next.trim();
  }
}

/** The comparison form of a subject: prefixes and tags stripped, spacing collapsed, case folded. */
export function subjectKey(subject: string): string {
  return stripReplyPrefixes(subject).toLocaleLowerCase('en');
}

/**
 * Removes one leading automatic-message prefix of the given list (e.g. "Automatic reply:",
 * "Undeliverable:") and returns the rest, or null when the subject does not start with one.
 */
export function afterPrefix(subject: string, prefixes: readonly string[]): string | null {
  const s = stripTags(subject.normalize('NFC').replace(/\s+/gu, ' ').trim());
  const lower = s.toLocaleLowerCase('en');
  for (const p of prefixes) {
    const head = p.toLocaleLowerCase('en');
    if (!lower.startsWith(head)) continue;
    const rest = s.slice(head.length);
    const colon = /^\s*[:：]\s*/u.exec(rest);
    if (colon) return rest.slice(colon[0].length);
    // A prefix written without a colon (e.g. "Delivery Status Notification (Failure)") is the whole subject.
    if (rest.trim() === '') return '';
  }
  return null;
}

function stripTags(s: string): string {
  let out = s;
  for (;;) {
    const next = out.replace(TAG, '');
    if (next === out) return out;
    out = next;
  }
}
