'use strict';
// Study prototype (bench/startup-study.md 2.1), used as `node -r ./bench/startup/lazy-inquirer.js dist/main.js …`:
// nest-commander 3 requires inquirer (and through it lodash, chardet, iconv-lite, ora, …) at load time only to
// hand it to InquirerService. A stand-in in the require cache loads the real module on first property access.
const Module = require('node:module');
const { dirname } = require('node:path');

const INQUIRER_8_EXPORTS = ['prompts', 'Separator', 'ui', 'createPromptModule', 'prompt', 'registerPrompt', 'restoreDefaultPrompts'];

function lazyStandIn(request, fromDir, keys) {
  const path = require.resolve(request, { paths: [fromDir] });
  if (require.cache[path]) return; // already loaded: nothing to save
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  let real;
  const load = () => {
    if (!real) {
      delete require.cache[path];
      real = require(path);
    }
    return real;
  };
  standIn.exports = Object.defineProperties({}, Object.fromEntries(keys.map((k) => [k, { enumerable: true, get: () => load()[k] }])));
  require.cache[path] = standIn;
}

try {
  const nestCommander = dirname(require.resolve('nest-commander/package.json', { paths: [process.cwd()] }));
  lazyStandIn('inquirer', nestCommander, INQUIRER_8_EXPORTS);
} catch {
  // nest-commander or inquirer not installed where expected: load normally.
}
