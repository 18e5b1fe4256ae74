import { stringify } from 'yaml';
import { metacontrollerName, type ControllerWiring } from '../controllers/types';
import { controllerManifest } from './controllerManifest';
import { gatewayClass } from './install';
import { crdFileName, GENERATED_HEADER, yamlFile } from './manifests';
import { variantChanges, wiringVariants, type ControllerChanges, type WiringVariant } from './variants';

/** Generated templates of the Helm chart live here; every other template is written by hand. */
export const CHART_GENERATED_TEMPLATES = 'templates/generated';

/**
 * The Helm expressions of the generated templates: plain value substitutions and includes of
 * helpers from the chart's hand-written `templates/_helpers.tpl`, which hold all the logic.
 */
export const HELM_EXPRESSIONS = {
  hookServiceName: 'include "lattice-gateway-hooks.hookServiceName" .',
  namespace: '.Release.Namespace',
  servicePort: '.Values.service.port',
  hookProtocol: 'include "lattice-gateway-hooks.hookProtocol" .',
  endpointConfigs: 'include "lattice-gateway-hooks.endpointConfigs" .',
  gatewayClassName: '.Values.gatewayClass.name | quote',
  controllerName: '.Values.config.controllerName | quote',
  gatewayClassCreate: '.Values.gatewayClass.create',
} as const;

/**
 * Builds YAML in which placeholders become Helm actions: the object is rendered as usual, then
 * each placeholder scalar becomes `{{ expression }}`, and each placeholder key line becomes either
 * an indented `{{- expression | nindent n }}` (optional blocks such as endpointConfigs) or
 * template lines indented like the key (fields under `{{- if … }}`).
 */
class HelmYaml {
  private readonly values = new Map<string, string>();
  private readonly lines = new Map<string, (indent: string) => string>();

  value(expression: string): string {
    for (const [token, known] of this.values) if (known === expression) return token;
    const token = `helm-value-${this.values.size}`;
    this.values.set(token, expression);
    return token;
  }

  /** A key whose line becomes `{{- expression | nindent <its indentation> }}`. */
  block(expression: string): string {
    return this.line((indent) => `${indent}{{- ${expression} | nindent ${indent.length} }}`);
  }

  /** A key whose line becomes these template lines, indented like the key. */
  template(text: string): string {
    return this.line((indent) =>
      text
        .split('\n')
        .map((l) => indent + l)
        .join('\n'),
    );
  }

  private line(render: (indent: string) => string): string {
    const token = `helm-line-${this.lines.size}`;
    this.lines.set(token, render);
    return token;
  }

  render(object: unknown): string {
    let text = stringify(object, { lineWidth: 0 });
    for (const [token, render] of this.lines) {
      const line = new RegExp(`^( *)${token}: null$`, 'm');
      if (!line.test(text)) throw new Error(`placeholder ${token} was not rendered as a key`);
      text = text.replace(line, (_match, indent: string) => render(indent));
    }
    for (const [token, expression] of this.values) {
      if (!text.includes(token)) throw new Error(`placeholder ${token} was not rendered`);
      text = text.replaceAll(token, `{{ ${expression} }}`);
    }
    return text;
  }
}

/** `field` with its variant value under the variant's chart value, and its base value otherwise. */
function conditionalField(chartValue: string, field: string, on: unknown, off: unknown): string {
  const yaml = (value: unknown) => stringify({ [field]: value }, { lineWidth: 0 }).trimEnd();
  if (on === undefined) return [`{{- if not .Values.${chartValue} }}`, yaml(off), '{{- end }}'].join('\n');
  return [`{{- if .Values.${chartValue} }}`, yaml(on), ...(off === undefined ? [] : ['{{- else }}', yaml(off)]), '{{- end }}'].join('\n');
}

interface VariantEdit {
  variant: WiringVariant;
  controller: ControllerChanges;
}

/**
 * The spec with each variant's fields as conditional template lines: in place when the base has
 * the field, otherwise after the field that precedes it in the variant's spec.
 */
function specWithVariants(helm: HelmYaml, spec: Record<string, unknown>, edits: readonly VariantEdit[]): Record<string, unknown> {
  const entries = Object.entries(spec).map(([field, value]) => ({ field, key: field, value }));
  const claimed = new Set<string>();
  for (const { variant, controller } of edits) {
    const order = Object.keys(controller.variant.spec);
    for (const change of controller.changes) {
      if (claimed.has(change.field)) throw new Error(`two variants change ${controller.base.metadata.name} spec.${change.field}`);
      claimed.add(change.field);
      const key = helm.template(conditionalField(variant.chartValue, change.field, change.value, spec[change.field]));
      const existing = entries.find((e) => e.field === change.field);
      if (existing) {
        existing.key = key;
        existing.value = null;
        continue;
      }
      const before = order.slice(0, order.indexOf(change.field)).reverse();
      const after = entries.findIndex((e) => e.field === before.find((f) => entries.some((x) => x.field === f)));
      entries.splice(after + 1, 0, { field: change.field, key, value: null });
    }
  }
  return Object.fromEntries(entries.map((e) => [e.key, e.value]));
}

/** A controller as in `metacontroller/`, but calling the release's Service, with the release's hook auth, TLS and variants. */
function controllerTemplate(wiring: ControllerWiring, edits: readonly VariantEdit[]): string {
  const helm = new HelmYaml();
  const manifest = controllerManifest(wiring);
  for (const hook of Object.values(manifest.spec.hooks as Record<string, { webhook: { service: unknown } }>)) {
    hook.webhook.service = {
      name: helm.value(HELM_EXPRESSIONS.hookServiceName),
      namespace: helm.value(HELM_EXPRESSIONS.namespace),
      port: helm.value(HELM_EXPRESSIONS.servicePort),
      protocol: helm.value(HELM_EXPRESSIONS.hookProtocol),
    };
  }
  const spec = specWithVariants(helm, manifest.spec, edits);
  spec[helm.block(HELM_EXPRESSIONS.endpointConfigs)] = null;
  return GENERATED_HEADER + helm.render({ ...manifest, spec });
}

function gatewayClassTemplate(): string {
  const helm = new HelmYaml();
  const body = helm.render(gatewayClass(helm.value(HELM_EXPRESSIONS.gatewayClassName), helm.value(HELM_EXPRESSIONS.controllerName)));
  return `${GENERATED_HEADER}{{- if ${HELM_EXPRESSIONS.gatewayClassCreate} }}\n${body}{{- end }}\n`;
}

/**
 * The generated files of the Helm chart, relative to the chart directory: the CRDs (Helm's `crds/`,
 * identical to `metacontroller/crds/`), one template per controller and the GatewayClass template.
 */
export function renderChartFiles(
  wirings: readonly ControllerWiring[],
  crds: readonly Record<string, unknown>[],
  variants: readonly WiringVariant[] = wiringVariants(),
): Map<string, string> {
  const edits = variants.flatMap((variant) => variantChanges(wirings, variant).map((controller) => ({ variant, controller })));
  const files = new Map<string, string>();
  for (const crd of crds) files.set(crdFileName(crd), yamlFile(crd));
  for (const wiring of wirings) {
    const name = metacontrollerName(wiring);
    files.set(
      `${CHART_GENERATED_TEMPLATES}/${name}.yaml`,
      controllerTemplate(
        wiring,
        edits.filter((e) => e.controller.base.metadata.name === name),
      ),
    );
  }
  files.set(`${CHART_GENERATED_TEMPLATES}/gatewayclass.yaml`, gatewayClassTemplate());
  return files;
}
