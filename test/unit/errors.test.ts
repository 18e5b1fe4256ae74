import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, HookRequestError, LatticeGwError, RetryLaterError, statusCodeOf, type ErrorCode } from '../../src/errors';
import { FASTIFY_ERROR_CODES } from '../../src/server/fastifyErrors';

const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

/** The rows of the markdown table whose header starts with `firstHeader`, as cells without backticks. */
function tableRows(firstHeader: string): string[][] {
  const lines = docs.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  }
  return rows;
}

describe('error codes', () => {
  it('are documented in docs/errors.md with the HTTP status and the description of the registry, and no others', () => {
    const documented = Object.fromEntries(
      tableRows('Code').map(([code, status, meaning]) => [
        code,
        { statusCode: status === '—' ? null : Number(status), description: meaning },
      ]),
    );
    expect(documented).toEqual(ERROR_CODES);
  });

  it('document the translation of every Fastify error the server answers', () => {
    expect(Object.fromEntries(tableRows('Fastify error'))).toEqual(FASTIFY_ERROR_CODES);
  });

  it('give errors the HTTP status of their code', () => {
    expect(new HookRequestError('LGW_HOOK_INVALID_ENVELOPE', 'bad', '/object').statusCode).toBe(400);
    expect(new RetryLaterError('throttled', 1).statusCode).toBe(429);
    expect(new LatticeGwError('LGW_AWS_UNAVAILABLE', 'no AWS').statusCode).toBe(500);
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(new LatticeGwError(code, 'x').statusCode).toBe(statusCodeOf(code));
    }
  });

  it('answer Retry-After in whole seconds from 1 to 300, whatever AWS said', () => {
    const after = (seconds: number) => new RetryLaterError('throttled', seconds).retryAfterSeconds;
    expect([after(2.2), after(0), after(-3), after(86_400), after(Number.NaN), after(Infinity)]).toEqual([3, 1, 1, 300, 1, 1]);
  });

  it('treat a code without an HTTP status as internal should it ever reach a request', () => {
    expect(statusCodeOf('LGW_CONFIG_INVALID')).toBe(500);
  });
});
