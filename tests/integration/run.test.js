'use strict';
// The run path: the peer calls run BLD RUN_METADATA_DIR only when the durable release holds no
// chaincode/server/connection.json, then waits for the chaincode to connect back.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { Peer, makePackage, maskMs } = require('./harness/peer');

// Port 9 on loopback: nothing listens there, so run's probe is refused at once.
const CLOSED = '127.0.0.1:9';

function installed() {
  const peer = new Peer();
  const pkg = makePackage({ label: 'asset_1.0', files: { 'connection.json': { address: CLOSED, dial_timeout: '2s' } } });
  const result = peer.install(pkg);
  assert.equal(result.ok, true);
  return { peer, pkg, result };
}

test('run restores the missing server connection file and fails this launch at once', () => {
  const { peer, pkg, result } = installed();
  const published = peer.serverConnectionPath(pkg.id);
  const expected = fs.readFileSync(published, 'utf8');
  fs.rmSync(published); // a release that was skipped, or a copy that lost the file
  assert.equal(peer.chaincodeServerInfo(pkg.id), null, 'the peer would now call run');

  const runDir = peer.runMetadataDir(pkg.id);
  const r = peer.exec('run', [path.join(result.durable, 'bld'), runDir]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.lines.length, 6, r.stderr);
  assert.equal(r.lines[0], `run: the release step's connection file was missing; restored ${published}: the peer's next launch of ${pkg.id} dials ${CLOSED}, dial_timeout 2s, plaintext`);
  assert.equal(maskMs(r.lines[1]), 'run: probe dns ok <ms>: 127.0.0.1 is an IP address: no lookup');
  assert.equal(maskMs(r.lines[2]), 'run: probe tcp FAILED <ms>: 127.0.0.1 refused');
  assert.equal(r.lines[3], `run: chaincode ID expected ${pkg.id}, the server registered as (nothing: no REGISTER)`);
  assert.match(r.lines[4], /^run: warning: probe of 127\.0\.0\.1:9 failed at tcp after \d+\.\d ms: connection refused on port 9: nothing listens there; fix: check the chaincode server's listen port/);
  assert.equal(r.lines[5], 'run: exiting 1 so that this launch fails now instead of after chaincode.startuptimeout; the next launch dials the chaincode server');
  assert.ok(r.ms < 1000, `run took ${r.ms} ms`);
  assert.equal(fs.readFileSync(published, 'utf8'), expected);
  assert.equal(peer.chaincodeServerInfo(pkg.id).address, CLOSED);
});

test('run outside the durable layout writes nothing and says so', () => {
  const { peer, pkg, result } = installed();
  const elsewhere = fs.mkdtempSync(path.join(peer.tmpdir, 'copy-'));
  fs.cpSync(path.join(result.durable, 'bld'), path.join(elsewhere, 'bld'), { recursive: true });
  const r = peer.exec('run', [path.join(elsewhere, 'bld'), peer.runMetadataDir(pkg.id)]);
  assert.equal(r.code, 1);
  assert.equal(r.lines[0], `run: warning: ${elsewhere}/bld is not in a peer's durable build directory (no ../build-info.json): wrote nothing`);
  assert.deepEqual(fs.readdirSync(elsewhere), ['bld']);
});

test('run reports bad inputs in one line', () => {
  const { peer, pkg, result } = installed();
  const bld = path.join(result.durable, 'bld');
  const runDir = peer.runMetadataDir(pkg.id);
  fs.writeFileSync(path.join(runDir, 'chaincode.json'), '{"chaincode_id": 7}');
  let r = peer.exec('run', [bld, runDir]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [`run: error: ${runDir}/chaincode.json: chaincode_id: expected a string, found a number`]);

  const other = peer.runMetadataDir(pkg.id);
  fs.rmSync(path.join(bld, 'connection.json'));
  r = peer.exec('run', [bld, other]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [`run: error: ${bld}/connection.json not found: this build has no connection.json (built by another builder?): reinstall the package`]);
});

test('run exits within a second of SIGTERM', async () => {
  const { peer, pkg, result } = installed();
  fs.rmSync(peer.serverConnectionPath(pkg.id));
  const child = spawn(path.join(peer.binDir, 'run'), [path.join(result.durable, 'bld'), peer.runMetadataDir(pkg.id)], {
    cwd: '/', env: peer.builderEnv(), stdio: ['ignore', 'ignore', 'pipe'],
  });
  const started = Date.now();
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000); // what the peer does after 5 s
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  assert.ok(Date.now() - started < 1000, `exited after ${Date.now() - started} ms`);
  assert.notEqual(signal, 'SIGKILL');
  assert.ok(code === 143 || code === 1 || signal === 'SIGTERM', `code ${code} signal ${signal}`);
});
