/**
 * Studio LAN pairing: which of this machine's addresses a tablet can use, and the viewer-token
 * prompter URL for each. Pure over its inputs (the bound address, the interfaces, the token), so the
 * route only gathers them.
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { LanInfo } from '../protocol/lan.js';

export type { LanInfo };

/** Addresses meaning "every interface". */
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0']);

/** Non-internal IPv4 addresses, in interface order (the ones a tablet on the studio Wi-Fi can reach). */
export function lanAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      // Node 18.0–18.3 reported `family` as a number.
      const v4 = i.family === 'IPv4' || (i.family as unknown) === 4;
      if (v4 && !i.internal && !out.includes(i.address)) out.push(i.address);
    }
  }
  return out;
}

/**
 * What `GET /api/lan` answers. `bound` is the server's listening address; the URLs carry the viewer
 * token only, never the operator's, because whoever scans the code can read the URL.
 */
export function lanInfo(bound: AddressInfo, viewerToken: string, addresses: string[] = lanAddresses()): LanInfo {
  const listeningOnAll = ALL_INTERFACES.has(bound.address);
  const viewerUrls = listeningOnAll ? addresses.map((a) => `http://${a}:${bound.port}/?token=${encodeURIComponent(viewerToken)}#/prompter`) : [];
  let hint: string | null = null;
  if (!listeningOnAll) {
    hint = `The studio listens on ${bound.address} only, so other machines cannot reach it. Start it with “livedeck studio --host 0.0.0.0” to pair tablets on the studio network.`;
  } else if (!addresses.length) {
    hint = 'This machine has no network address other than loopback: connect it to the studio network (Wi-Fi or cable).';
  }
  // OBS runs on the streaming machine: loopback reaches a hub listening everywhere or on loopback.
  const overlayHost = listeningOnAll ? '127.0.0.1' : bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  const overlayUrl = `http://${overlayHost}:${bound.port}/overlay/deal?token=${encodeURIComponent(viewerToken)}`;
  return { host: bound.address, port: bound.port, listeningOnAll, addresses, viewerUrls, hint, overlayUrl };
}
