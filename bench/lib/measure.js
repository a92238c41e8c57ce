'use strict';
// Runs a process to completion and measures its wall time (process.hrtime around spawnSync) and, when
// GNU time is available, its peak RSS and CPU time (`/usr/bin/time -f '%M %U %S'`, written to a side file so
// stderr stays clean). CPU time (user + system) is the steadier figure on a shared machine.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

const TIME_BIN = '/usr/bin/time';
const HAS_TIME = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-f', '%M', 'true']).status === 0;

/** @returns {{ secs: number, rssMiB: number|null, cpuSecs: number|null, status: number|null, signal: string|null, stdout: string, stderr: string }} */
function run(cmd, args, { env, cwd, rss = false } = {}) {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(16).slice(2)}`);
  const [bin, argv] = rss && HAS_TIME ? [TIME_BIN, ['-o', rssFile, '-f', '%M %U %S', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const res = spawnSync(bin, argv, { env: { ...process.env, ...env }, cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMiB = null;
  let cpuSecs = null;
  if (rss && HAS_TIME && existsSync(rssFile)) {
    // GNU time may prepend "Command exited with non-zero status N"; the figures are the last line of numbers.
    const line = readFileSync(rssFile, 'utf8').trim().split('\n').filter((l) => /^\d+ [\d.]+ [\d.]+$/.test(l)).pop();
    if (line) {
      const [kib, user, sys] = line.split(' ').map(Number);
      rssMiB = kib / 1024;
      cpuSecs = user + sys;
    }
    rmSync(rssFile, { force: true });
  }
  if (res.error) throw res.error;
  return { secs, rssMiB, cpuSecs, status: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
}

function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { run, median, HAS_TIME };
