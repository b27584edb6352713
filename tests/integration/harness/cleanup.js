'use strict';
// What a test process or the demo makes that must not outlive it: network namespaces (with every
// process in them), the children it started, its temporary folders. On SIGINT, SIGTERM, SIGHUP
// and a closed output (EPIPE on stdout or stderr) it is all removed, synchronously, and one line
// says so; the process then exits as the signal would have ended it (130, 143, 129; 141 for a
// closed output). A normal end removes the same through each owner's own close().

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const namespaces = new Map(); // name -> its /etc/netns folder
const children = new Set();
const dirs = new Set();
let installed = false;
let done = false;

function removeAll() {
  let processes = 0;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGKILL'); processes += 1; } catch { /* gone */ }
    }
  }
  for (const [name, etc] of namespaces) {
    // whatever still runs inside, started by it or not
    const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout?.trim().split('\n').filter(Boolean) ?? [];
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL'); processes += 1; } catch { /* gone */ }
    }
    spawnSync('ip', ['netns', 'del', name]);
    fs.rmSync(etc, { recursive: true, force: true });
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  return processes;
}

function interrupted(what, code) {
  if (done) return;
  done = true;
  const count = namespaces.size;
  const processes = removeAll();
  const name = path.basename(process.argv[1] ?? 'test', '.js');
  try {
    fs.writeSync(2, `${name}: interrupted by ${what}: removed ${count} network namespace(s), ${processes} process(es) and the temporary folders\n`);
  } catch { /* stderr is gone too */ }
  process.exit(code);
}

function install() {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => interrupted('SIGINT', 130));
  process.on('SIGTERM', () => interrupted('SIGTERM', 143));
  process.on('SIGHUP', () => interrupted('SIGHUP', 129));
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => { if (e.code === 'EPIPE') interrupted('a closed output', 141); else throw e; });
  }
}

module.exports = {
  namespace(name, etc) { install(); namespaces.set(name, etc); },
  namespaceGone(name) { namespaces.delete(name); },
  child(child) { install(); children.add(child); child.once('exit', () => children.delete(child)); },
  dir(dir) { install(); dirs.add(dir); },
};
