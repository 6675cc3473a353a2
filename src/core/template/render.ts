import type { MailAddress, OutgoingMail } from '../mail';
import type { Prospect } from '../prospects/prospect';
import type { CompiledTemplate, Segment } from './compile';
import { missingValueMessage, unknownFieldMessage } from './messages';
import { findSubjectControlCharacter, SUBJECT_CONTROL } from './subject';
import { escapeHtml, lookupField } from './values';

export interface RenderOptions {
  /** The open pixel's URL for this one send, or null when tracking is off for this prospect. */
  pixelUrl: string | null;
}

export interface RenderedMail {
  subject: string;
  html: string;
  /** Where the pixel tag sits in `html` (for the preview to point at), or null when there is none. */
  pixel: { url: string; start: number; end: number } | null;
}

export class RenderError extends Error {
  override name = 'RenderError';
}

/**
 * Renders one prospect's mail. The preview and the send engine both call this, so the preview is
 * exactly what is sent. Prospect values are HTML-escaped in the body; fallbacks are the template's
 * own HTML. Throws RenderError for what checkProspects would have flagged.
 */
export function renderMail(
  template: CompiledTemplate,
  prospect: Prospect,
  options: RenderOptions,
): RenderedMail {
  const subject = join(template.subject, prospect, (v) => v).trim();
  const bad = findSubjectControlCharacter(subject);
  if (bad) throw new RenderError(`Row ${prospect.row}: the subject would contain ${bad.description}.`);
  let html = join(template.html, prospect, escapeHtml);
  if (options.pixelUrl === null) return { subject, html, pixel: null };
  const tag = pixelTag(options.pixelUrl);
  // Last thing in the body: mail clients that stop at the first screen still render the text first.
  const close = html.toLowerCase().lastIndexOf('</body>');
  const at = close < 0 ? html.length : close;
  html = html.slice(0, at) + tag + html.slice(at);
  return { subject, html, pixel: { url: options.pixelUrl, start: at, end: at + tag.length } };
}

function join(segments: Segment[], prospect: Prospect, escape: (v: string) => string): string {
  let out = '';
  for (const s of segments) {
    if (s.kind === 'text') {
      out += s.text;
      continue;
    }
    const value = lookupField(prospect, s.name);
    if (value !== undefined && value !== '') out += escape(value);
    else if (s.fallback !== null) out += s.fallback;
    else
      throw new RenderError(
        value === undefined ? unknownFieldMessage(s.name) : missingValueMessage(prospect.row, s.name),
      );
  }
  return out;
}

/** The 1×1 image tag. Only http(s) URLs; the URL is attribute-escaped. */
export function pixelTag(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RenderError('The open-tracking pixel URL is not a URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RenderError('The open-tracking pixel URL must be http(s).');
  }
  return `<img src="${escapeHtml(parsed.href)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
}

/** The display name for the To line: first and last name when known, without control characters. */
export function recipientAddress(prospect: Prospect): MailAddress {
  const name = [lookupField(prospect, 'firstName'), lookupField(prospect, 'lastName')]
    .filter((v): v is string => !!v)
    .join(' ')
    .replace(new RegExp(SUBJECT_CONTROL.source, 'gu'), ' ')
    .trim();
  return name ? { address: prospect.email, name } : { address: prospect.email };
}

/** The OutgoingMail for one prospect, ready for the send engine (which adds its own headers). */
export function buildOutgoingMail(
  template: CompiledTemplate,
  prospect: Prospect,
  options: RenderOptions,
): OutgoingMail {
  const rendered = renderMail(template, prospect, options);
  return { to: recipientAddress(prospect), subject: rendered.subject, html: rendered.html };
}
