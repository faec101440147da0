/**
 * Closing with calls in flight. `app.close()` stops accepting connections and waits for the open ones
 * to end, and fastify answers 503 to requests that arrive meanwhile; but a keep-alive connection whose
 * request was already in flight stays open after its answer, idle until its client or the keep-alive
 * timeout (72 s) ends it, and the close waits for it. So, once closing, every answer says
 * `Connection: close`: the connection ends with the answer, and the close ends with the last one.
 */
import type { FastifyInstance } from 'fastify';

export function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
