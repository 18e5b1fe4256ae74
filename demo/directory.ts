import type { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { buildDirectory } from '../src/directory/model';
import { readAccount } from '../src/directory/read';
import { findingLines, serviceLines, summaryLines } from '../src/directory/render';
import type { Directory } from '../src/directory/types';
import { startRefresher } from '../src/directory/web/refresher';
import { buildDirectoryPage } from '../src/directory/web/server';
import { CallBudget } from '../src/lattice/callBudget';
import { DirectoryApi } from '../src/lattice/directoryApi';
import { createLogger } from '../src/log';
import type { AwsIdentity } from '../src/model/identity';

/** The port `npm run demo -- --directory` serves the page on. */
export const DEMO_DIRECTORY_PORT = 8282;

/** `lattice-gw directory`'s read of the demo's emulator, through the same code. */
export function demoDirectoryReader(lattice: VPCLatticeClient, identity: AwsIdentity): () => Promise<Directory> {
  const api = new DirectoryApi(lattice, new CallBudget({ ratePerSecond: 1000, burst: 1000 }));
  return async () =>
    buildDirectory(await readAccount(api, { account: identity.accountId }), { thisCluster: identity.managedBy, rulesPerListener: 10 });
}

export function directoryLines(directory: Directory): string[] {
  return [
    ...summaryLines(directory).map((l) => `  ${l.trimStart()}`),
    '',
    ...serviceLines(directory, '  '),
    '',
    ...findingLines(directory.findings, '  '),
  ];
}

/** Serves the directory page on loopback until `done` resolves (Ctrl-C in `npm run demo -- --directory`). */
export async function serveDirectoryPage(read: () => Promise<Directory>, out: (line: string) => void, done: Promise<void>): Promise<void> {
  const logger = createLogger('silent');
  const refresher = startRefresher(read, 10_000, logger);
  await refresher.refresh();
  const app = await buildDirectoryPage({ refresher, refreshSeconds: 10, logger });
  const url = await app.listen({ port: DEMO_DIRECTORY_PORT, host: '127.0.0.1' });
  out('');
  out(`  The service directory page is at ${url}/ — press Ctrl-C to go on (delete everything).`);
  try {
    await done;
  } finally {
    refresher.stop();
    await app.close();
  }
}
