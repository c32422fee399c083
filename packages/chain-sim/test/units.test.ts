import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';
import { chainError, decodeTransaction, isValidPublicIp4, snakeName, validRelay } from '../src/index.ts';

describe('error names', () => {
  it('code = chain.<snake of the tfchain name>, upstream = the name', () => {
    // expected strings written from the names in spec §2.7, not derived from snakeName
    expect(snakeName('FarmHasNotEnoughPublicIPsFree')).toBe('farm_has_not_enough_public_ips_free');
    expect(snakeName('TFTPriceValueError')).toBe('tft_price_value_error');
    expect(snakeName('TwinNotAuthorizedToCancelContract')).toBe('twin_not_authorized_to_cancel_contract');
    expect(snakeName('InvalidSRUInput')).toBe('invalid_sru_input');
    expect(snakeName('IPsFreed')).toBe('ips_freed');
    const e = chainError('ContractIsNotUnique');
    expect(e).toMatchObject({ name: 'ChainError', code: 'chain.contract_is_not_unique', upstream: 'ContractIsNotUnique' });
    expect(e.toJSON()).toEqual({ name: 'ChainError', code: 'chain.contract_is_not_unique', message: 'ContractIsNotUnique', upstream: 'ContractIsNotUnique' });
  });
});

describe('validators', () => {
  it('relay addresses follow validate_relay_address, including its index-1 dot quirk', () => {
    for (const ok of ['relay.dev.grid.tf', 'r1.grid.tf_r2.grid.tf', 'ab.c', 'RELAY-1.example_2']) expect(validRelay(ok), ok).toBe(true);
    for (const bad of ['', 'relay.', '.relay', 'a.bc', 'ab..c', 'relay grid', 'relé', 'relay/x']) expect(validRelay(bad), bad).toBe(false);
  });

  it('public IPv4 configs: public unicast CIDR containing a public gateway that is not the network address', () => {
    expect(isValidPublicIp4('185.206.122.33/24', '185.206.122.1')).toBe(true);
    expect(isValidPublicIp4('8.8.8.8/32', '8.8.8.8')).toBe(false); // network address of a /32
    expect(isValidPublicIp4('185.206.122.33/24', '185.206.122.0')).toBe(false);
    expect(isValidPublicIp4('185.206.122.33/24', '185.206.123.1')).toBe(false);
    expect(isValidPublicIp4('100.64.1.2/24', '100.64.1.1')).toBe(false);
    expect(isValidPublicIp4('185.206.122.033/24', '185.206.122.1')).toBe(false);
    expect(isValidPublicIp4('185.206.122.33/33', '185.206.122.1')).toBe(false);
    expect(isValidPublicIp4('185.206.122.33/24', '185.206.122.256')).toBe(false);
  });

  it('fuzz: decoding a transaction either succeeds or refuses with CouldNotDecode, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ call: fc.anything(), signer: fc.uint8Array({ minLength: 32, maxLength: 32 }), keyType: fc.constant('ed25519'), nonce: fc.nat(), signature: fc.uint8Array({ minLength: 64, maxLength: 64 }) })), (v) => {
        try {
          decodeTransaction(v);
        } catch (err) {
          expect(err).toMatchObject({ name: 'ChainError', upstream: 'CouldNotDecode' });
        }
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe('public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "Chain",
        "DEV_MNEMONICS",
        "DEV_TERMS_AND_CONDITIONS",
        "LocalChainClient",
        "MAX_DEPLOYMENT_DATA",
        "RPC_CHAIN_ERROR",
        "RPC_INTERNAL_ERROR",
        "RPC_INVALID_PARAMS",
        "RPC_INVALID_REQUEST",
        "RPC_MAX_PAYLOAD",
        "RPC_METHOD_NOT_FOUND",
        "RPC_PARSE_ERROR",
        "RpcChainClient",
        "RpcHandler",
        "STATE_FORMAT",
        "chainError",
        "connectChain",
        "createChain",
        "createDevChain",
        "decodeCall",
        "decodeTransaction",
        "devChainOptions",
        "devIdentity",
        "devSetup",
        "isValidPublicIp4",
        "serveChain",
        "snakeName",
        "validRelay",
      ]
    `);
  });
});
