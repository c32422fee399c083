import { describe, expect, it } from 'vitest';
import { listVectorFiles, lintVectorFile, loadVectors } from '../src/index.ts';

describe('vector files', () => {
  it('the linter catches unsound files', () => {
    const bad = {
      schema: 's', suite: 'x', version: '1', header: [], notes: {}, numberOfTests: 3,
      testGroups: [{ type: 't', tests: [
        { tcId: 1, comment: '', flags: ['NOPE'], source: 'x', result: 'valid' },
        { tcId: 1, comment: '', flags: [], source: '', result: 'invalid' },
      ] }],
    };
    const problems = lintVectorFile(bad as never);
    expect(problems).toContain('tcId 1: undefined flag NOPE');
    expect(problems).toContain('tcId 1: duplicate tcId');
    expect(problems).toContain('tcId 1: missing source');
    expect(problems).toContain('tcId 1: invalid test without error code');
    expect(problems).toContain('numberOfTests is 3, counted 2');
  });

  for (const { suite, topic } of listVectorFiles()) {
    it(`${suite}/${topic} is sound`, () => {
      expect(() => loadVectors(suite, topic)).not.toThrow();
    });
  }
});
