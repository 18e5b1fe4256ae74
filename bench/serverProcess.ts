import { startHookService } from '../tools/hookService';
import { MemorySampler } from './memory';

/**
 * The hook server alone in a process of its own (started by the benchmark with fork()), so that
 * the memory it reports is the server's, not the emulator's or the driver's. Configured by the
 * environment like `lattice-gw serve`; BENCH_EMULATOR_ENDPOINT says where the emulator listens.
 * Messages: it sends `{ type: 'ready', url }`; it answers `'memory'` with `{ type: 'memory', peak }`
 * and exits on `'close'`.
 */
async function main(): Promise<void> {
  const sampler = new MemorySampler();
  const endpoint = process.env.BENCH_EMULATOR_ENDPOINT;
  if (!endpoint) throw new Error('BENCH_EMULATOR_ENDPOINT is not set');
  const { server } = await startHookService(process.env, endpoint);
  process.on('message', (message: unknown) => {
    if (message === 'memory') process.send?.({ type: 'memory', peak: sampler.peak() });
    if (message === 'close') {
      sampler.stop();
      void server.close().then(() => process.exit(0));
    }
  });
  // The benchmark gone (killed, even with SIGKILL, or crashed) closes the channel: nothing is left running.
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
