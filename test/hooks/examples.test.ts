import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from '../support/app';

describe('examples/hooks (the README’s curl example)', () => {
  it('gatewayclass-sync.json answers Accepted=True', async () => {
    const t = await testApp();
    try {
      const payload = readFileSync(join(__dirname, '..', '..', 'examples', 'hooks', 'gatewayclass-sync.json'), 'utf8');
      const res = await t.app.inject({
        method: 'POST',
        url: '/hooks/gatewayclass/sync',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Accepted', status: 'True', reason: 'Accepted' }),
      );
    } finally {
      await t.app.close();
    }
  });
});
