/**
 * The framing of Bilibili's live danmaku WebSocket (弹幕服务器). Every binary message holds one or
 * more packets, each a 16-byte big-endian header — packet length (header included), header length
 * (16), protocol version, operation, sequence — and a body. An op 5 (message) packet whose version is
 * 2 (zlib) or 3 (brotli) carries, once inflated, more packets of the same framing (several
 * commands per frame). Pure: bytes in, packets or coded reasons out; nothing here throws.
 */
import zlib from 'node:zlib';

export const HEADER_BYTES = 16;

export const Op = {
  heartbeat: 2,
  heartbeatReply: 3,
  message: 5,
  auth: 7,
  authReply: 8,
} as const;

export const Protover = {
  json: 0,
  /** Heartbeat and auth replies: the body is an int32 (popularity) or plain JSON. */
  int32: 1,
  zlib: 2,
  brotli: 3,
} as const;

/** Most bytes a frame may inflate to, all nesting counted: a zip bomb stops here. */
export const MAX_INFLATED_BYTES = 8 * 1024 * 1024;
/** Nesting deeper than this is not Bilibili's (it nests once). */
const MAX_DEPTH = 2;

export interface Packet {
  op: number;
  protover: number;
  seq: number;
  body: Buffer;
}

export interface FrameProblem {
  code: 'bad_frame' | 'bad_compression' | 'too_large';
  message: string;
}

export interface Decoded {
  packets: Packet[];
  problems: FrameProblem[];
}

/** One packet: header then body. */
export function encodePacket(op: number, body: Buffer | string, protover: number = Protover.int32, seq = 1): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(HEADER_BYTES + bytes.length, 0);
  header.writeUInt16BE(HEADER_BYTES, 4);
  header.writeUInt16BE(protover, 6);
  header.writeUInt32BE(op, 8);
  header.writeUInt32BE(seq, 12);
  return Buffer.concat([header, bytes]);
}

/**
 * The packets of one WebSocket message, compressed bodies inflated (within `MAX_INFLATED_BYTES` for
 * the whole message). A packet whose lengths do not add up ends the walk of its buffer (there is no
 * way to find the next header), with what came before it kept.
 */
export function decodeFrame(frame: Buffer, maxInflatedBytes = MAX_INFLATED_BYTES): Decoded {
  const out: Decoded = { packets: [], problems: [] };
  const budget = { left: maxInflatedBytes };
  walk(frame, 0, out, budget);
  return out;
}

function walk(buf: Buffer, depth: number, out: Decoded, budget: { left: number }): void {
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER_BYTES) {
      out.problems.push({ code: 'bad_frame', message: `${buf.length - at} bytes left over where a 16-byte packet header was expected` });
      return;
    }
    const length = buf.readUInt32BE(at);
    const headerLength = buf.readUInt16BE(at + 4);
    if (headerLength < HEADER_BYTES || length < headerLength || at + length > buf.length) {
      out.problems.push({
        code: 'bad_frame',
        message: `packet at byte ${at} says length ${length}, header ${headerLength}, with ${buf.length - at} bytes there`,
      });
      return;
    }
    const protover = buf.readUInt16BE(at + 6);
    const op = buf.readUInt32BE(at + 8);
    const seq = buf.readUInt32BE(at + 12);
    const body = buf.subarray(at + headerLength, at + length);
    at += length;
    if (op === Op.message && (protover === Protover.zlib || protover === Protover.brotli)) {
      if (depth >= MAX_DEPTH) {
        out.problems.push({ code: 'bad_frame', message: `compressed packets nested ${depth + 1} deep` });
        continue;
      }
      const inflated = inflate(body, protover, budget.left);
      if ('problem' in inflated) {
        out.problems.push(inflated.problem);
        continue;
      }
      budget.left -= inflated.bytes.length;
      walk(inflated.bytes, depth + 1, out, budget);
      continue;
    }
    out.packets.push({ op, protover, seq, body });
  }
}

function inflate(body: Buffer, protover: number, maxOutputLength: number): { bytes: Buffer } | { problem: FrameProblem } {
  const kind = protover === Protover.zlib ? 'zlib' : 'brotli';
  if (maxOutputLength <= 0) return { problem: { code: 'too_large', message: `frame inflates past ${MAX_INFLATED_BYTES} bytes` } };
  try {
    const bytes = protover === Protover.zlib ? zlib.inflateSync(body, { maxOutputLength }) : zlib.brotliDecompressSync(body, { maxOutputLength });
    return { bytes };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      return { problem: { code: 'too_large', message: `${kind} body inflates past ${maxOutputLength} bytes; skipped` } };
    }
    return { problem: { code: 'bad_compression', message: `${kind} body does not inflate (${code ?? 'corrupt data'})` } };
  }
}

/** The popularity (人气) an op 3 heartbeat reply carries, or null when its body is not 4 bytes. */
export function popularityOf(packet: Packet): number | null {
  return packet.body.length >= 4 ? packet.body.readUInt32BE(0) : null;
}
