/**
 * A TCP proxy in front of PostgreSQL that a test can cut and restore, to play a database that goes
 * away and comes back without touching the machine's server: `cut` refuses connections (a stopped
 * server), `blackHole` accepts them and never answers (a partitioned network).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  cut(): Promise<void>;
  blackHole(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let mode: 'forward' | 'black-hole' = 'forward';
  let server: Server;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        track(client);
        if (mode === 'black-hole') return;
        const upstream = createConnection(target);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));

  const port = await listen(0);
  return {
    port,
    async cut() {
      const stopped = stop();
      dropAll();
      await stopped;
    },
    blackHole() {
      mode = 'black-hole';
      dropAll();
    },
    async restore() {
      // Connections held in the black hole have waited past any driver's timeout: end them.
      if (mode === 'black-hole') dropAll();
      mode = 'forward';
      if (!server.listening) await listen(port);
    },
    async close() {
      const stopped = server.listening ? stop() : Promise.resolve();
      dropAll();
      await stopped;
    },
  };
}
