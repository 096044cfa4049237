/**
 * Many buyers at once, the way a flash sale hits the mall: `claimers` concurrent claimers spread over
 * the given `/mall` connections, each sending `rounds` claims one after another for buyers drawn from
 * a shared pool, so one buyer is claimed for from several connections at the same moment. Returns
 * what was granted to whom and every reason a claim was refused.
 */
import type { Socket } from 'socket.io-client';
import type { ClaimAck } from '../../server/protocol/index.js';

export interface StormResult {
  grantedTo: Map<string, number>;
  reasons: Set<string>;
  total: number;
}

export async function claimStorm(
  sockets: Socket[],
  options: { claimers: number; rounds: number; buyers: number; claim: (socket: Socket, userId: string, claimer: number, round: number) => Promise<ClaimAck> },
): Promise<StormResult> {
  const buyers = Array.from({ length: options.buyers }, (_, i) => `buyer-${i}`);
  const grantedTo = new Map<string, number>();
  const reasons = new Set<string>();
  await Promise.all(
    Array.from({ length: options.claimers }, async (_, claimer) => {
      const s = sockets[claimer % sockets.length];
      for (let k = 0; k < options.rounds; k++) {
        const userId = buyers[(claimer * 7 + k * 13) % buyers.length];
        const ack = await options.claim(s, userId, claimer, k);
        if (ack.granted) grantedTo.set(userId, (grantedTo.get(userId) ?? 0) + ack.qty!);
        else reasons.add(ack.reason!);
      }
    }),
  );
  return { grantedTo, reasons, total: [...grantedTo.values()].reduce((a, b) => a + b, 0) };
}
