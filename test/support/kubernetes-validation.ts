/**
 * Validates Kubernetes manifests against the API as kubernetes-models publishes it (generated from the
 * Kubernetes OpenAPI spec), in two passes that catch different mistakes:
 *   1. the JSON schemas (Ajv): types, formats, enums, required fields (`backoffLimit: "two"`);
 *   2. the TypeScript types, with the manifests as object literals: any field the API does not have
 *      (`backofLimit: 2`), which the schemas let through since they allow unknown properties, as the API
 *      server does when it is not asked for strict field validation.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

/** The kinds the deployment kit uses: a model (schemas) and its TypeScript interface. */
const KINDS: Record<string, { model: new (data: any) => { validate(): void }; module: string; type: string }> = {
  'batch/v1 Job': { model: Job, module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
  'apps/v1 Deployment': { model: Deployment, module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'v1 Service': { model: Service, module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1 Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
};

export interface Manifest {
  /** Where it comes from, for messages (file, document index). */
  source: string;
  object: Record<string, any>;
}

/** Every problem of every manifest, by source; a valid manifest maps to `[]`. */
export function validateManifests(manifests: readonly Manifest[]): Map<string, string[]> {
  const problems = new Map(manifests.map((m) => [m.source, [] as string[]]));
  const typed: { manifest: Manifest; kind: (typeof KINDS)[string] }[] = [];
  for (const manifest of manifests) {
    const key = `${manifest.object?.apiVersion} ${manifest.object?.kind}`;
    const kind = KINDS[key];
    if (!kind) {
      problems.get(manifest.source)!.push(`no model for ${key} (known: ${Object.keys(KINDS).join(', ')})`);
      continue;
    }
    try {
      new kind.model(manifest.object).validate();
    } catch (error) {
      problems.get(manifest.source)!.push(`schema: ${(error as Error).message}`);
    }
    typed.push({ manifest, kind });
  }
  for (const [source, messages] of typeCheck(typed)) problems.get(source)!.push(...messages);
  return problems;
}

/** Type-checks every manifest as an object literal of its kind's interface, in one program. */
function typeCheck(items: readonly { manifest: Manifest; kind: (typeof KINDS)[string] }[]): Map<string, string[]> {
  // A virtual file beside the tests, so that `kubernetes-models` resolves from the repository's node_modules.
  const fileName = join(__dirname, '__manifests__.ts');
  const imports = [...new Set(items.map(({ kind }) => `import type { ${kind.type} } from '${kind.module}';`))];
  let text = imports.join('\n') + '\n';
  const spans: { source: string; start: number; end: number }[] = [];
  items.forEach(({ manifest, kind }, i) => {
    const start = text.length;
    text += `export const m${i}: ${kind.type} = ${JSON.stringify(manifest.object, null, 1)};\n`;
    spans.push({ source: manifest.source, start, end: text.length });
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const found = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n')[0];
    const span = diagnostic.file?.fileName === fileName ? spans.find((s) => diagnostic.start! >= s.start && diagnostic.start! < s.end) : undefined;
    const source = span?.source ?? items[0]?.manifest.source ?? 'program';
    const line = span ? text.slice(text.lastIndexOf('\n', diagnostic.start!) + 1, text.indexOf('\n', diagnostic.start!)).trim() : '';
    const at = line ? ` (at ${line})` : '';
    found.set(source, [...(found.get(source) ?? []), `types: ${message}${at}`]);
  }
  return found;
}

