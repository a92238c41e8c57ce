// @ts-check
/**
 * Builds and runs a Dockerfile without a Docker engine, closely enough to catch what breaks images:
 * each stage is a folder that stands for the stage's root filesystem, COPY copies what Docker would copy
 * (the build context minus .dockerignore, or another stage's files, symbolic links kept), RUN runs in the
 * stage's WORKDIR with its ENV, and the final command runs as the image's USER (through `setpriv`, so a
 * file the image's user may not read or write fails here as it would in the container).
 *
 * What it cannot do, and says so by refusing: base-image contents (the host's `node` and `npm` stand for the
 * image's), RUN of anything but npm, node and file commands, absolute paths in RUN (both would touch the
 * host), heredocs, ADD, wildcards, mounts other than a cache (the host's npm cache stands for it), user names
 * other than `root` and `node`.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { DockerfileParser } = require('dockerfile-ast');

/**
 * What RUN may call: these act on the working folder (the stage), unlike a package manager of the OS or
 * anything that writes outside it, which would change the host.
 */
const HOST_SAFE_PROGRAMS = new Set(['npm', 'npx', 'node', 'mkdir', 'rm', 'cp', 'mv', 'ls', 'echo', 'true']);

/** Users of the official `node` images; any other name would need the image's /etc/passwd. */
const KNOWN_USERS = { root: [0, 0], node: [1000, 1000] };

/**
 * Host variables a build may need to reach the registry, as BuildKit passes its predefined proxy build
 * arguments. Not every npm_config_*: under `npm run`, npm_config_local_prefix would point npm at the
 * repository instead of the stage.
 */
const PASSED_THROUGH = /^(npm_config_(registry|cache|userconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)|https?_proxy|no_proxy)$/i;

/**
 * @typedef {{ keyword: string, line: number, args: string[], content: string, flags: Record<string, string | null>,
 *   json: string[] | null, properties: [string, string][] }} Step
 * @typedef {{ index: number, name: string | null, image: string, steps: Step[] }} Stage
 * @typedef {{ directives: Record<string, string>, args: Record<string, string>, stages: Stage[] }} ParsedDockerfile
 * @typedef {{ root: string, workdir: string, env: Record<string, string>, buildArgs: Record<string, string>,
 *   user: string, entrypoint: string[], cmd: string[], exposed: string[] }} BuiltStage
 */

/**
 * Parses a Dockerfile into stages of plain steps.
 * @param {string} text
 * @returns {ParsedDockerfile}
 */
function parseDockerfile(text) {
  const dockerfile = DockerfileParser.parse(text);
  /** @type {Record<string, string>} */
  const directives = {};
  for (const directive of dockerfile.getDirectives()) directives[directive.getName()] = directive.getValue();
  /** @type {Record<string, string>} */
  const args = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const [property] = arg.getProperties();
    if (property) args[property.getName()] = property.getValue() ?? '';
  }
  /** @type {Stage[]} */
  const stages = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const words = instruction.getArguments().map((a) => a.getValue());
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      const image = words[0].replace(/\$\{?(\w+)\}?/g, (_, name) => args[name] ?? '');
      stages.push({ index: stages.length, name: as > 0 ? words[as + 1] : null, image, steps: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue; // ARG before the first FROM: read above
    const anyInstruction = /** @type {any} */ (instruction);
    if (typeof anyInstruction.getHeredocs === 'function' && anyInstruction.getHeredocs().length) {
      throw new Error(`line ${line}: heredocs are not supported by the emulator`);
    }
    /** @type {Record<string, string | null>} */
    const flags = {};
    if (typeof anyInstruction.getFlags === 'function') {
      for (const flag of anyInstruction.getFlags()) flags[flag.getName()] = flag.getValue();
    }
    const json =
      typeof anyInstruction.getJSONStrings === 'function' && anyInstruction.getJSONStrings().length
        ? anyInstruction.getJSONStrings().map((/** @type {any} */ s) => s.getJSONValue())
        : null;
    const properties =
      typeof anyInstruction.getProperties === 'function'
        ? anyInstruction.getProperties().map((/** @type {any} */ p) => [p.getName(), p.getValue() ?? ''])
        : [];
    stage.steps.push({
      keyword,
      line,
      args: instruction.getArguments().map((a) => a.getValue()),
      content: instruction.getArgumentsContent() ?? '',
      flags,
      json,
      properties,
    });
  }
  return { directives, args, stages };
}

