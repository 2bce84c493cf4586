import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { derToJose, InvalidDerSignatureError } from '#shared/impersonation/der.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('DER to JOSE signature conversion', () => {
  it('produces the raw r||s that verifies, for any message (short and padded integers included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const raw = derToJose(der);
        expect(raw).toHaveLength(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects input that is not an ECDSA DER signature', () => {
    const der = sign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'der' });
    for (const bad of [new Uint8Array(), Uint8Array.from([0x31, 0]), der.subarray(0, der.length - 1), Buffer.concat([der, Buffer.from([0])])]) {
      expect(() => derToJose(bad)).toThrow(InvalidDerSignatureError);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          expect(derToJose(bytes)).toHaveLength(64);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidDerSignatureError);
        }
      }),
    );
  });
});
