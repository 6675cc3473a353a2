/** The merge fields every campaign knows; any other mapped column becomes a custom field. */
export const STANDARD_FIELDS = ['email', 'firstName', 'lastName', 'company', 'title'] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

/** Which column feeds which merge field; `null` = column not used. Index = column index. */
export type ColumnMapping = (string | null)[];

/** A merge-field name: letters and digits in any script, and `_`; it must not start with a digit. */
export const FIELD_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

const SYNONYMS: Record<StandardField, string[]> = {
  email: ['email', 'e-mail', 'emailaddress', 'e-mailaddress', 'mail', 'address', 'courriel', 'correo'],
  firstName: ['firstname', 'first', 'givenname', 'forename', 'vorname', 'prénom', 'prenom', 'nombre'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nachname', 'nom', 'apellido'],
  company: ['company', 'companyname', 'organisation', 'organization', 'employer', 'firma', 'société'],
  title: ['title', 'jobtitle', 'position', 'role', 'headline', 'poste'],
};

/** The key used to compare field names: case and separators do not matter. */
export function fieldKey(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_\-.]+/gu, '');
}

/** Turns a column header into a merge-field name: "Candidate source" → "candidateSource". */
export function fieldNameFromHeader(header: string): string | null {
  const words = header
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0) return null;
  const name = words
    .map((w, i) =>
      i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1),
    )
    .join('');
  return FIELD_NAME.test(name) ? name : `_${name}`;
}

/**
 * A first guess at the mapping: recognised headers go to standard fields, the rest become custom
 * fields named after their header. The recruiter can change any of it.
 */
export function suggestMapping(headers: string[]): ColumnMapping {
  const taken = new Set<string>();
  return headers.map((header) => {
    const key = fieldKey(header);
    const standard = STANDARD_FIELDS.find((f) => SYNONYMS[f].some((s) => fieldKey(s) === key));
    const name = standard ?? fieldNameFromHeader(header);
    if (!name || taken.has(fieldKey(name))) return null;
    taken.add(fieldKey(name));
    return name;
  });
}