/**
 * A .dockerignore as a predicate on context-relative paths (forward slashes): the last matching rule
 * wins, `!` re-includes, and a rule that matches a folder matches everything in it.
 * @param {string} text
 * @returns {{ ignores: (relativePath: string) => boolean, hasExceptions: boolean }}
 */
function dockerignore(text) {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = path.posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { negate, regex: globToRegExp(pattern) };
    });
  return {
    hasExceptions: rules.some((rule) => rule.negate),
    ignores(relativePath) {
      const parts = relativePath.split('/');
      const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      let ignored = false;
      for (const rule of rules) {
        if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negate;
      }
      return ignored;
    },
  };
}

/** @param {string} pattern */
function globToRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Builds the stages of a Dockerfile up to `target` (default: the last) in `workDir`, whose parent folders
 * the image's user must be able to traverse (`workDir` itself is made 0755).
 * @param {{ dockerfile: string, context: string, workDir: string, target?: string,
 *   log?: (line: string) => void }} options
 * @returns {BuiltStage}
 */
function build({ dockerfile, context, workDir, target, log = () => undefined }) {
  const parsed = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
  const ignoreFile = path.join(context, '.dockerignore');
  const ignore = dockerignore(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '');
  fs.mkdirSync(workDir, { recursive: true });
  fs.chmodSync(workDir, 0o755); // the image's user must reach the runtime stage's files
  const last = target === undefined ? parsed.stages[parsed.stages.length - 1] : findStage(parsed.stages, target);
  /** @type {Map<number, BuiltStage>} */
  const built = new Map();
  for (const stage of parsed.stages.slice(0, last.index + 1)) {
    built.set(stage.index, buildStage(stage, parsed, built, { context, workDir, ignore, log }));
  }
  return /** @type {BuiltStage} */ (built.get(last.index));
}

/**
 * @param {Stage[]} stages
 * @param {string} reference a stage name or index
 */
function findStage(stages, reference) {
  const stage = stages.find((s) => s.name === reference || String(s.index) === reference);
  if (!stage) throw new Error(`no stage named ${reference}`);
  return stage;
}

/**
 * @param {Stage} stage
 * @param {ParsedDockerfile} parsed
 * @param {Map<number, BuiltStage>} built
 * @param {{ context: string, workDir: string, ignore: ReturnType<typeof dockerignore>, log: (line: string) => void }} io
 * @returns {BuiltStage}
 */
function buildStage(stage, parsed, built, { context, workDir, ignore, log }) {
  const root = path.join(workDir, `stage-${stage.index}${stage.name ? `-${stage.name}` : ''}`);
  const parent = parsed.stages.find((s) => s.name === stage.image);
  /** @type {BuiltStage} */
  const state = parent
    ? cloneStage(/** @type {BuiltStage} */ (built.get(parent.index)), root)
    : { root, workdir: '/', env: {}, buildArgs: {}, user: 'root', entrypoint: [], cmd: [], exposed: [] };
  if (!parent) fs.mkdirSync(root, { recursive: true });
  log(`stage ${stage.name ?? stage.index} (FROM ${stage.image})`);
  for (const step of stage.steps) {
    const where = `line ${step.line} ${step.keyword}`;
    switch (step.keyword) {
      case 'WORKDIR':
        state.workdir = path.posix.resolve(state.workdir, step.content);
        fs.mkdirSync(inStage(root, state.workdir), { recursive: true });
        break;
      case 'ENV':
        for (const [name, value] of step.properties) state.env[name] = value;
        break;
      case 'ARG': // a build argument: seen by RUN, not kept in the image's environment
        for (const [name, value] of step.properties) state.buildArgs[name] = value || (parsed.args[name] ?? '');
        break;
      case 'COPY':
        copyStep(step, state, parsed.stages, built, context, ignore, where);
        break;
      case 'RUN':
        runStep(step, state, where, log);
        break;
      case 'USER':
        userIds(step.content); // refuses an unknown user now rather than at run time
        state.user = step.content;
        break;
      case 'ENTRYPOINT':
        state.entrypoint = step.json ?? ['/bin/sh', '-c', step.content];
        break;
      case 'CMD':
        state.cmd = step.json ?? ['/bin/sh', '-c', step.content];
        break;
      case 'EXPOSE':
        state.exposed.push(...step.args);
        break;
      case 'LABEL':
      case 'STOPSIGNAL':
      case 'HEALTHCHECK':
        break;
      default:
        throw new Error(`${where}: not supported by the emulator`);
    }
  }
  return state;
}

