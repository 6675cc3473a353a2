import type { FastifyRequest } from 'fastify';
import { HttpError } from './api/http-error';
import type { Config } from './config';

/** Names every machine gives itself; a DNS-rebinding page cannot make the browser send these. */
const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The host names a demo deployment answers to: loopback and the configured PUBLIC_URL and HOST.
 * A DNS-rebinding page (rebind.evil.example resolving to 127.0.0.1) reaches the same socket but
 * its requests carry its own name in Host, so they are told apart by that header.
 */
export function allowedHostnames(config: Pick<Config, 'publicUrl' | 'host'>): Set<string> {
  const names = new Set(LOOPBACK_HOSTNAMES);
  names.add(new URL(config.publicUrl).hostname);
  const configured = hostnameOf(config.host.includes(':') ? `[${config.host}]` : config.host);
  if (configured && configured !== '0.0.0.0' && configured !== '[::]') names.add(configured);
  return names;
}

/** The lower-case host name of a Host header (port dropped, IPv6 in brackets); null if unparsable. */
export function hostnameOf(host: string | undefined): string | null {
  if (!host || !/^[A-Za-z0-9.:[\]_-]{1,260}$/.test(host)) return null;
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
}

/**
 * An onRequest hook answering 403 `host-not-allowed` to any Host outside `allowed`. It reads the
 * Host header itself, never X-Forwarded-Host: a page's script can set the latter, not the former.
 */
export function requireAllowedHost(allowed: ReadonlySet<string>) {
  return async function allowedHostHook(req: FastifyRequest): Promise<void> {
    const name = hostnameOf(req.headers.host);
    if (!name || !allowed.has(name)) throw new HttpError(403, 'host-not-allowed');
  };
}
