'use strict';
// An interrupted run leaves nothing behind (harness/cleanup.js): the demo stopped by Ctrl-C (SIGINT
// to its process group) a few seconds in, the demo whose output is closed (`bin/demo | head`), and
// a namespace suite stopped by SIGTERM while its servers run. Each time: its network namespaces,
// the processes in them and its temporary folders are gone, and one line says so.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { available } = require('./harness/netns');
const servers = require('./harness/servers');

const DEMO = path.join(__dirname, 'harness', 'demo.js');
const skip = available() ?? servers.commandsAvailable() ?? false;

const namespaces = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
const pidsIn = (ns) => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const tempDirsOf = (pid) => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`ccaas-test-${pid}-`));

// Starts a command in a process group of its own; ready resolves with what wanted(child) returns,
// once that is not null.
function start(cmd, args, wanted) {
  // Not as a test of this runner's: a run of its own (node:test skips nested runs it is told of).
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => { child.out += d; });
  child.stderr.on('data', (d) => { child.err += d; });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const seen = wanted(child);
      if (seen) { clearInterval(timer); resolve(seen); }
    }, 50);
    child.once('exit', () => { clearInterval(timer); reject(new Error(`exited before it was ready: ${child.out} ${child.err}`)); });
  });
  return { child, ready };
}

// The demo is past its restart of the plain server (step 3 kills it, then starts it again) and a
// server runs in its namespace: waiting for the restart's heading alone caught the moment between
// the kill and the new start, with no process in the namespace.
function demoServing(c) {
  if (!c.out.includes('== mutual TLS')) return null;
  const made = madeBy(c.pid);
  return made.pids.length > 0 ? made : null;
}

// What the demo process made: its namespaces (ccaas-<pid>-N) and the processes in them.
function madeBy(pid) {
  const mine = namespaces().filter((n) => n.startsWith(`ccaas-${pid}-`));
  return { namespaces: mine, pids: mine.flatMap(pidsIn) };
}

// The run's last line says what it removed: at least the namespaces it had when it was stopped (the
// demo learns of a closed output at its next write, and may have made more by then). The processes
// it counts are those it killed; a signal to the whole group may have ended some before it, and
// assertNothingLeft checks that every one is gone.
function assertLastLine(child, opening, made) {
  const last = child.err.trim().split('\n').pop();
  const m = last.match(/^(.+): removed (\d+) network namespace\(s\), \d+ process\(es\) and the temporary folders$/);
  assert.ok(m, `the last line: ${last}`);
  assert.equal(m[1], opening);
  assert.ok(Number(m[2]) >= made.namespaces.length, `${m[2]} namespace(s) removed, ${made.namespaces.length} made`);
}

async function assertNothingLeft(pid, made) {
  assert.ok(made.namespaces.length > 0 && made.pids.length > 0, `it had made something: ${JSON.stringify(made)}`);
  assert.deepEqual(namespaces().filter((n) => n.startsWith(`ccaas-${pid}-`)), [], 'no namespace of it');
  for (const p of made.pids) {
    for (let i = 0; i < 40 && alive(p); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(alive(p), false, `process ${p} is gone`);
  }
  assert.deepEqual(tempDirsOf(pid), [], 'no temporary folder of it');
  for (const n of made.namespaces) assert.equal(fs.existsSync(path.join('/etc/netns', n)), false, `/etc/netns/${n}`);
}

describe('interrupted runs leave nothing behind', { skip }, () => {
  test('the demo, Ctrl-C (SIGINT to its process group) while its chaincode server runs', async () => {
    const { child, ready } = start(process.execPath, [DEMO], demoServing);
    const made = await ready;
    process.kill(-child.pid, 'SIGINT');
    const { code, signal } = await child.exited;
    assert.deepEqual([code, signal], [null, 'SIGINT'], 'ended by the signal, as the parent must see it');
    assertLastLine(child, 'demo: interrupted by SIGINT', made);
    await assertNothingLeft(child.pid, made);
  });

  test('the demo with its output closed (bin/demo | head)', async () => {
    const { child, ready } = start(process.execPath, [DEMO], demoServing);
    const made = await ready;
    child.stdout.destroy(); // the reader goes, as head does after its lines
    const { code } = await child.exited;
    assert.equal(code, 141);
    assertLastLine(child, 'demo: interrupted by a closed output', made);
    await assertNothingLeft(child.pid, made);
  });

  test('a namespace suite stopped by SIGTERM while its servers run', async () => {
    const suite = path.join(__dirname, 'peer-names.test.js');
    // The suite file run by node itself, in this process's network namespace, as ctest runs it.
    const { child, ready } = start(process.execPath, [suite], (c) => {
      const made = madeBy(c.pid);
      return made.namespaces.length >= 2 && made.pids.length >= 3 ? made : null;
    });
    const made = await ready;
    const { pid } = child;
    process.kill(-child.pid, 'SIGTERM');
    const { code, signal } = await child.exited;
    assert.deepEqual([code, signal], [null, 'SIGTERM'], 'ended by the signal, as the parent must see it');
    assertLastLine(child, 'peer-names.test: interrupted by SIGTERM', made);
    await assertNothingLeft(pid, made);
  });
});
