'use strict';
// IPv6, as dual-stack and IPv6-only clusters give it to the peer: a Service address written as a
// literal ("[fd00:ccaa::2]:7601"), a name with only an AAAA record, and the loopback [::1]. Two
// hosts (network namespaces joined by a veth pair, with unique-local addresses fd00:ccaa::1 and
// ::2 inside them only), fabric-shim servers listening on IPv6. Each must probe like any other
// address, in run --check, release and run, and no libcurl message may reach the verdict.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackage } = require('./harness/peer');
const { Pki } = require('./harness/certs');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');

const PEER_IP6 = 'fd00:ccaa::1';
const CC_IP6 = 'fd00:ccaa::2';
const PORT = { plain: 7601, tls: 7602, loopback: 7603, refused: 7604 };
const skip = available() ?? servers.commandsAvailable() ?? false;

let peerHost;
let ccHost;
let ca;
const pkgs = {};

function check(pkg) {
  const r = peerHost.exec(path.join(new Peer().binDir, 'run'), ['--check', pkg.file, '--json'], { env: { PATH: process.env.PATH } });
  assert.equal(r.signal, null);
  return { ...r, report: JSON.parse(r.stdout) };
}

const stagesOf = (report) => report.stages.map((s) => `${s.stage}:${s.ok ? 'ok' : 'FAILED'}`);

// release under require publishes, and run on the run path probes it ok.
function assertInstallsAndRuns(pkg, address) {
  const peer = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'require' } });
  const installed = peer.install(pkg);
  assert.equal(installed.ok, true, installed.release?.stderr ?? installed.build?.stderr);
  assert.match(installed.release.lines[0], new RegExp(`^release: probe of ${address.replace(/[[\].]/g, '\\$&')} ok in [0-9.]+ ms: dns, tcp, `));
  assert.equal(peer.chaincodeServerInfo(pkg.id).address, address);
  fs.rmSync(peer.serverConnectionPath(pkg.id));
  const run = peer.exec('run', [path.join(installed.durable, 'bld'), peer.runMetadataDir(pkg.id)]);
  assert.equal(run.code, 1);
  assert.ok(run.lines.some((l) => l.startsWith(`run: probe of ${address} ok in `)), run.stderr);
}

describe('IPv6 addresses', { skip }, () => {
  before(async () => {
    peerHost = new Netns({ hosts: { 'cc6.org1.test': CC_IP6 } }); // an AAAA answer only
    ccHost = new Netns();
    const { local, remote } = peerHost.link(ccHost, { local: '198.18.1.1', remote: '198.18.1.2' });
    peerHost.must('ip', ['-6', 'addr', 'add', `${PEER_IP6}/64`, 'dev', local, 'nodad']);
    ccHost.must('ip', ['-6', 'addr', 'add', `${CC_IP6}/64`, 'dev', remote, 'nodad']);

    const pki = new Pki();
    ca = pki.makeCa('ca', 'org1 chaincode CA');
    const server = pki.issue('ca', 'server', { cn: 'chaincode server', sans: [`IP:${CC_IP6}`, 'DNS:cc6.org1.test'] });
    const connection = (address, extra = {}) => ({ 'connection.json': { address, dial_timeout: '2s', ...extra } });
    pkgs.literal = makePackage({ label: 'v6literal_1.0', files: connection(`[${CC_IP6}]:${PORT.plain}`) });
    pkgs.name = makePackage({ label: 'v6name_1.0', files: connection(`cc6.org1.test:${PORT.plain}`) });
    pkgs.tls = makePackage({ label: 'v6tls_1.0', files: connection(`[${CC_IP6}]:${PORT.tls}`, { tls_required: true, root_cert: ca.cert }) });
    pkgs.loopback = makePackage({ label: 'v6lo_1.0', files: connection(`[::1]:${PORT.loopback}`) });
    pkgs.refused = makePackage({ label: 'v6refused_1.0', files: connection(`[${CC_IP6}]:${PORT.refused}`) });

    // One server for the literal and the name: each probe names the ID it expects (--ccid is
    // not needed where the server was started with that package's ID).
    servers.startChaincode(ccHost, PORT.plain, pkgs.literal.id, { host: `[${CC_IP6}]` });
    servers.startChaincode(ccHost, PORT.tls, pkgs.tls.id, { host: `[${CC_IP6}]`, cert: server.certFile, key: server.keyFile });
    servers.startChaincode(peerHost, PORT.loopback, pkgs.loopback.id, { host: '[::1]' });
    await ccHost.waitForPort(PORT.plain, 15000, CC_IP6);
    await ccHost.waitForPort(PORT.tls, 15000, CC_IP6);
    await peerHost.waitForPort(PORT.loopback, 15000, '::1');
  });

  after(async () => {
    await peerHost?.close();
    await ccHost?.close();
  });

  test('a literal IPv6 address between the nodes: every stage passes', () => {
    const { code, report, stderr } = check(pkgs.literal);
    assert.equal(code, 0, stderr);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:ok']);
    assert.equal(report.address, `[${CC_IP6}]:${PORT.plain}`);
    assert.match(report.stages[1].detail, new RegExp(`^${CC_IP6} connected in [0-9.]+ ms$`));
    assertInstallsAndRuns(pkgs.literal, `[${CC_IP6}]:${PORT.plain}`);
  });

  test('a name with only an AAAA record', () => {
    const { code, report, stderr } = check(pkgs.name);
    assert.equal(code, 1, 'the server registers with the literal package\'s ID');
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:FAILED'], stderr);
    assert.equal(report.stages[0].detail, `cc6.org1.test resolves to ${CC_IP6}`);
    assert.equal(report.ccid_reported, pkgs.literal.id);
  });

  test('TLS to a literal IPv6 address: the certificate\'s IP name is checked', () => {
    const { code, report, stderr } = check(pkgs.tls);
    assert.equal(code, 0, stderr);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'tls:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:ok']);
    assert.match(report.stages[2].detail, new RegExp(`^TLS verified against root_cert for ${CC_IP6}`));
    assertInstallsAndRuns(pkgs.tls, `[${CC_IP6}]:${PORT.tls}`);
  });

  test('the IPv6 loopback [::1]', () => {
    const { code, report, stderr } = check(pkgs.loopback);
    assert.equal(code, 0, stderr);
    assert.equal(report.ccid_reported, pkgs.loopback.id);
    assertInstallsAndRuns(pkgs.loopback, `[::1]:${PORT.loopback}`);
  });

  test('a refused IPv6 address: the tcp verdict, in the probe\'s own words', () => {
    const { code, report } = check(pkgs.refused);
    assert.equal(code, 1);
    assert.equal(report.failed_stage, 'tcp');
    assert.equal(report.error, `connection refused on port ${PORT.refused}: nothing listens there`);
    assert.match(report.hint, /started as a server \(shim\.ChaincodeServer, fabric-chaincode-node server, CHAINCODE_SERVER_ADDRESS set\): one started as a client dials the peer instead of listening, and the peer logs "peer will not accept external chaincode connection \.\.\. \(except in dev mode\)"$/);
    assert.doesNotMatch(JSON.stringify(report), /CURLOPT|Couldn't|curl/i);
  });
});
