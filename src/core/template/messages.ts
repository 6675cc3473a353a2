/**
 * What the recruiter reads about merge fields, written once for the checker (before sending) and
 * the renderer (preview and send), so both say the same thing.
 */

/** The template names a field the prospect list has no column for. */
export function unknownFieldMessage(name: string): string {
  return `The template uses {{${name}}}, but your list has no column called ${name}. Check the spelling, or add a fallback: {{${name}|…}}.`;
}

/** A prospect's value for a field is empty and the template gives no fallback. */
export function missingValueMessage(row: number, name: string): string {
  return `Row ${row} has no value for ${name}. Fill it in on the Prospects step, or add a fallback: {{${name}|…}}.`;
}