/**
 * @param {BuiltStage} from
 * @param {string} root
 * @returns {BuiltStage}
 */
function cloneStage(from, root) {
  copyPath(from.root, root);
  return { ...from, root, env: { ...from.env }, buildArgs: { ...from.buildArgs }, entrypoint: [...from.entrypoint], cmd: [...from.cmd], exposed: [...from.exposed] };
}

/**
 * @param {Step} step
 * @param {BuiltStage} state
 * @param {Stage[]} stages
 * @param {Map<number, BuiltStage>} built
 * @param {string} context
 * @param {ReturnType<typeof dockerignore>} ignore
 * @param {string} where
 */
function copyStep(step, state, stages, built, context, ignore, where) {
  const unsupported = Object.keys(step.flags).filter((flag) => flag !== 'from' && flag !== 'link');
  if (unsupported.length) throw new Error(`${where}: --${unsupported.join(', --')} is not supported by the emulator`);
  const words = step.json ?? step.args;
  const sources = words.slice(0, -1);
  const destination = words[words.length - 1];
  if (!sources.length) throw new Error(`${where}: needs a source and a destination`);
  if (sources.some((s) => /[*?[]/.test(s))) throw new Error(`${where}: wildcards are not supported by the emulator`);
  const fromStage = step.flags.from ? built.get(findStage(stages, step.flags.from).index) : undefined;
  if (step.flags.from && !fromStage) throw new Error(`${where}: stage ${step.flags.from} is not built before this one`);
  const destinationPath = inStage(state.root, path.posix.resolve(state.workdir, destination));
  const intoFolder = destination.endsWith('/') || sources.length > 1 || isFolder(destinationPath);
  for (const source of sources) {
    let sourcePath;
    /** @type {(relativePath: string) => boolean} */
    let keep = () => true;
    if (fromStage) {
      sourcePath = inStage(fromStage.root, path.posix.resolve('/', source));
    } else {
      const relative = path.posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '');
      if (relative.startsWith('..')) throw new Error(`${where}: ${source} is outside the build context`);
      sourcePath = path.join(context, relative);
      const prefix = relative === '.' ? '' : `${relative}/`;
      keep = (inside) => !ignore.ignores(`${prefix}${inside}`.replace(/\/$/, '') || '.');
      if (relative !== '.' && ignore.ignores(relative)) {
        throw new Error(`${where}: ${source} is excluded by .dockerignore`);
      }
    }
    if (!fs.existsSync(sourcePath)) {
      throw new Error(`${where}: ${source} does not exist in ${fromStage ? `stage ${step.flags.from}` : 'the build context'}`);
    }
    const target = isFolder(sourcePath) || !intoFolder ? destinationPath : path.join(destinationPath, path.basename(sourcePath));
    copyPath(sourcePath, target, keep, ignore.hasExceptions);
  }
}

/**
 * Copies a file or a folder's contents; symbolic links stay links, modes are kept, owners become the
 * copying user (root), as Docker's COPY does without --chown.
 * @param {string} from
 * @param {string} to
 * @param {(relativePath: string) => boolean} [keep] false for paths (relative to `from`) to leave out
 * @param {boolean} [descendIntoDropped] whether a dropped folder may hold kept files (`!` rules)
 * @param {string} [relative]
 */
function copyPath(from, to, keep = () => true, descendIntoDropped = false, relative = '') {
  const stat = fs.lstatSync(from);
  const kept = relative === '' || keep(relative);
  if (stat.isDirectory()) {
    if (!kept && !descendIntoDropped) return;
    if (kept) fs.mkdirSync(to, { recursive: true, mode: stat.mode & 0o7777 });
    for (const name of fs.readdirSync(from)) {
      copyPath(path.join(from, name), path.join(to, name), keep, descendIntoDropped, relative ? `${relative}/${name}` : name);
    }
    return;
  }
  if (!kept) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, stat.mode & 0o7777);
  }
}

/**
 * @param {Step} step
 * @param {BuiltStage} state
 * @param {string} where
 * @param {(line: string) => void} log
 */
