import { GetServiceCommand } from '@aws-sdk/client-vpc-lattice';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { loadConfig } from '../../src/config';
import { startEmulator } from '../../src/emulator';
import { createAwsClients, destroyAwsClients } from '../../src/lattice/clients';
import { AdminApi } from '../../tools/emulatorAdmin';
import { refOf } from '../../tools/metacontroller/refs';
import { allConverged, allDeleted, duplicates, fleetObjects, held, heldByConvergedFleet } from '../support/fleet';
import { installGatewayApi, metric, startHarness, type Harness } from '../support/harness';

/**
 * A fleet created and deleted against a Lattice that throttles: the emulator's token bucket
 * answers 429 ThrottlingException with Retry-After once its burst is spent, and the server's call
 * budget allows more than that rate, so the server is throttled and must cope.
 *
 * 16 routes keep the run under a minute on a busy 2-core machine (each route costs about 48
 * Lattice calls to create and delete); STORM_ROUTES=50 runs the fleet of 50.
 */

const ROUTES = Number(process.env.STORM_ROUTES ?? 16);
const HOOK_DEADLINE_MS = 2000;
/** The emulator's bucket over every Lattice call. */
const LATTICE_RATE = { ratePerSecond: 20, burst: 20 };
/** The server's budget: twice what Lattice allows. */
const BUDGET = { LATTICE_API_RPS: '40', LATTICE_API_BURST: '10' };
const PHASE_TIMEOUT_MS = Math.max(60_000, ROUTES * 4000);

describe('a throttling storm', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      transitionMs: 0,
      env: { ...BUDGET, HOOK_DEADLINE_MS: String(HOOK_DEADLINE_MS), LOG_LEVEL: 'info', DRIFT_CHECK_SECONDS: '0' },
    });
    installGatewayApi(h.cluster);
    await h.admin.config({ throttle: LATTICE_RATE });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    `creates and deletes ${ROUTES} routes with no leak, no duplicate, no failed hook and none past its deadline`,
    async () => {
      const objects = fleetObjects(ROUTES);
      for (const object of objects) h.cluster.apply(object);
      await h.driver.runUntil(() => allConverged(h.cluster, objects), { timeoutMs: PHASE_TIMEOUT_MS });
      await h.driver.runUntilStable({ timeoutMs: 30_000 });

      const state = await h.admin.state();
      expect(duplicates(state)).toEqual([]);
      expect(held(state)).toEqual(heldByConvergedFleet(ROUTES));

      for (const object of [...objects].reverse()) h.cluster.delete(refOf(object));
      await h.driver.runUntil(() => allDeleted(h.cluster, objects), { timeoutMs: PHASE_TIMEOUT_MS });
      expect(held(await h.admin.state())).toEqual({});

      // It was a storm: Lattice answered more attempts than the hooks made calls (the call sessions
      // sent the throttled ones again with the budget's next token; no other fault was injected).
      const counted = await h.admin.calls();
      // The harness resolves the account through STS once, outside any hook.
      const attempts = counted.total - (counted.byOperation.GetCallerIdentity ?? 0);
      const calls = await metric(h, 'lattice_gw_aws_calls_total');
      expect(attempts).toBeGreaterThan(calls);
      // Every hook answered 200, or 429 with Retry-After (Metacontroller retries those without an
      // error): none failed, and none ran into Metacontroller's own timeout (10 s, the hooks'
      // deadline being 2 s), which the driver would have recorded as an error.
      expect(h.driver.events).toEqual([]);
      expect(h.driver.calls.filter((c) => c.statusCode !== 200 && !(c.statusCode === 429 && c.retryAfter !== undefined))).toEqual([]);
    },
    2 * PHASE_TIMEOUT_MS + 60_000,
  );
});

describe("the server's SDK clients", () => {
  it('retry a server error themselves, and leave a throttled Lattice call to the call budget (each attempt with its token)', async () => {
    const emulator = await startEmulator({ port: 0 });
    const clients = createAwsClients(loadConfig({ LATTICE_BACKEND: 'emulator', AWS_REGION: 'us-west-2' }), emulator.endpoint);
    const admin = new AdminApi(emulator.endpoint);
    try {
      const getService = () => clients.lattice.send(new GetServiceCommand({ serviceIdentifier: 'svc-0123456789abcdef0' }));
      await admin.addFault({ operation: 'GetService', error: 'InternalServerException', times: 1 });
      await expect(getService()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect((await admin.calls()).byOperation.GetService).toBe(2);

      await admin.resetCalls();
      await admin.addFault({ operation: 'GetService', error: 'ThrottlingException', times: 1 });
      await expect(getService()).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect((await admin.calls()).byOperation.GetService).toBe(1);

      // A throttled tagging call is not retried either: the teardown lists target groups instead at once.
      await admin.addFault({ operation: 'GetResources', error: 'ThrottlingException', times: 1 });
      await expect(clients.tagging.send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'ThrottledException' });
      expect((await admin.calls()).byOperation.GetResources).toBe(1);
    } finally {
      destroyAwsClients(clients);
      await emulator.close();
    }
  });
});
