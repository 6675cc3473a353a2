/**
 * The only message properties Candor ever names in a `$select`: header fields, all readable under
 * Mail.ReadBasic. A conformance test checks every name against Graph's published schema.
 */
export const MESSAGE_HEADER_FIELDS = [
  'id',
  'conversationId',
  'internetMessageId',
  'subject',
  'from',
  'toRecipients',
  'sentDateTime',
  'receivedDateTime',
] as const;

/** Fields of `/me` Candor shows and keys on. */
export const PROFILE_FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName'] as const;

/**
 * Message properties and navigation properties Mail.ReadBasic excludes and Candor promises never to
 * request (lower-case for comparison). `previewBody` is the name newer permission text uses.
 */
export const FORBIDDEN_MESSAGE_PROPERTIES = [
  'body',
  'bodypreview',
  'previewbody',
  'uniquebody',
  'attachments',
  'extensions',
  'singlevalueextendedproperties',
  'multivalueextendedproperties',
] as const;
