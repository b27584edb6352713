'use strict';
// The probe where the peer meets it: release under CCAAS_BUILDER_PROBE, and run on the peer's
// run path (durable layout without the server connection file, chaincode.json in a 0700 run
// directory, SIGTERM then SIGKILL after 5 s), against a real fabric-shim server.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { Peer, makePackage } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');

const PORT = { server: 7151, nothing: 7152, blackhole: 7153 };
const skip = available() ?? servers.commandsAvailable() ?? false;

let ns;

function peerIn(env = {}) {
  return new Peer({ netns: ns, env });
}

function pkgFor(address, dial = '2s', label = 'steps_1.0') {
  return makePackage({ label, files: { 'connection.json': { address, dial_timeout: dial } } });
}

describe('probe in release and run', { skip }, () => {
  let pkg;
  before(async () => {
    ns = new Netns({ hosts: { 'cc.org1.test': '127.0.0.1' } });
    pkg = pkgFor(`cc.org1.test:${PORT.server}`);
    servers.startChaincode(ns, PORT.server, pkg.id);
    ns.blackhole(PORT.blackhole);
    await ns.waitForPort(PORT.server);
  });
  after(async () => { await ns?.close(); });

  test('release probes by default (warn): a server that answers with the package ID is reported ok', () => {
    const peer = peerIn({ CCAAS_BUILDER_PROBE: 'warn' });
    const result = peer.install(pkg);
    assert.equal(result.ok, true, result.release?.stderr);
    assert.match(result.release.lines[0], new RegExp(`^release: probe of cc\\.org1\\.test:${PORT.server} ok in .*: dns, tcp, http2, grpc, mtu, ccid; the server registers as ${pkg.id.replace('.', '\\.')}, the chaincode ID the peer launches$`));
  });

  test('warn: an unreachable server is one warning line and the install goes on', () => {
    const other = pkgFor(`127.0.0.1:${PORT.nothing}`, '2s', 'warn_1.0');
    const peer = peerIn({ CCAAS_BUILDER_PROBE: 'warn' });
    const result = peer.install(other);
    assert.equal(result.ok, true);
    assert.match(result.release.lines[0], new RegExp(`^release: warning: probe of 127\\.0\\.0\\.1:${PORT.nothing} failed at tcp after .*: connection refused on port ${PORT.nothing}: nothing listens there; fix: .* \\(the install goes on: the server may start later\\)$`));
    assert.ok(fs.existsSync(peer.serverConnectionPath(other.id)));
  });

  test('require: the install fails with the finding and nothing is published', () => {
    const other = pkgFor(`127.0.0.1:${PORT.nothing}`, '2s', 'require_1.0');
    const peer = peerIn({ CCAAS_BUILDER_PROBE: 'require' });
    const result = peer.install(other, { keepScratch: true });
    assert.equal(result.release.code, 1);
    assert.equal(result.release.lines.length, 1);
    assert.match(result.release.lines[0], /^release: error: probe of .* failed at tcp .* \(CCAAS_BUILDER_PROBE=require: nothing published\)$/);
    assert.equal(fs.existsSync(path.join(result.scratch, 'release/chaincode/server/connection.json')), false);
    fs.rmSync(result.scratch, { recursive: true, force: true });
  });

  test('off: no probe; a bad policy value names the variable', () => {
    const peer = peerIn({ CCAAS_BUILDER_PROBE: 'off' });
    const result = peer.install(pkgFor(`127.0.0.1:${PORT.nothing}`, '2s', 'off_1.0'));
    assert.equal(result.ok, true);
    assert.doesNotMatch(result.release.stderr, /probe/);
    const bad = peerIn({ CCAAS_BUILDER_PROBE: 'sometimes' }).install(pkgFor(`127.0.0.1:${PORT.nothing}`, '2s', 'bad_1.0'));
    assert.equal(bad.release.code, 1);
    assert.deepEqual(bad.release.lines, ['release: error: CCAAS_BUILDER_PROBE: "sometimes" is not one of off, warn, require']);
  });

  test('run restores the connection file, probes the live server and exits 1 at once', () => {
    const peer = peerIn();
    const result = peer.install(pkg);
    assert.equal(result.ok, true);
    fs.rmSync(peer.serverConnectionPath(pkg.id));
    const runDir = peer.runMetadataDir(pkg.id);
    assert.equal(fs.statSync(runDir).mode & 0o777, 0o700);
    const r = peer.exec('run', [path.join(result.durable, 'bld'), runDir]);
    assert.equal(r.code, 1);
    assert.match(r.lines[0], /^run: the release step's connection file was missing; restored /);
    assert.deepEqual(r.lines.slice(1, 7).map((l) => l.split(' ').slice(0, 4).join(' ')),
      ['run: probe dns ok', 'run: probe tcp ok', 'run: probe http2 ok', 'run: probe grpc ok', 'run: probe mtu ok', 'run: probe ccid ok']);
    assert.equal(r.lines[7], `run: chaincode ID expected ${pkg.id}, the server registered as ${pkg.id}`);
    assert.match(r.lines[8], /^run: probe of cc\.org1\.test:7151 ok in /);
    assert.ok(fs.existsSync(peer.serverConnectionPath(pkg.id)));
    assert.equal(peer.chaincodeServerInfo(pkg.id).address, `cc.org1.test:${PORT.server}`);
  });

  test('run on a blackholed server leaves within a second of SIGTERM, mid-probe', async () => {
    const held = pkgFor(`127.0.0.1:${PORT.blackhole}`, '20s', 'held_1.0');
    const peer = peerIn();
    const result = peer.install(held);
    assert.equal(result.ok, true);
    fs.rmSync(peer.serverConnectionPath(held.id));
    const child = spawn('ip', ns.argv(path.join(peer.binDir, 'run'), [path.join(result.durable, 'bld'), peer.runMetadataDir(held.id)]),
      { cwd: '/', env: peer.builderEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    await new Promise((resolve) => setTimeout(resolve, 700)); // well into the 20 s dial
    const signalled = Date.now();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000); // as the peer does
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    const took = Date.now() - signalled;
    assert.equal(signal, null, `killed by ${signal}`);
    assert.equal(code, 143);
    assert.ok(took < 1000, `exited ${took} ms after SIGTERM`);
    assert.match(stderr, /run: terminated during the probe of 127\.0\.0\.1:7153/);
    assert.ok(fs.existsSync(peer.serverConnectionPath(held.id)), 'the connection file was restored before the probe');
  });

  test('run without a server: the probe verdict names the stage, exit 1 within the dial timeout', () => {
    const gone = pkgFor(`127.0.0.1:${PORT.blackhole}`, '1s', 'gone_1.0');
    const peer = peerIn();
    const result = peer.install(gone);
    fs.rmSync(peer.serverConnectionPath(gone.id));
    const r = peer.exec('run', [path.join(result.durable, 'bld'), peer.runMetadataDir(gone.id)]);
    assert.equal(r.code, 1);
    assert.ok(r.ms < 1000 + 3000, `${r.ms} ms`); // the dial timeout, and a start under ASan on a loaded machine
    assert.ok(r.lines.some((l) => /^run: warning: probe of 127\.0\.0\.1:7153 failed at tcp after .*: no answer from port 7153 within the dial timeout \(1s\): packets are dropped; fix: /.test(l)), r.stderr);
  });
});
