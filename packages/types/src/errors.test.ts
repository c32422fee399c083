import { describe, expect, it } from 'vitest';
import { ChainError, DecodeError, Sc4itError, isRetryable, isSc4itError } from './index.ts';

describe('Sc4itError', () => {
  it('carries a stable code, name, field and upstream value', () => {
    const err = new ChainError('chain.twin_not_exists', 'twin does not exist', { upstream: 'TwinNotExists', field: 'twinId' });
    expect(err).toBeInstanceOf(Sc4itError);
    expect(err.name).toBe('ChainError');
    expect(err.code).toBe('chain.twin_not_exists');
    expect(err.upstream).toBe('TwinNotExists');
    expect(err.message).toContain('field: twinId');
    expect(err.toJSON()).toEqual({ name: 'ChainError', code: 'chain.twin_not_exists', message: 'twin does not exist', field: 'twinId', upstream: 'TwinNotExists' });
  });

  it('walks the cause chain', () => {
    const root = new Error('root');
    const err = new DecodeError('decode.json', 'bad', { cause: root });
    expect(err.walk()).toBe(root);
    expect(err.walk((e) => e instanceof DecodeError)).toBe(err);
  });

  it('tells retryable codes apart and recognises errors by shape', () => {
    expect(isRetryable('transport.timeout')).toBe(true);
    expect(isRetryable('chain.x')).toBe(false);
    const foreign = Object.assign(new Error('x'), { code: 'crypto.bad_signature' });
    expect(isSc4itError(foreign)).toBe(true);
    expect(isSc4itError(new Error('x'))).toBe(false);
  });
});
