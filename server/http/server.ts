/**
 * The hub's HTTP server as it faces the network: open connections capped per address, the host names
 * it answers to (no DNS rebinding), and `listen` on a port (0 picks a free one).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAddressCaps, createHostAllowlist, type AddressCaps } from './guard.js';
import { lanAddresses } from './lan.js';

export interface HttpServerOptions {
  /** Host names answered besides loopback, the listening address and the LAN addresses. */
  allowedHosts: readonly string[];
  connectionsPerAddress: number;
  requestsPerAddress: number;
}

export interface HubHttpServer {
  server: http.Server;
  /** Whether a request's Host header names this hub. */
  hostAllowed: (host: string | undefined) => boolean;
  caps: AddressCaps;
  /** Starts listening; binds 127.0.0.1 unless told otherwise. */
  listen(port?: number, host?: string): Promise<{ port: number; host: string; url: string }>;
}

export function createHubHttpServer(options: HttpServerOptions): HubHttpServer {
  // Node's own request timers stay at their defaults: shorter ones also cut the idle connections a
  // browser opens ahead of use, and its next request then fails. Slow bodies are bounded where they
  // are read (`readBytes`), bodies nobody reads close their connection, and each address is capped.
  const server = http.createServer();
  let listeningHost: string | null = null;
  const hostAllowed = createHostAllowlist(
    () => listeningHost,
    () => lanAddresses(),
    options.allowedHosts,
  );
  const caps = createAddressCaps(options.connectionsPerAddress, options.requestsPerAddress);
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '?';
    if (!caps.connectionOpened(address)) return void socket.destroy();
    socket.once('close', () => caps.connectionClosed(address));
  });
  return {
    server,
    hostAllowed,
    caps,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          listeningHost = host;
          const addr = server.address() as AddressInfo;
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: addr.port, host, url: `http://${shown}:${addr.port}` });
        });
      });
    },
  };
}
