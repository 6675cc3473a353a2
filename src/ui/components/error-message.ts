/**
 * Any failure as the recruiter should read it: what happened, in plain words, and what to do next.
 * Errors written for people (Candor's API, sign-in) pass through; the Graph boundary's technical
 * ones ("Graph request failed: network", "Graph answered 503") are translated here, once.
 */
import { GraphError, TokenUnavailableError, TransportError } from '../../graph/graph-error';

const MAIL_SERVICE = 'Outlook’s mail service';

const TRANSPORT: Record<TransportError['kind'], string> = {
  network: `Candor could not reach ${MAIL_SERVICE}. Check your connection, then try again.`,
  timeout: `${MAIL_SERVICE} did not answer in time. Check your connection, then try again.`,
  aborted: 'The request was stopped before it finished. Try again.',
};

/** A technical Graph failure found inside a message string (e.g. one kept in a stop reason). */
const TECHNICAL = /Graph request failed: (network|timeout|aborted)|Graph answered (\d{3})/;

export function describeGraphFailure(status: number, code: string): string {
  if (status === 0) return code === 'timeout' ? TRANSPORT.timeout : TRANSPORT.network;
  if (status === 401 || status === 403)
    return 'Candor no longer has permission to use your mailbox (signed out, or access was withdrawn). Sign out, connect again, then try again.';
  if (status === 429) return `${MAIL_SERVICE} asked Candor to slow down. Wait a minute, then try again.`;
  if (status >= 500) return `${MAIL_SERVICE} is having a problem right now. Try again in a few minutes.`;
  return `${MAIL_SERVICE} refused the request${code ? ` (${code})` : ''}. Try again; if it keeps happening, tell your IT team.`;
}

/** A plain sentence for a technical text, or null when the text is already meant for people. */
export function plainTechnicalText(text: string): string | null {
  const match = TECHNICAL.exec(text);
  if (!match) return null;
  if (match[1]) return TRANSPORT[match[1] as TransportError['kind']];
  return describeGraphFailure(Number(match[2]), '');
}

export function userMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof TransportError) return TRANSPORT[error.kind];
  if (error instanceof GraphError) return describeGraphFailure(error.status, error.code);
  if (error instanceof TokenUnavailableError)
    return 'Candor could not get permission from Microsoft to use your mailbox. Check your connection; if it persists, sign out and connect again.';
  if (!(error instanceof Error) || !error.message) return fallback;
  return plainTechnicalText(error.message) ?? error.message;
}
