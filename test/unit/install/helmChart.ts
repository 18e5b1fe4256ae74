import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/metacontroller/types';
import { CHART_PATH, helmNotes, helmTemplate } from '../../../scripts/helm/chart';
import { helmBinary } from '../../../scripts/helm/helm';
import { filesBelow, parseYamlDocuments } from './installFiles';

/** The chart rendered by a real helm (scripts/helm): what `helm install` would apply. */

export const REPO = join(__dirname, '..', '..', '..');

export type Values = Record<string, unknown>;

export interface LoadedChart {
  dir: string;
  /** Chart.yaml as written. */
  metadata: Record<string, unknown>;
  values: Values;
  /** Template files, relative to the chart (`templates/…`). */
  templateFiles: string[];
}

export interface RenderOptions {
  /** Values files, relative to the repository root; `values` override them. */
  valuesFiles?: string[];
  values?: Values;
  releaseName?: string;
  namespace?: string;
}

export interface RenderedChart {
  objects: KubeObject[];
  /** helm's output, as printed. */
  manifests: string;
}

let helm: string | undefined;
/** Extracted on first use, then shared by every render of the test file. */
export function helmPath(): string {
  helm ??= helmBinary(REPO);
  return helm;
}

export function loadChart(dir: string = join(REPO, CHART_PATH)): LoadedChart {
  return {
    dir,
    metadata: parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>,
    values: parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Values,
    templateFiles: filesBelow(join(dir, 'templates')).map((f) => `templates/${f}`),
  };
}

/** The objects of a `helm template` output, strictly parsed. */
export function manifestObjects(manifests: string): KubeObject[] {
  return parseYamlDocuments(manifests, 'helm template') as KubeObject[];
}

/** `helm template` of the repository's chart; a HelmError carries helm's message when it refuses. */
export function renderChart(options: RenderOptions = {}): RenderedChart {
  const manifests = helmTemplate(helmPath(), REPO, CHART_PATH, {
    releaseName: options.releaseName ?? 'lattice',
    namespace: options.namespace ?? 'lattice-gateway-hooks',
    valuesFiles: options.valuesFiles ?? [],
    values: options.values ?? {},
  });
  return { manifests, objects: manifestObjects(manifests) };
}

/** NOTES.txt as `helm install` prints it after installing with these options. */
export function renderNotes(options: RenderOptions = {}): string {
  return helmNotes(helmPath(), REPO, {
    releaseName: options.releaseName ?? 'lattice',
    namespace: options.namespace ?? 'lattice-gateway-hooks',
    valuesFiles: options.valuesFiles ?? [],
    values: options.values ?? {},
  });
}

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export function only<T extends KubeObject = KubeObject>(objects: readonly KubeObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}
