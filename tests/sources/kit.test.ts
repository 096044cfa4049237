/** The adapters' shared pieces: exact 64-bit ids (the one lossless JSON reader), signatures in constant time, buyers without raw contacts. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64HmacMatches, buyerId, hexMatches, timeMs } from '../../server/sources/hooks/kit.js';
import { parseJsonLossless } from '../../server/sources/hooks/lossless-json.js';

describe('parseJsonLossless', () => {
  it('keeps integers past 2^53 as their digits and leaves everything else as JSON.parse would', () => {
    const text =
      '{"id":820982911946154508,"neg":-9007199254740993,"small":42,"f":1.5e3,"big_f":12345678901234567.5,"s":"820982911946154508 \\"quoted\\" 1234567890123456789","a":[866550311766439020,1]}';
    expect(parseJsonLossless(text)).toEqual({
      ok: true,
      value: {
        id: '820982911946154508',
        neg: '-9007199254740993',
        small: 42,
        f: 1500,
        big_f: 12345678901234567.5,
        s: '820982911946154508 "quoted" 1234567890123456789',
        a: ['866550311766439020', 1],
      },
    });
  });

  it('quotes only the unsafe integers: 2^53 − 1 and 2^53 + 1 either side, exponents and decimals left alone', () => {
    const text = '{"a":3705115058471208928,"b":"3705115058471208928","c":[-9223372036854775808,12,1.5,1e21],"d":"x\\"9007199254740993\\"","e":9007199254740991,"f":9007199254740993}';
    expect(parseJsonLossless(text)).toEqual({
      ok: true,
      value: { a: '3705115058471208928', b: '3705115058471208928', c: ['-9223372036854775808', 12, 1.5, 1e21], d: 'x"9007199254740993"', e: 9007199254740991, f: '9007199254740993' },
    });
  });

  it('answers text that is not JSON with a coded failure instead of throwing', () => {
    expect(parseJsonLossless('{"id":820982911946154508')).toMatchObject({ ok: false, message: expect.stringMatching(/^not JSON/) });
    expect(parseJsonLossless('{"a":')).toMatchObject({ ok: false });
  });
});

describe('signatures', () => {
  it('accepts the base64 HMAC-SHA256 of the exact bytes and nothing else', () => {
    const body = Buffer.from('{"id":1}');
    const sig = crypto.createHmac('sha256', 'k').update(body).digest('base64');
    expect(base64HmacMatches('k', body, sig)).toBe(true);
    expect(base64HmacMatches('k', Buffer.from('{"id":1} '), sig)).toBe(false);
    expect(base64HmacMatches('other', body, sig)).toBe(false);
    expect(base64HmacMatches('k', body, sig.slice(0, 10))).toBe(false);
    expect(base64HmacMatches('k', body, undefined)).toBe(false);
  });

  it('compares hex digests case-insensitively and refuses non-hex', () => {
    const md5 = crypto.createHash('md5').update('abc').digest('hex');
    expect(hexMatches(md5, md5.toUpperCase())).toBe(true);
    expect(hexMatches(md5, 'zz')).toBe(false);
    expect(hexMatches(md5, md5.slice(2))).toBe(false);
  });
});

describe('buyers and times', () => {
  it('names a buyer by the platform id, else by a hash of the contact, never the contact itself', () => {
    expect(buyerId('115310627314723954', 'a@b.c')).toBe('115310627314723954');
    const hashed = buyerId(null, ' Jon@Example.com ');
    expect(hashed).toMatch(/^h:[0-9a-f]{20}$/);
    expect(hashed).toBe(buyerId(0, 'jon@example.com'));
    expect(hashed).not.toContain('example');
    expect(buyerId('0', '')).toBeNull();
  });

  it('reads ISO times with offsets, epoch seconds and epoch ms', () => {
    expect(timeMs('2021-12-31T19:00:00-05:00')).toBe(Date.UTC(2022, 0, 1, 0, 0, 0));
    expect(timeMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(timeMs('1700000000000')).toBe(1_700_000_000_000);
    expect(timeMs('not a time')).toBeNull();
  });
});
