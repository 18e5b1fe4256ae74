import { createControllers } from '../controllers/registry';
import type { ControllerWiring } from '../controllers/types';
import { controllerManifest, type ControllerManifest } from './controllerManifest';

/**
 * An optional feature that changes the controllers' wiring (for example DNSEndpoint attachments).
 * The install paths render the base wiring and turn a variant on with a kustomize component or a
 * chart value; both are computed from the difference between the two wirings, never written by hand.
 */
export interface WiringVariant {
  /** The kustomize component `metacontroller/components/<component>`. */
  component: string;
  /** The chart value (a path under .Values) that turns the variant on. */
  chartValue: string;
  /** The server's environment that goes with the variant. */
  env: Readonly<Record<string, string>>;
  /** Every controller's wiring with the variant on. */
  wirings: readonly ControllerWiring[];
}

export function wiringVariants(): WiringVariant[] {
  return [
    {
      component: 'external-dns',
      chartValue: 'externalDns.enabled',
      env: { EXTERNAL_DNS_ENDPOINTS: 'true' },
      wirings: createControllers({ externalDnsEndpoints: true }).map((c) => c.wiring),
    },
  ];
}

/** A top-level spec field a variant sets (value) or removes (undefined). */
export interface SpecChange {
  field: string;
  value: unknown;
}

export interface ControllerChanges {
  /** The controller in the base wiring, and with the variant on. */
  base: ControllerManifest;
  variant: ControllerManifest;
  changes: SpecChange[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The spec fields each controller changes with the variant on. A variant may only change specs:
 * another controller set, or other metadata, cannot be expressed as an opt-in, so it throws.
 */
export function variantChanges(base: readonly ControllerWiring[], variant: WiringVariant): ControllerChanges[] {
  const names = (wirings: readonly ControllerWiring[]) => wirings.map((w) => w.name).join(',');
  if (names(base) !== names(variant.wirings)) throw new Error(`variant ${variant.component} changes the set of controllers`);
  const result: ControllerChanges[] = [];
  base.forEach((wiring, index) => {
    const before = controllerManifest(wiring);
    const after = controllerManifest(variant.wirings[index] as ControllerWiring);
    if (!same({ ...before, spec: null }, { ...after, spec: null }))
      throw new Error(`variant ${variant.component} changes more than the spec of ${before.metadata.name}`);
    const fields = [...new Set([...Object.keys(before.spec), ...Object.keys(after.spec)])];
    const changes = fields.filter((f) => !same(before.spec[f], after.spec[f])).map((field) => ({ field, value: after.spec[field] }));
    if (changes.length > 0) result.push({ base: before, variant: after, changes });
  });
  return result;
}
