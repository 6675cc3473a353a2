import { USER_READ_SCOPES, hasAny, type HandlerContext } from './context';
import { GraphFailure, ODATA_JSON, badRequest, insufficientPrivileges, notEmulated } from './errors';
import type { InternalResponse } from './types';

/** The default property set of `GET /me` (user-get.md Example 2). */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** GET /me: the signed-in user, honouring `$select`. Needs User.Read (or a higher user permission). */
export function getMe(ctx: HandlerContext): InternalResponse {
  if (!hasAny(ctx.claims, USER_READ_SCOPES)) throw insufficientPrivileges();
  const u = ctx.mailbox.user;
  const record: Record<string, unknown> = {
    businessPhones: u.businessPhones ?? [],
    displayName: u.displayName,
    givenName: u.givenName ?? null,
    jobTitle: u.jobTitle ?? null,
    mail: u.mail,
    mobilePhone: u.mobilePhone ?? null,
    officeLocation: u.officeLocation ?? null,
    preferredLanguage: u.preferredLanguage ?? null,
    surname: u.surname ?? null,
    userPrincipalName: u.userPrincipalName,
    id: u.oid,
  };
  const raw = ctx.req.query.get('$select');
  let names: string[] = [...USER_DEFAULT_PROPERTIES];
  if (raw !== null) {
    names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0)
      throw badRequest(
        "The query specified in the URI is not valid. '$select' is empty.",
        'Request_BadRequest',
      );
    const canonical = new Map(USER_DEFAULT_PROPERTIES.map((n) => [n.toLowerCase(), n]));
    names = names.map((n) => {
      const c = canonical.get(n.toLowerCase());
      // user has many more properties in the CSDL; the emulator models the default set only.
      if (!c) throw notEmulated(`the user property '${n}'`);
      return c;
    });
    if (!names.includes('id')) names.push('id');
  }
  const expand = ctx.req.query.get('$expand');
  if (expand !== null) {
    // query-parameters.md: "you cannot use $expand on the user/photo relationship".
    if (/^\s*photo\s*$/i.test(expand)) {
      throw new GraphFailure(
        400,
        'ExpandNotSupported',
        "Expand is not allowed for property 'Photo' according to the entity schema.",
      );
    }
    throw notEmulated('$expand on /me');
  }
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.req.base}/$metadata#users${raw !== null ? `(${names.join(',')})` : ''}/$entity`,
  };
  for (const n of names) body[n] = record[n];
  return { status: 200, headers: { 'Content-Type': ODATA_JSON }, body };
}
