// @ts-check
/**
 * Jest runs CommonJS, and NestJS 12 ships its packages as ES modules, which Node loads through
 * require(esm) but Jest's module system cannot. This transformer turns those files into CommonJS with
 * TypeScript's transpiler, mapping `import.meta` to its CommonJS equivalents, so that tests can use
 * @nestjs/testing in-process.
 */
const { createHash } = require('node:crypto');
const ts = require('typescript');

// `const require = createRequire(import.meta.url)` re-declares CommonJS's own `require`: drop it.
const OWN_REQUIRE = /^\s*const require = createRequire\(import\.meta\.url\);?\s*$/m;
const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
const IMPORT_META_DIRNAME = /\bimport\.meta\.dirname\b/g;
const IMPORT_META_FILENAME = /\bimport\.meta\.filename\b/g;
const IMPORT_META_RESOLVE = /\bimport\.meta\.resolve\(/g;

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha256').update('esm-to-cjs-3').update(path).update(source).digest('hex');
  },
  process(source, path) {
    const patched = source
      .replace(OWN_REQUIRE, '')
      .replace(IMPORT_META_URL, "require('node:url').pathToFileURL(__filename).href")
      .replace(IMPORT_META_DIRNAME, '__dirname')
      .replace(IMPORT_META_FILENAME, '__filename')
      .replace(IMPORT_META_RESOLVE, 'require.resolve(');
    const { outputText, sourceMapText } = ts.transpileModule(patched, {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText };
  },
};
