/**
 * Renders the small subset of Helm's templating that the deployment kit's chart uses, so that its
 * templates can be validated as the manifests Helm would send: `{{ .Values.a.b }}`, `{{ .Release.Name }}`,
 * `{{ .Release.Namespace }}`, `{{ .Chart.Name }}`, `{{ .Chart.Version }}`, `{{ .Chart.AppVersion }}`, each
 * optionally piped to `quote`. Anything else (functions, conditions, ranges, includes) is refused rather
 * than rendered wrongly: a chart that needs more needs Helm itself to check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface HelmRelease {
  name: string;
  namespace: string;
}

/** Renders every template of the chart in `chartDir` with its values.yaml, by template file name. */
export function renderChart(chartDir: string, release: HelmRelease): Map<string, string> {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const scope = {
    Values: values,
    Release: { Name: release.name, Namespace: release.namespace },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const templates = join(chartDir, 'templates');
  return new Map(
    readdirSync(templates)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => [name, renderTemplate(readFileSync(join(templates, name), 'utf8'), scope, name)]),
  );
}

/** Renders one template; throws on an expression outside the subset or a value that is not there. */
export function renderTemplate(template: string, scope: Record<string, unknown>, name = 'template'): string {
  return template.replace(/\{\{(.*?)\}\}/g, (action, inner: string) => {
    const match = /^\s*\.((?:Values|Release|Chart)(?:\.\w+)+)\s*(\|\s*quote\s*)?$/.exec(inner);
    if (!match) throw new Error(`${name}: ${action} is outside the templating this renderer supports`);
    const value = match[1].split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), scope);
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(`${name}: ${action} has no scalar value`);
    }
    return match[2] ? JSON.stringify(String(value)) : String(value);
  });
}
