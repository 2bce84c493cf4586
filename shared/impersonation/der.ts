/** The DER signature is not an ECDSA `SEQUENCE { INTEGER r, INTEGER s }`. */
export class InvalidDerSignatureError extends Error {
  constructor(message: string) {
    super(`invalid der signature: ${message}`);
    this.name = 'InvalidDerSignatureError';
  }
}

function readLength(der: Uint8Array, at: number): [length: number, next: number] {
  const first = der[at];
  if (first === undefined) throw new InvalidDerSignatureError('truncated length');
  if (first < 0x80) return [first, at + 1];
  // P-256 signatures are at most 72 bytes: only the one-byte long form can occur.
  if (first !== 0x81) throw new InvalidDerSignatureError('unsupported length form');
  const len = der[at + 1];
  if (len === undefined) throw new InvalidDerSignatureError('truncated length');
  return [len, at + 2];
}

function readInteger(der: Uint8Array, at: number, size: number): [value: Uint8Array, next: number] {
  if (der[at] !== 0x02) throw new InvalidDerSignatureError('expected an integer');
  const [len, start] = readLength(der, at + 1);
  const end = start + len;
  if (len === 0 || end > der.length) throw new InvalidDerSignatureError('truncated integer');
  let bytes = der.subarray(start, end);
  // DER prefixes a 0x00 when the high bit is set; JOSE wants exactly `size` unsigned bytes.
  while (bytes.length > size && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new InvalidDerSignatureError('integer too large');
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return [out, end];
}

/** Converts an ECDSA DER signature (what KMS returns) to JOSE's raw `r || s` (RFC 7518 §3.4). */
export function derToJose(der: Uint8Array, size = 32): Uint8Array {
  if (der[0] !== 0x30) throw new InvalidDerSignatureError('expected a sequence');
  const [len, start] = readLength(der, 1);
  if (start + len !== der.length) throw new InvalidDerSignatureError('sequence length mismatch');
  const [r, afterR] = readInteger(der, start, size);
  const [s, afterS] = readInteger(der, afterR, size);
  if (afterS !== der.length) throw new InvalidDerSignatureError('trailing bytes');
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}
