import {createHash, createHmac} from 'node:crypto';
import {hmacSha256, sha256, utf8} from '../../src/core/sha256';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sha256 and HMAC-SHA256', () => {
  it('matches FIPS 180-4 test vectors', () => {
    expect(hex(sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(utf8('')))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('matches node:crypto across lengths, non-ASCII text and long keys', () => {
    const keys = ['k', 'a'.repeat(64), 'secret-'.repeat(20), 'clé 🔑'];
    for (const key of keys) {
      const sign = hmacSha256(key);
      for (let n = 0; n < 140; n += 7) {
        const msg = `id:${'x'.repeat(n)}é😀${n}`;
        expect(hex(sign(msg))).toBe(
          createHmac('sha256', key).update(msg, 'utf8').digest('hex'),
        );
      }
    }
    const long = 'z'.repeat(1000);
    expect(hex(sha256(utf8(long)))).toBe(
      createHash('sha256').update(long).digest('hex'),
    );
  });
});
