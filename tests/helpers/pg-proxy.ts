// A TCP proxy in front of PostgreSQL that a test may cut: for connection-loss tests (unit and fault suite).
import { type Socket, createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy in front of PostgreSQL: `cut()` drops every connection and refuses new ones until `restore()`. */
export interface PgProxy {
  port: number;
  /** Connections let through so far. */
  connections(): number;
  cut(): void;
  restore(): void;
  /** The URL through the proxy (same user, password and database). */
  urlFor(url: string): string;
  close(): Promise<void>;
}

export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  const open = new Set<Socket>();
  let cutOff = false;
  let passed = 0;
  const server = createServer((client) => {
    if (cutOff) return void client.destroy();
    passed++;
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const cut = () => {
    cutOff = true;
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port,
    connections: () => passed,
    cut,
    restore: () => {
      cutOff = false;
    },
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    close() {
      cut();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
