/**
 * patches/postgres+3.4.9.patch: the postgres driver keeps its connections in queues whose `shift`
 * leaves a hole and whose `remove` scanned every hole. While every connection is busy (load: queries
 * pipelined onto busy connections) each query shifts one and pushes it back, so a queue grew by one
 * slot per query until it next emptied: 74,615 slots after 30 s of load, each query scanning all of
 * them. The patch scans from the first live slot and drops the holes once they are half the queue.
 * This drives the installed driver's own queue as its pool does.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

type Queue<T> = { readonly length: number; push(x: T): T; shift(): T; remove(x: T): T | null };

async function driverQueue<T>(): Promise<Queue<T>> {
  const file = pathToFileURL(join(process.cwd(), 'node_modules/postgres/src/queue.js')).href;
  const { default: Queue } = (await import(file)) as { default: () => Queue<T> };
  return Queue();
}

describe("the postgres driver's connection queue (patched)", () => {
  it('stays short while every connection is busy, query after query', async () => {
    const busy = await driverQueue<object>();
    const connections = [{}, {}, {}];
    for (const connection of connections) busy.push(connection);
    const scanned: number[] = [];
    const indexOf = Array.prototype.indexOf;
    // How much of its array each `remove` looks through.
    Array.prototype.indexOf = function (this: unknown[], ...args: [unknown, number?]) {
      scanned.push(this.length - (args[1] ?? 0));
      return indexOf.apply(this, args);
    };
    try {
      // The pool's handler for a query with no idle connection: go(busy.shift(), query), then
      // move(c, busy), which removes c from its queue and pushes it back.
      for (let query = 0; query < 100_000; query++) {
        const connection = busy.shift();
        busy.remove(connection);
        busy.push(connection);
      }
    } finally {
      Array.prototype.indexOf = indexOf;
    }
    expect(busy.length).toBe(3);
    expect(scanned).toHaveLength(100_000);
    expect(Math.max(...scanned)).toBeLessThan(200);
  });

  it('still removes a connection that finished, and hands out the others in order', async () => {
    const busy = await driverQueue<string>();
    for (const name of ['a', 'b', 'c', 'd']) busy.push(name);
    for (let query = 0; query < 500; query++) busy.push(busy.shift());
    expect(busy.remove('c')).toBe('c');
    expect(busy.remove('c')).toBeNull();
    expect(busy.length).toBe(3);
    expect([busy.shift(), busy.shift(), busy.shift()]).toEqual(['a', 'b', 'd']);
    expect(busy.length).toBe(0);
  });
});