function runStep(step, state, where, log) {
  const mounts = Object.entries(step.flags).filter(([name]) => name === 'mount');
  const unsupported = Object.keys(step.flags).filter((flag) => flag !== 'mount');
  if (unsupported.length) throw new Error(`${where}: --${unsupported.join(', --')} is not supported by the emulator`);
  if (mounts.some(([, value]) => !/^type=cache(,|$)/.test(value ?? ''))) {
    throw new Error(`${where}: only cache mounts are supported by the emulator (the host's cache stands for them)`);
  }
  const command = step.json ?? ['/bin/sh', '-c', step.content];
  const programs = step.json ? [step.json[0]] : step.content.split(/&&|\|\||;|\|/).map((part) => part.trim().split(/\s+/)[0]);
  const foreign = programs.find((program) => !HOST_SAFE_PROGRAMS.has(program));
  if (foreign !== undefined) {
    throw new Error(`${where}: \`${foreign}\` would run on the host, outside the stage; the emulator runs only ${[...HOST_SAFE_PROGRAMS].join(', ')}`);
  }
  const words = step.json ?? step.content.split(/\s+/);
  const absolute = words.find((word) => /^['"]?\//.test(word.replace(/^--?[\w-]+=/, '')));
  if (absolute) throw new Error(`${where}: absolute path ${absolute} would reach the host's filesystem; use paths relative to WORKDIR`);
  log(`RUN ${step.json ? JSON.stringify(step.json) : step.content}`);
  const [uid, gid] = userIds(state.user);
  const argv = asUser(uid, gid, command);
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: inStage(state.root, state.workdir),
    env: { ...state.buildArgs, ...stageEnv(state, uid === 0 ? '/root' : path.join(state.root, 'home', state.user)) },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${where}: \`${step.content}\` exited with ${result.status ?? result.signal}\n${output}`);
  }
}

/**
 * Runs the image's command (ENTRYPOINT + `args`, or + CMD when `args` is empty) as the image's user, like
 * `docker run [--entrypoint E] IMAGE args...`.
 * @param {BuiltStage} image
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, entrypoint?: string[] }} [options]
 */
function runImage(image, args, { env = {}, entrypoint = image.entrypoint } = {}) {
  const [uid, gid] = userIds(image.user);
  const command = [...entrypoint, ...(args.length ? args : image.cmd)];
  const home = uid === 0 ? '/root' : path.join(image.root, 'home', image.user);
  if (uid !== 0) {
    fs.mkdirSync(home, { recursive: true });
    if (process.getuid?.() === 0) fs.chownSync(home, uid, gid);
  }
  const argv = asUser(uid, gid, command);
  return spawn(argv[0], argv.slice(1), {
    cwd: inStage(image.root, image.workdir),
    env: { ...stageEnv(image, home), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * `setpriv` to the image's user when this process can switch users (root); otherwise the command as is.
 * @param {number} uid
 * @param {number} gid
 * @param {string[]} command
 */
function asUser(uid, gid, command) {
  const self = process.getuid?.();
  if (self === uid || self !== 0) return command;
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', ...command];
}

/**
 * @param {string} user `name`, `uid` or `uid:gid`
 * @returns {[number, number]}
 */
function userIds(user) {
  const [name, group] = user.split(':');
  const known = /** @type {Record<string, [number, number]>} */ (KNOWN_USERS)[name];
  const uid = known ? known[0] : /^\d+$/.test(name) ? Number(name) : NaN;
  if (Number.isNaN(uid)) throw new Error(`USER ${user}: unknown to the emulator (known: ${Object.keys(KNOWN_USERS).join(', ')}, or numeric ids)`);
  const gid = group !== undefined ? Number(group) : known ? known[1] : uid;
  return [uid, gid];
}

/**
 * The stage's environment: its ENV over a container-like base (PATH, HOME), plus registry and proxy settings.
 * @param {BuiltStage} state
 * @param {string} home
 */
function stageEnv(state, home) {
  /** @type {Record<string, string>} */
  const env = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home };
  for (const [name, value] of Object.entries(process.env)) {
    if (PASSED_THROUGH.test(name) && value !== undefined) env[name] = value;
  }
  return { ...env, ...state.env };
}

/**
 * A path of the stage's filesystem, inside its folder.
 * @param {string} root
 * @param {string} absolute
 */
function inStage(root, absolute) {
  const resolved = path.join(root, path.posix.resolve('/', absolute));
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new Error(`${absolute} escapes the stage`);
  return resolved;
}

/** @param {string} p */
function isFolder(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

module.exports = { parseDockerfile, dockerignore, build, runImage, inStage, userIds };
