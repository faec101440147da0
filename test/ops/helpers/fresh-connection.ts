/**
 * A request on a connection of its own (no keep-alive pool), as a new client makes it: behind one port
 * shared by a cluster's workers, each connection may go to another worker, and the answer's
 * x-ctihost-worker header says which one took it. Never throws: a failed connection is status 0.
 */
import { request } from 'node:http';
import { WORKER_HEADER } from '../../../server/ops/cluster.ts';

export type FreshAnswer = { status: number; worker: string | undefined; body: string };

export function onFreshConnection(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<FreshAnswer> {
  return new Promise((resolve) => {
    const sent = request(url, { agent: false, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        const worker = response.headers[WORKER_HEADER];
        resolve({
          status: response.statusCode ?? 0,
          worker: typeof worker === 'string' ? worker : undefined,
          body,
        });
      });
      response.on('error', (error) => resolve({ status: 0, worker: undefined, body: String(error) }));
    });
    sent.on('error', (error) => resolve({ status: 0, worker: undefined, body: String(error) }));
    sent.setTimeout(timeoutMs, () => sent.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    sent.end();
  });
}
