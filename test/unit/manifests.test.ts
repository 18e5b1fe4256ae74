import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createControllers } from '../../src/controllers/registry';
import { DEFAULT_HOOK_SERVICE, renderManifestFiles } from '../../src/install/manifests';
import { loadControllers } from '../../tools/metacontroller/manifests';
import { crdManifests } from '../../src/crds';
import { MANIFESTS_DIR } from '../support/harness';

describe('metacontroller/ manifests', () => {
  it('are exactly what `npm run manifests` renders from the served controllers (run it after changing a wiring)', () => {
    const rendered = renderManifestFiles(
      createControllers().map((c) => c.wiring),
      crdManifests(),
    );
    const committed = readdirSync(MANIFESTS_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    expect(committed.sort()).toEqual([...rendered.keys()].sort());
    for (const [name, content] of rendered) expect(readFileSync(join(MANIFESTS_DIR, name), 'utf8')).toBe(content);
  });

  it('wire every hook as v2 to the one hook Service, on the paths the server serves', () => {
    const served = createControllers();
    const loaded = loadControllers(MANIFESTS_DIR);
    expect(loaded.map((c) => c.name)).toEqual(served.map((c) => `lattice-${c.wiring.name}`));
    for (const controller of loaded) {
      const wiring = served.find((c) => `lattice-${c.wiring.name}` === controller.name)?.wiring;
      for (const [hook, definition] of Object.entries(controller.hooks)) {
        if (!definition) continue;
        expect(definition.version).toBe('v2');
        expect(definition.url).toBe(
          `http://${DEFAULT_HOOK_SERVICE.name}.${DEFAULT_HOOK_SERVICE.namespace}:80/hooks/${wiring?.name}/${hook}`,
        );
        expect(definition.timeoutMs).toBe(10_000);
      }
      expect(controller.hooks.finalize !== undefined).toBe(wiring?.hooks.finalize);
      expect(controller.hooks.customize !== undefined).toBe(wiring?.hooks.customize);
    }
  });

  it('never put a finalizer on unlabelled Gateway API objects: only controllers selecting the managed label have finalize hooks', () => {
    for (const controller of loadControllers(MANIFESTS_DIR)) {
      if (!controller.hooks.finalize || controller.kind !== 'DecoratorController') continue;
      for (const target of controller.targets) {
        if (target.apiVersion.startsWith('gateway.networking.k8s.io/')) {
          expect(target.labelSelector?.matchLabels?.['application-networking.k8s.aws/managed']).toBe('true');
        }
      }
    }
  });
});
