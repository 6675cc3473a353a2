export {
  compileTemplate,
  usedFields,
  type MailTemplate,
  type CompiledTemplate,
  type Segment,
  type TemplateProblem,
  type TemplateProblemKind,
} from './compile';
export { checkTemplate, checkProspects, type ProspectTemplateProblem } from './check';
export { findSubjectControlCharacter } from './subject';
export { escapeHtml, lookupField } from './values';
export {
  renderMail,
  buildOutgoingMail,
  recipientAddress,
  pixelTag,
  RenderError,
  type RenderOptions,
  type RenderedMail,
} from './render';
