import type { InternalResponse } from './types';

/** Content type Graph puts on OData payloads (as in the json-batching example). */
export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Graph's `innerError.date`: UTC, second precision, no zone designator (as in the throttling example). */
export function innerErrorDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Graph's ISO 8601 form for DateTimeOffset values: UTC, second precision, `Z`. */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Graph error body: `{ error: { code, message, innerError } }` with a 4xx/5xx status. */
export function graphError(
  status: number,
  code: string,
  message: string,
  ctx: { now: number; requestId: string },
  headers: Record<string, string> = {},
): InternalResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: innerErrorDate(ctx.now),
          'request-id': ctx.requestId,
          'client-request-id': ctx.requestId,
        },
      },
    },
  };
}

/** Thrown inside handlers to answer with a Graph error; the router turns it into a response. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// The error codes and messages below are Graph's, with their sources in docs/emulator.md.
export const accessDenied = () =>
  new GraphFailure(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
export const insufficientPrivileges = () =>
  new GraphFailure(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
export const itemNotFound = () =>
  new GraphFailure(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const invalidFilter = () =>
  new GraphFailure(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
export const inefficientFilter = () =>
  new GraphFailure(
    400,
    'InefficientFilter',
    'The restriction or sort order is too complex for this operation.',
  );
export const unknownProperty = (name: string, type = 'Microsoft.OutlookServices.Message') =>
  new GraphFailure(
    400,
    'RequestBroker--ParseUri',
    `Could not find a property named '${name}' on type '${type}'.`,
  );
export const methodNotAllowed = () =>
  new GraphFailure(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
export const badRequest = (message: string, code = 'BadRequest') => new GraphFailure(400, code, message);
/** What the emulator does not model answers 501, so a gap is never mistaken for Graph's behaviour. */
export const notEmulated = (what: string) =>
  new GraphFailure(501, 'NotImplemented', `The mailbox emulator does not implement ${what}.`);

/** A JSON request body, or the 400 Graph answers when it cannot read one. */
export function parseJsonPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}
