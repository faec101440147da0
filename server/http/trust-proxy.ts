/**
 * TRUST_PROXY as fastify's `trustProxy`: whose X-Forwarded-For and X-Forwarded-Proto are believed,
 * for `request.ip` (the per-IP limits) and `request.protocol` (the session cookie's `Secure`).
 * A hop count becomes the function proxy-addr would build from it (fastify's types take no number).
 */
import type { Config } from '../config/env.ts';

export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function fastifyTrustProxy(setting: Config['trustProxy']): TrustProxy {
  if (typeof setting === 'boolean') return setting;
  if (typeof setting === 'number') return setting > 0 && ((_address, hop) => hop < setting);
  return [...setting];
}
