import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const LOOKS_LIKE_AN_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Express's compiled `trust proxy` check: is the peer at `address` one of our proxies? */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The request id for logs and the X-Request-Id response header. A proxy we trust (nginx,
 * the load balancer) may hand one over so its log lines and ours join up; from anyone else,
 * or when it does not look like an id, the header is ignored: a client must not be able to
 * forge or flood log correlation.
 */
export function requestIdFrom(trust: TrustProxy) {
  return (req: IncomingMessage, res: ServerResponse): string => {
    const given = req.headers['x-request-id'];
    const fromProxy = trust(req.socket.remoteAddress ?? '', 0);
    const id = fromProxy && typeof given === 'string' && LOOKS_LIKE_AN_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  };
}
