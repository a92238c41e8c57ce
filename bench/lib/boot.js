'use strict';
// Boots a long-running app process and times it: from just before spawn until a given log line appears on
// its stdout/stderr, then until its first HTTP 200 on a path. Every process started here is tracked and
// stopped (SIGTERM, then SIGKILL after a bounded wait); `killAll` is for exit and Ctrl-C paths.
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');

const live = new Set(); // ChildProcess objects not yet exited

/** A TCP port that was free a moment ago (bound to port 0, then released). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const ANSI = /\x1b\[[0-9;]*m/g;

/** One GET; resolves { status } or rejects on a connection error or after `timeoutMs`. */
function get(port, path, timeoutMs) {
  return new Promise((resolveGet, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolveGet({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves once it has exited. */
function stop(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(hard);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spawns `cmd args` with `env` (merged over process.env), and resolves, after the child has been stopped:
 *   { ok, readyMs, healthMs, healthStatus, lines, error }
 * readyMs — wall ms from just before spawn until a line matching `ready` was read from the child's output;
 * healthMs — until the first 200 on GET `healthPath` (requests start once `ready` is seen, and repeat every
 * 5 ms on a connection error or a non-200 answer, within the same deadline); lines — every output line
 * (ANSI colours stripped), with `atMs` since spawn. Nothing here waits unboundedly: `timeoutMs` bounds the
 * whole boot, the stop is SIGTERM then SIGKILL.
 */
async function bootOnce({ cmd, args, env, cwd, port, ready, healthPath = '/health', timeoutMs = 60000 }) {
  const lines = [];
  let readyMs = null;
  let healthMs = null;
  let healthStatus = null;
  let error = null;
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let onReady;
  const readySeen = new Promise((r) => (onReady = r));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const spawnFailed = new Promise((r) => child.once('error', (e) => r({ error: e })));
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const atMs = ms(t0);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const raw of parts) {
        const text = raw.replace(ANSI, '').replace(/\r$/, '');
        lines.push({ atMs, text });
        if (readyMs === null && ready.test(text)) {
          readyMs = atMs;
          onReady();
        }
      }
    });
  }

  let timer;
  const deadline = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  try {
    const first = await Promise.race([readySeen.then(() => 'ready'), exited.then(() => 'exited'), spawnFailed.then((e) => e), deadline]);
    if (first === 'exited') throw new Error(`exited (code ${child.exitCode ?? child.signalCode}) before ${ready}`);
    if (first === 'timeout') throw new Error(`no ${ready} within ${timeoutMs} ms`);
    if (first && first.error) throw first.error;
    let timedOut = false;
    deadline.then(() => (timedOut = true));
    for (;;) {
      if (timedOut) throw new Error(`no 200 on GET ${healthPath} within ${timeoutMs} ms (last status ${healthStatus})`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before GET ${healthPath} answered 200`);
      try {
        const res = await get(port, healthPath, Math.min(10000, timeoutMs));
        healthStatus = res.status;
        if (res.status === 200) {
          healthMs = ms(t0);
          break;
        }
      } catch {
        // Not accepting yet: retry below.
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
    await stop(child);
  }
  return { ok: !error, readyMs, healthMs, healthStatus, lines, error: error ? error.message : null };
}

/** SIGKILLs every child still running (for exit and signal handlers: synchronous). */
function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

module.exports = { bootOnce, freePort, killAll, liveCount: () => live.size };
