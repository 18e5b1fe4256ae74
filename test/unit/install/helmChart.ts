import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/metacontroller/types';
import { TemplateSet } from './goTemplate';
import { filesBelow, parseYamlDocuments } from './installFiles';

/** The chart rendered the way `helm template` does, with the subset interpreter of goTemplate.ts. */

export type Values = Record<string, unknown>;

export interface LoadedChart {
  dir: string;
  /** Chart.yaml as written. */
  metadata: Record<string, unknown>;
  values: Values;
  /** Template files, relative to the chart (`templates/…`). */
  templateFiles: string[];
  templates: TemplateSet;
}

export interface RenderOptions {
  values?: Values;
  releaseName?: string;
  namespace?: string;
}

export interface RenderedChart {
  objects: KubeObject[];
  /** Rendered text by template file, before YAML parsing. */
  files: Map<string, string>;
  notes: string;
}

function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Helm's coalescing of user values over the chart's: maps merge, anything else replaces, null deletes. */
export function mergeValues(base: Values, overrides: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}

export function loadChart(dir: string): LoadedChart {
  const templates = new TemplateSet();
  const templateFiles = filesBelow(join(dir, 'templates')).map((f) => `templates/${f}`);
  for (const file of templateFiles) templates.add(file, readFileSync(join(dir, file), 'utf8'));
  return {
    dir,
    metadata: parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>,
    values: parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Values,
    templateFiles,
    templates,
  };
}

/** `.Chart` as Helm exposes it: Chart.yaml's fields with capitalised names. */
function chartObject(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key.charAt(0).toUpperCase() + key.slice(1), value]));
}

export function renderChart(chart: LoadedChart, options: RenderOptions = {}): RenderedChart {
  const releaseName = options.releaseName ?? 'lattice';
  const namespace = options.namespace ?? 'lattice-gateway-hooks';
  const data = {
    Values: mergeValues(chart.values, options.values ?? {}),
    Release: { Name: releaseName, Namespace: namespace, Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: chartObject(chart.metadata),
  };
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  let notes = '';
  for (const file of chart.templateFiles) {
    const base = file.split('/').pop() ?? file;
    if (base.startsWith('_')) continue;
    const output = chart.templates.render(file, data);
    if (base === 'NOTES.txt') {
      notes = output;
      continue;
    }
    files.set(file, output);
    for (const document of output.split(/^---[ \t]*$/m)) {
      for (const object of parseYamlDocuments(document, file)) objects.push(object as KubeObject);
    }
  }
  return { objects, files, notes };
}

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export function only<T extends KubeObject = KubeObject>(objects: readonly KubeObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}
