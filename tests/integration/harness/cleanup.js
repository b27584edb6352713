'use strict';
// What a test process or the demo makes that must not outlive it: network namespaces (with every
// process in them), the children it started, its temporary folders. On SIGINT, SIGTERM, SIGHUP
// and a closed output (EPIPE on stdout or stderr) it is all removed, synchronously, and one line
// says so, with what could not be removed; then the signal is raised again with its default
// action, so that the parent sees the process ended by it (a shell loop stops on Ctrl-C); a
// closed output exits 141. A normal end removes the same through each owner's own close(), and
// whatever is left when the process exits (an uncaught exception too) is removed then.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const namespaces = new Map(); // name -> its /etc/netns folder
const children = new Set();
const dirs = new Set();
let installed = false;
let done = false;

// Removes everything, each removal on its own: one that fails leaves the others to be done, and
// is named in what comes back.
function removeAll() {
  let processes = 0;
  const failed = [];
  const attempt = (what, fn) => { try { fn(); } catch (e) { failed.push(`${what} (${e.message})`); } };
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
    attempt(`network namespace ${name}`, () => {
      const r = spawnSync('ip', ['netns', 'del', name], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error((r.stderr || `ip exited ${r.status}`).trim());
    });
    attempt(etc, () => fs.rmSync(etc, { recursive: true, force: true }));
  }
  namespaces.clear();
  for (const dir of dirs) attempt(dir, () => fs.rmSync(dir, { recursive: true, force: true }));
  dirs.clear();
  return { processes, failed };
}

function interrupted(what, code, signal) {
  if (done) return;
  done = true;
  const count = namespaces.size;
  const { processes, failed } = removeAll();
  const name = path.basename(process.argv[1] ?? 'test', '.js');
  const left = failed.length ? `; could not remove ${failed.join(', ')}` : '';
  try {
    fs.writeSync(2, `${name}: interrupted by ${what}: removed ${count} network namespace(s), ${processes} process(es) and the temporary folders${left}\n`);
  } catch { /* stderr is gone too */ }
  if (signal) {
    // Raised again with no listener: the default action ends the process by the signal.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(code), 1000); // only if the signal did not end it
    return;
  }
  process.exit(code);
}

function install() {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => interrupted('SIGINT', 130, 'SIGINT'));
  process.on('SIGTERM', () => interrupted('SIGTERM', 143, 'SIGTERM'));
  process.on('SIGHUP', () => interrupted('SIGHUP', 129, 'SIGHUP'));
  // An exit or an uncaught exception: what is still there goes too.
  process.on('exit', () => { if (!done) removeAll(); });
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
