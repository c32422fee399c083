// Byte compatibility with the REAL @threefold/rmb_direct_client@2.9.2 (rmb.md §2.2, §4).
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from '@sc4it/types';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  busDecrypt,
  busEncrypt,
  busSharedKey,
  identityFromMnemonic,
  identityFromSeed,
  verifyTyped,
} from '../src/index.ts';
import { loadRealRmbCrypto } from './real-rmb-client.ts';

const rmb = loadRealRmbCrypto();

beforeAll(async () => {
  await cryptoWaitReady();
});

const SECRETS = [
  'bottom drive obey lake curtain smoke basket hold race lonely fit walk',
  'legal winner thank year wave sausage worth useful legal winner thank yellow',
  mnemonicGenerate(12),
  mnemonicGenerate(24),
  '0x' + '5a'.repeat(32),
];

function identity(secret: string) {
  return secret.startsWith('0x') ? identityFromSeed(secret, 'sr25519') : identityFromMnemonic(secret, 'sr25519');
}

describe(`real rmb_direct_client ${rmb.version}`, () => {
  it('is the pinned version', () => {
    expect(rmb.version).toBe('2.9.2');
  });

  it.each(SECRETS)('same secp256k1 public key (twin pk) for %s', (secret) => {
    expect(rmb.generatePublicKey(secret)).toBe(`0x${bytesToHex(identity(secret).secp256k1.publicKey)}`);
  });

  it('same shared key as createShared', () => {
    const a = identity(SECRETS[0]!);
    for (const secret of SECRETS.slice(1)) {
      const b = identity(secret);
      const theirs = rmb.createShared(a.secp256k1.publicKey, secret);
      expect(bytesToHex(busSharedKey(b.secp256k1.privateKey, a.secp256k1.publicKey))).toBe(bytesToHex(theirs));
    }
  });

  it('the real client decrypts what we encrypt', async () => {
    const sender = identity(SECRETS[2]!);
    const recipientSecret = SECRETS[3]!;
    const recipient = identity(recipientSecret);
    for (const text of ['', '{"hello":"world"}', JSON.stringify({ data: 'x'.repeat(4000) })]) {
      const cipher = busEncrypt(sender.secp256k1.privateKey, recipient.secp256k1.publicKey, utf8ToBytes(text));
      const env = rmb.newEnvelope();
      env.cipher = cipher;
      env.twin = { pk: rmb.generatePublicKey(SECRETS[2]!) }; // the SENDER's pk, as the client reads it from the chain
      const plain = await env.decrypt(recipientSecret);
      expect(bytesToUtf8(new Uint8Array(plain))).toBe(text);
    }
  });

  it('we decrypt what the real client encrypts', async () => {
    const senderSecret = SECRETS[4]!;
    const sender = identity(senderSecret);
    const recipient = identity(SECRETS[1]!);
    for (const text of ['', '{"a":1}', 'x'.repeat(3000)]) {
      const env = rmb.newEnvelope();
      const cipher = await env.encrypt(text, senderSecret, `0x${bytesToHex(recipient.secp256k1.publicKey)}`);
      expect(cipher.length).toBe(utf8ToBytes(text).length + 28);
      // Its nonce bytes are 0..9 (Math.random()*10): compatible, but weak (rmb.md §4).
      expect([...cipher.subarray(0, 12)].every((b) => b <= 9)).toBe(true);
      expect(bytesToUtf8(busDecrypt(recipient.secp256k1.privateKey, sender.secp256k1.publicKey, cipher))).toBe(text);
    }
  });

  it('the real client rejects our cipher under the wrong key', async () => {
    const cipher = busEncrypt(identity(SECRETS[0]!).secp256k1.privateKey, identity(SECRETS[1]!).secp256k1.publicKey, utf8ToBytes('{}'));
    const env = rmb.newEnvelope();
    env.cipher = cipher;
    env.twin = { pk: rmb.generatePublicKey(SECRETS[0]!) };
    await expect(env.decrypt(SECRETS[2]!)).rejects.toBeDefined();
  });

  it('typed signatures: the real sign() output verifies here, and uses the same prefixes', () => {
    const digest = hexToBytes('00112233445566778899aabbccddeeff');
    for (const type of ['sr25519', 'ed25519'] as const) {
      const pair = new Keyring({ type }).addFromUri(SECRETS[0]!);
      const sig = rmb.sign(digest, pair);
      expect(sig[0]).toBe(type === 'sr25519' ? 0x73 : 0x65);
      expect(verifyTyped(identityFromMnemonic(SECRETS[0]!, type).publicKey, digest, sig)).toBe(true);
    }
  });
});
