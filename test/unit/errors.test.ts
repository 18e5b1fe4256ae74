import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/errors';

describe('error codes', () => {
  it('are all documented in docs/errors.md, and the docs list no code that does not exist', () => {
    const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    const documented = new Set([...docs.matchAll(/`(LGW_[A-Z_]+)`/g)].map((m) => m[1]));
    expect(documented).toEqual(new Set(Object.keys(ERROR_CODES)));
  });
});
