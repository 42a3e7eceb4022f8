import {createHmac} from 'node:crypto';
import {Pseudonymizer, USER_KEY_LENGTH} from '../../src/core/privacy';
import {hmacSha256} from '../../src/core/sha256';

/** A user key as defined: base64url of the HMAC's first 12 bytes. */
const expected = (secret: string, message: string) =>
  createHmac('sha256', secret)
    .update(message, 'utf8')
    .digest()
    .subarray(0, (USER_KEY_LENGTH / 4) * 3)
    .toString('base64url');

describe('Pseudonymizer', () => {
  const secret = '0123456789abcdef0123456789abcdef';

  it('keys ids and addresses as the base64url of the HMAC, each signed once', () => {
    const p = new Pseudonymizer(hmacSha256(secret));
    for (const id of ['1', '108123456789012345678', 'é😀', '']) {
      expect(p.ofId(id)).toBe(expected(secret, `id:${id}`));
      expect(p.ofId(id)).toHaveLength(USER_KEY_LENGTH);
    }
    expect(p.signatures).toBe(4);
    expect(p.ofEmail(' Ana.O@District.Example ')).toBe(
      expected(secret, 'email:ana.o@district.example'),
    );
    expect(p.key('id:42')).toBe(p.ofId('42'));
    // Every one of the 64 digits appears over enough keys.
    const digits = new Set<string>();
    for (let i = 0; i < 400; i++)
      for (const c of p.ofId(String(i))) digits.add(c);
    expect(digits.size).toBe(64);
  });
});
