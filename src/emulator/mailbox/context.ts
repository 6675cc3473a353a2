import type { Clock } from '../../shared/clock';
import type { IdSource } from './ids';
import type { LimitTracker } from './limits';
import type { Mailbox } from './mailbox';
import type { HeadersUnderReadBasic } from './message-fields';
import type { Behaviour, ExpiredDeltaAnswer, InternalRequest, InternalResponse, TokenClaims } from './types';

/** What the emulator shares with every handler. */
export interface EmulatorCore {
  clock: Clock;
  ids: IdSource;
  limits: LimitTracker;
  transportDelayMs: number;
  sentItemsDelayMs: number;
  exchangeClockOffsetMs: number;
  deltaTokenLifetimeMs: number;
  expiredDeltaAnswer: ExpiredDeltaAnswer;
  deltaFilterRefused: boolean;
  maxDeltaPageSize: number;
  prospectBehaviour: (address: string) => Behaviour;
  headersUnderReadBasic: HeadersUnderReadBasic;
  /** Runs one request through authentication, limits and routing (used by `$batch`). */
  dispatch(req: InternalRequest): Promise<InternalResponse>;
}

/** One authenticated request against one mailbox. */
export interface HandlerContext {
  core: EmulatorCore;
  req: InternalRequest;
  claims: TokenClaims;
  mailbox: Mailbox;
  now: number;
  requestId: string;
}

export const MAIL_READ_SCOPES = [
  'Mail.ReadBasic',
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.ReadBasic.Shared',
  'Mail.Read.Shared',
  'Mail.ReadWrite.Shared',
];
export const MAIL_FULL_READ_SCOPES = [
  'Mail.Read',
  'Mail.ReadWrite',
  'Mail.Read.Shared',
  'Mail.ReadWrite.Shared',
];
export const MAIL_SEND_SCOPES = ['Mail.Send', 'Mail.Send.Shared'];
/** user-get.md's delegated list, least to most privileged. */
export const USER_READ_SCOPES = [
  'User.Read',
  'User.ReadWrite',
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

export function hasAny(claims: TokenClaims, scopes: readonly string[]): boolean {
  return scopes.some((s) => claims.scopes.has(s));
}

/** Limits are per app and mailbox (throttling-limits.md). */
export function limitKey(claims: TokenClaims): string {
  return `${claims.azp}|${claims.oid}`;
}
