import { randomBytes } from 'node:crypto';
import type { Approval, ApprovalStep } from '../../store/store';
import type { Principal } from '../../auth/verify-token';
import type { ApiDeps } from '../deps';
import { HttpError, notFound, rateLimited } from '../http-error';
import {
  ApprovalJson,
  ApprovalParams,
  ApprovalsResponse,
  CreateApprovalBody,
  CreatedApprovalResponse,
  DeletedResponse,
  GrantApprovalBody,
  KeyChangedResponse,
  RespondApprovalBody,
  RevealApprovalBody,
  WrongStateResponse,
} from '../key-schemas';
import { defineRoute } from '../route';

/** An approval request lives this long after it is created. */
export const APPROVAL_TTL_MS = 10 * 60_000;
/** Live requests per user: enough for a phone and a laptop at once, not a flood. */
export const MAX_LIVE_APPROVALS = 3;

/** The wire form: fields not reached yet are left out. */
function approvalJson(a: Approval) {
  return {
    id: a.id,
    state: a.state,
    commitment: a.commitment,
    ...(a.responderNonce !== null ? { responderNonce: a.responderNonce } : {}),
    ...(a.publicKey !== null ? { publicKey: a.publicKey } : {}),
    ...(a.nonce !== null ? { nonce: a.nonce } : {}),
    ...(a.keyId !== null ? { keyId: a.keyId } : {}),
    ...(a.sealedKey !== null ? { sealedKey: a.sealedKey } : {}),
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
  };
}

const notLive = { description: 'No such live approval (expired, denied or unknown)' };
const wrongState = (from: string) => ({
  description: `\`wrong-state\`: the approval is not in state \`${from}\` (its current state is given).`,
  schema: WrongStateResponse,
});

/**
 * New-device approval (src/crypto/key-backup/approval.ts): the server only relays commitments,
 * nonces, an ephemeral public key and the key sealed to it, in a fixed order, for 10 minutes.
 */
export function approvalRoutes(deps: ApiDeps) {
  async function advance(p: Principal, id: string, step: ApprovalStep) {
    const now = deps.clock.now();
    const moved = await deps.store.advanceApproval(p.tid, p.oid, id, step, now);
    if (moved) return approvalJson(moved);
    const current = await deps.store.getApproval(p.tid, p.oid, id, now);
    if (!current) throw notFound();
    throw new HttpError(409, 'wrong-state', { state: current.state });
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/me/key/approvals',
      summary:
        'New device: ask a device that has the key to approve this one (commitment to an ephemeral key and nonce). Expires after 10 minutes; at most 3 live per user.',
      body: CreateApprovalBody,
      responses: {
        201: { description: 'Created', schema: CreatedApprovalResponse },
        429: {
          description:
            '`too-many-approvals`: 3 requests are live; the oldest expires after the given seconds.',
        },
      },
      handler: async ({ principal, body, reply }) => {
        const now = deps.clock.now();
        const id = randomBytes(16).toString('base64url');
        const created = await deps.store.createApproval(
          principal.tid,
          principal.oid,
          { id, commitment: body.commitment, expiresAt: now + APPROVAL_TTL_MS },
          now,
          MAX_LIVE_APPROVALS,
        );
        if (!created) {
          const live = await deps.store.listApprovals(principal.tid, principal.oid, now);
          const soonest = Math.min(...live.map((a) => a.expiresAt), now + APPROVAL_TTL_MS);
          throw rateLimited((soonest - now) / 1000, 'too-many-approvals');
        }
        reply.code(201);
        return { id: created.id, expiresAt: created.expiresAt };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/me/key/approvals',
      summary: "The caller's live approval requests (a device with the key polls this).",
      responses: { 200: { description: 'Live approvals', schema: ApprovalsResponse } },
      handler: async ({ principal }) => ({
        approvals: (await deps.store.listApprovals(principal.tid, principal.oid, deps.clock.now())).map(
          approvalJson,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/me/key/approvals/:id',
      summary: 'One live approval request (the new device polls this).',
      params: ApprovalParams,
      responses: { 200: { description: 'The approval', schema: ApprovalJson }, 404: notLive },
      handler: async ({ principal, params }) => {
        const a = await deps.store.getApproval(principal.tid, principal.oid, params.id, deps.clock.now());
        if (!a) throw notFound();
        return approvalJson(a);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/me/key/approvals/:id/respond',
      summary: "Device with the key: add its nonce (only in state 'created').",
      params: ApprovalParams,
      body: RespondApprovalBody,
      responses: {
        200: { description: 'Responded', schema: ApprovalJson },
        404: notLive,
        409: wrongState('created'),
      },
      handler: ({ principal, params, body }) =>
        advance(principal, params.id, { from: 'created', to: 'responded', responderNonce: body.nonce }),
    }),
    defineRoute({
      method: 'POST',
      url: '/me/key/approvals/:id/reveal',
      summary: "New device: reveal its ephemeral public key and nonce (only in state 'responded').",
      params: ApprovalParams,
      body: RevealApprovalBody,
      responses: {
        200: { description: 'Revealed', schema: ApprovalJson },
        404: notLive,
        409: wrongState('responded'),
      },
      handler: ({ principal, params, body }) =>
        advance(principal, params.id, {
          from: 'responded',
          to: 'revealed',
          publicKey: body.publicKey,
          nonce: body.nonce,
        }),
    }),
    defineRoute({
      method: 'POST',
      url: '/me/key/approvals/:id/grant',
      summary:
        "Device with the key, after the user compared the codes: the key sealed to the new device's ephemeral key (only in state 'revealed').",
      params: ApprovalParams,
      body: GrantApprovalBody,
      responses: {
        200: { description: 'Granted', schema: ApprovalJson },
        404: notLive,
        409: {
          description:
            '`wrong-state`: not in state `revealed`; `key-changed`: `keyId` is not the registered key id.',
          schema: WrongStateResponse.or(KeyChangedResponse),
        },
      },
      handler: async ({ principal, params, body }) => {
        const user = await deps.store.getUser(principal.tid, principal.oid);
        const registered = user?.key?.keyId ?? null;
        if (registered !== body.keyId) throw new HttpError(409, 'key-changed', { keyId: registered });
        return advance(principal, params.id, {
          from: 'revealed',
          to: 'granted',
          keyId: body.keyId,
          sealedKey: body.sealedKey,
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/me/key/approvals/:id',
      summary: 'Deny or cancel an approval request (it is deleted).',
      params: ApprovalParams,
      responses: { 200: { description: 'Gone (deleted: whether it existed)', schema: DeletedResponse } },
      handler: async ({ principal, params }) => ({
        deleted: await deps.store.deleteApproval(principal.tid, principal.oid, params.id),
      }),
    }),
  ];
}
