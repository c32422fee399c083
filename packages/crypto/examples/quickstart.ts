import type { Deployment } from '@sc4it/types';
import {
  busDecrypt,
  busEncrypt,
  generateMnemonic,
  identityFromMnemonic,
  identityFromSeed,
  openData,
  sealData,
  signDeployment,
  signTyped,
  verifyDeployment,
  verifyTyped,
} from '../src/index.ts';

const alice = identityFromMnemonic(generateMnemonic(), 'sr25519'); // same key as Keyring.addFromUri
const bob = identityFromSeed('0x' + '42'.repeat(32), 'ed25519');
// SS58 address (format 42) and the twin's pk (33-byte compressed secp256k1 bus key)
console.log(alice.address, Buffer.from(alice.secp256k1.publicKey).toString('hex')); // → 5… 0…

// Bus: 65-byte typed signature and end-to-end encryption (rmb.md §2.2, §4).
const digest = new Uint8Array(16);
console.log(verifyTyped(alice.publicKey, digest, signTyped(alice, digest))); // → true
const cipher = busEncrypt(alice.secp256k1.privateKey, bob.secp256k1.publicKey, new TextEncoder().encode('{"a":1}'));
console.log(new TextDecoder().decode(busDecrypt(bob.secp256k1.privateKey, alice.secp256k1.publicKey, cipher))); // → {"a":1}

// Deployments (deployment-hash.md §4–§5).
const deployment: Deployment = {
  version: 0,
  twin_id: 7,
  contract_id: 0,
  metadata: '',
  description: '',
  expiration: 0,
  signature_requirement: { requests: [{ twin_id: 7, required: true, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' },
  workloads: [{ version: 0, name: 'disk', type: 'zmount', data: { size: 1073741824 }, metadata: '', description: '' }],
};
const signed = signDeployment(deployment, 7, alice);
const status = await verifyDeployment(signed, async () => ({ publicKey: alice.publicKey, keyType: 'sr25519' }));
console.log(status.complete, status.weightCollected); // → true 1

// Sealed contract data for the node contract's deployment_data (≤ 512 bytes on chain):
// 52 bytes + 48 per recipient + the 14-byte body (too short to gain from compression).
const sealed = sealData(new TextEncoder().encode('{"name":"vm1"}'), [alice.secp256k1.publicKey, bob.secp256k1.publicKey]);
console.log(sealed.length, new TextDecoder().decode(openData(sealed, bob.secp256k1.privateKey))); // → 162 {"name":"vm1"}
