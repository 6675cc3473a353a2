import { GRAPH_SCOPES, type GraphScope } from '../../shared/scopes';

export interface PermissionText {
  /** A few plain words, shown on the Connect screen. */
  title: string;
  /** One or two plain sentences, shown under Data & privacy. */
  detail: string;
}

/**
 * Plain words for each Microsoft permission Candor asks for. The Record type makes a new scope in
 * GRAPH_SCOPES a compile error here until it is explained.
 */
const PERMISSION_TEXT: Record<GraphScope, PermissionText> = {
  openid: {
    title: 'Sign you in',
    detail: 'Lets you sign in to Candor with your Microsoft 365 work account.',
  },
  email: {
    title: 'Your email address',
    detail: 'Reads the email address of your account, so Candor knows which mailbox it sends from.',
  },
  offline_access: {
    title: 'Keep you signed in',
    detail: 'Keeps you signed in while you use Candor, so sending and reply checks do not stop to ask again.',
  },
  'User.Read': {
    title: 'Your profile',
    detail: 'Reads your name and basic profile, to show who is connected.',
  },
  'Mail.ReadBasic': {
    title: 'Message headers, never bodies',
    detail:
      'Reads who sent a message, its subject and when it arrived, to spot replies to mail you sent with Candor. It cannot read what a message says or its attachments.',
  },
  'Mail.Send': {
    title: 'Send mail as you',
    detail: 'Sends the messages you approve in Candor, from your own mailbox.',
  },
};

/** The permission list, in GRAPH_SCOPES order, generated from the one scope constant. */
export const PERMISSIONS: readonly ({ scope: GraphScope } & PermissionText)[] = GRAPH_SCOPES.map((scope) => ({
  scope,
  ...PERMISSION_TEXT[scope],
}));
