import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { discordPublicKey, isValidDiscordSignature } from '../../bots/discord/discord-request-check.js';

/** Discord's Ed25519 check, in-process (the same checks run through the bundle in test/discord). */
describe('Discord request signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const hex = (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex');
  const key = discordPublicKey(hex);
  const body = '{"type":1}';
  const timestamp = '1700000000';
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');

  it('accepts the signature over timestamp + body, with the key in either case', () => {
    expect(isValidDiscordSignature(key, body, signature, timestamp)).toBe(true);
    expect(isValidDiscordSignature(discordPublicKey(hex.toUpperCase()), body, signature, timestamp)).toBe(
      true,
    );
    expect(isValidDiscordSignature(key, body, signature.toUpperCase(), timestamp)).toBe(true);
  });

  it.each([
    ['another body', '{"type":2}', signature, timestamp],
    ['another timestamp', body, signature, '1700000001'],
    ['the timestamp moved into the body', timestamp + body, signature, ''],
    ['no signature', body, undefined, timestamp],
    ['no timestamp', body, signature, undefined],
    ['an empty signature', body, '', timestamp],
    ['a signature one byte short', body, signature.slice(2), timestamp],
    ['a signature one byte long', body, `${signature}00`, timestamp],
    ['a signature with a non-hex character', body, `${signature.slice(0, -1)}g`, timestamp],
    ['a signature with text around it', body, `x${signature}`, timestamp],
    ['a flipped bit', body, (signature[0] === '0' ? '1' : '0') + signature.slice(1), timestamp],
  ])('refuses %s', (_name, rawBody, sig, ts) => {
    expect(isValidDiscordSignature(key, rawBody, sig, ts)).toBe(false);
  });

  it('refuses a signature made with another key', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = sign(null, Buffer.from(timestamp + body), other).toString('hex');
    expect(isValidDiscordSignature(key, body, forged, timestamp)).toBe(false);
  });

  it.each([
    ['63 hex characters', hex.slice(1)],
    ['65 hex characters', `${hex}0`],
    ['a non-hex character', `${hex.slice(0, -1)}z`],
    ['text before the key', `x${hex}`],
    ['text after the key', `${hex}x`],
    ['nothing', ''],
  ])('refuses a public key of %s', (_name, value) => {
    expect(() => discordPublicKey(value)).toThrow('A Discord public key is 64 hex characters.');
  });

  it('makes an Ed25519 key of exactly the 32 bytes given', () => {
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect((key.export({ format: 'der', type: 'spki' }) as Buffer).toString('hex')).toBe(
      `302a300506032b6570032100${hex}`,
    );
  });
});
