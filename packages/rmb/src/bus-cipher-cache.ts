import { bytesToHex, concatBytes } from '@sc4it/types';
import { type Identity, busSharedKey } from '@sc4it/crypto';

/**
 * The bus cipher of rmb.md §4 (AES-256-GCM under SHA-256 of the ECDH X coordinate,
 * `nonce(12) ‖ ciphertext ‖ tag(16)`) with the per-peer key derived once: the ECDH costs a few
 * ms, the AES a few µs. Keys are non-extractable WebCrypto keys (Node and browsers); at most
 * `maxKeys` are kept, the oldest dropped first.
 */
export class BusCipherCache {
  readonly #identity: Identity;
  readonly #keys = new Map<string, Promise<CryptoKey>>();
  readonly #maxKeys: number;

  constructor(identity: Identity, maxKeys = 4096) {
    this.#identity = identity;
    this.#maxKeys = maxKeys;
  }

  #key(peerPk: Uint8Array): Promise<CryptoKey> {
    const id = bytesToHex(peerPk);
    let key = this.#keys.get(id);
    if (key === undefined) {
      const raw = busSharedKey(this.#identity.secp256k1.privateKey, peerPk);
      key = globalThis.crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
      raw.fill(0);
      key.catch(() => this.#keys.delete(id));
      this.#keys.set(id, key);
      if (this.#keys.size > this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value as string);
    }
    return key;
  }

  async encrypt(recipientPk: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const key = await this.#key(recipientPk);
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, key, plaintext as Uint8Array<ArrayBuffer>);
    return concatBytes(nonce, new Uint8Array(sealed));
  }

  /** Throws when the data is too short or does not authenticate. */
  async decrypt(senderPk: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    if (data.length < 28) throw new Error('ciphertext too short');
    const key = await this.#key(senderPk);
    const plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: data.subarray(0, 12) as Uint8Array<ArrayBuffer> }, key, data.subarray(12) as Uint8Array<ArrayBuffer>);
    return new Uint8Array(plain);
  }
}
