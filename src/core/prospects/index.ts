export { parseProspectTable, type ProspectTable, type TableProblem } from './table';
export {
  STANDARD_FIELDS,
  type StandardField,
  type ColumnMapping,
  FIELD_NAME,
  fieldKey,
  fieldNameFromHeader,
  suggestMapping,
} from './fields';
export { isValidEmail, normalizeEmail } from './email';
export { looksLikeFormula, neutraliseForCsv } from './formula';
export { doNotContactList, type DoNotContact } from './do-not-contact';
export type { Prospect, RowProblem, RowProblemKind } from './prospect';
export { validateProspects, type ValidationOptions, type ValidatedProspects } from './validate';
