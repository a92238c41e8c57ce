'use strict';
// Throw-away databases on the benchmark server, driven through psql (no Node driver needed).
const { spawnSync } = require('node:child_process');

const SERVER = (process.env.BENCH_PG_SERVER || 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const urlOf = (db) => `${SERVER}/${db}`;

function psql(db, args) {
  const res = spawnSync('psql', [urlOf(db), '-X', '-v', 'ON_ERROR_STOP=1', ...args], { encoding: 'utf8' });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`psql ${args.join(' ')} on ${db} failed (${res.status}): ${res.stderr.trim()}`);
  return res.stdout;
}

/** Creates and remembers databases named <prefix>_<pid>_<label>_<k>; `dropAll` removes whatever is left. */
class Databases {
  constructor(prefix = 'bench') {
    this.prefix = prefix;
    this.live = new Set();
    this.count = 0;
  }

  fresh(label) {
    const name = `${this.prefix}_${process.pid}_${label}_${++this.count}`;
    psql('postgres', ['-q', '-c', `CREATE DATABASE "${name}"`]);
    this.live.add(name);
    return name;
  }

  drop(name) {
    psql('postgres', ['-q', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
    this.live.delete(name);
  }

  dropAll() {
    for (const name of [...this.live]) {
      try {
        this.drop(name);
      } catch (error) {
        process.stderr.write(`warning: could not drop ${name}: ${error.message}\n`);
      }
    }
  }
}

module.exports = { psql, urlOf, Databases };
