'use strict';
// The probe against real servers started by the test, inside a network namespace of its own:
// fabric-shim chaincode servers (plaintext, TLS, mutual TLS), nothing listening, a blackholed
// port (iptables DROP), names that do not resolve, nghttpd, a gRPC server without the chaincode
// service, an HTTP/1.1 server, a TLS server without ALPN. Each case asserts the stage and the message.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BIN_DIR, tempDir, writeTree, maskMs } = require('./harness/peer');
const { Pki } = require('./harness/certs');
const { assertProbeWithin } = require('./harness/bounds');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');

const CCID = `probe_1.0:${'1'.repeat(64)}`;
const OTHER_CCID = `other_2.0:${'2'.repeat(64)}`; // another chaincode's ID (the same label: cross-node.test.js)
const PORT = {
  plain: 7051, tls: 7052, mtls: 7053, wrongName: 7054, nothing: 7055, blackhole: 7056,
  nghttpd: 7057, otherGrpc: 7058, http1: 7059, otherCcid: 7060, noAlpn: 7061,
};
const skip = available() ?? servers.commandsAvailable() ?? false;
// Under qemu-user (the arm64 programs on an amd64 machine), getsockopt(TCP_INFO) copies back only
// an int, so what the kernel counted of the server's bytes and segments is not seen: the checks
// that read it are for the native run. The arm64 program on an arm64 machine reads it whole.
const EMULATED = process.env.CCAAS_BUILDER_ARCH && process.env.CCAAS_BUILDER_ARCH !== (process.arch === 'x64' ? 'amd64' : process.arch);
const tcpInfo = EMULATED && 'qemu-user does not emulate getsockopt(TCP_INFO): read natively only';

let ns;
let pki;
let ca;
let otherCa;
let client;
let strangerClient;

// run --check on an unpacked package holding this connection.json, inside the namespace.
function check(connection, { ccid = CCID, extra = [] } = {}) {
  const dir = tempDir('ccaas-check-pkg-');
  writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'probe_1.0' }, 'connection.json': connection });
  const args = ['--check', dir, '--json', ...(ccid ? ['--ccid', ccid] : []), ...extra];
  const r = ns.exec(path.join(BIN_DIR, 'run'), args, { env: { PATH: process.env.PATH, TMPDIR: tempDir('ccaas-t-') } });
  assert.doesNotMatch(r.stdout + r.stderr, /-----BEGIN|PRIVATE KEY/);
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`not JSON: ${r.stdout} ${r.stderr}`); }
  const dial = extra.includes('--dial-timeout') ? extra[extra.indexOf('--dial-timeout') + 1] : connection.dial_timeout;
  assertProbeWithin(report.ms, dial, `run --check of ${connection.address}`);
  return { ...r, report };
}

function stagesOf(report) {
  return report.stages.map((s) => `${s.stage}:${s.ok ? 'ok' : 'FAILED'}`);
}

function tlsConnection(port, extra = {}) {
  return { address: `chaincode.test:${port}`, dial_timeout: '3s', tls_required: true, root_cert: ca.cert, ...extra };
}

describe('probe', { skip }, () => {
  before(async () => {
    ns = new Netns({ hosts: { 'chaincode.test': '127.0.0.1', 'both.test': '::1' } });
    pki = new Pki();
    ca = pki.makeCa('ca', 'chaincode CA');
    otherCa = pki.makeCa('other-ca', 'some other CA');
    const server = pki.issue('ca', 'server', { cn: 'chaincode server', sans: ['DNS:chaincode.test', 'IP:127.0.0.1'] });
    const wrongName = pki.issue('ca', 'wrong-name', { cn: 'other server', sans: ['DNS:other.test', 'DNS:*.other.test'] });
    pki.makeCa('client-ca', 'peer client CA');
    client = pki.issue('client-ca', 'client', { cn: 'peer0 client', clientAuth: true });
    strangerClient = pki.issue('other-ca', 'stranger', { cn: 'stranger', clientAuth: true });

    ns.spawn(process.execPath, [path.join(__dirname, 'harness/dns-server.js'), JSON.stringify({
      records: { 'dns-only.test': ['127.0.0.1'], 'empty.test': [] }, servfail: ['broken.test'],
    })]);
    servers.startChaincode(ns, PORT.plain, CCID);
    servers.startChaincode(ns, PORT.tls, CCID, { cert: server.certFile, key: server.keyFile });
    servers.startChaincode(ns, PORT.mtls, CCID, { cert: server.certFile, key: server.keyFile, clientCa: pki.file('client-ca.crt') });
    servers.startChaincode(ns, PORT.wrongName, CCID, { cert: wrongName.certFile, key: wrongName.keyFile });
    servers.startChaincode(ns, PORT.otherCcid, OTHER_CCID);
    servers.startNghttpd(ns, PORT.nghttpd);
    servers.startOtherGrpc(ns, PORT.otherGrpc);
    servers.startHttp1(ns, PORT.http1);
    servers.startOpensslWww(ns, PORT.noAlpn, { cert: server.certFile, key: server.keyFile });
    ns.blackhole(PORT.blackhole);
    for (const port of [PORT.plain, PORT.tls, PORT.mtls, PORT.wrongName, PORT.otherCcid, PORT.nghttpd, PORT.otherGrpc, PORT.http1, PORT.noAlpn]) {
      await ns.waitForPort(port);
    }
  });

  after(async () => { await ns?.close(); });

  test('a plaintext chaincode server: every stage passes and the chaincode ID matches', () => {
    const { code, report, stderr } = check({ address: `chaincode.test:${PORT.plain}`, dial_timeout: '3s' });
    assert.equal(code, 0, stderr);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:ok']);
    assert.equal(report.ok, true);
    assert.equal(report.failed_stage, null);
    assert.equal(report.address, `chaincode.test:${PORT.plain}`);
    assert.equal(report.ccid_expected, CCID);
    assert.equal(report.ccid_reported, CCID);
    assert.equal(report.stages[0].detail, 'chaincode.test resolves to 127.0.0.1');
    assert.equal(report.stages[3].detail, `REGISTER as ${CCID}`);
    for (const s of report.stages) assert.equal(typeof s.ms, 'number');
  });

  test('the human-readable report names each stage and the verdict', { skip: tcpInfo }, () => {
    const dir = tempDir('ccaas-check-pkg-');
    writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'probe_1.0' }, 'connection.json': { address: `127.0.0.1:${PORT.plain}` } });
    const r = ns.exec(path.join(BIN_DIR, 'run'), ['--check', dir, '--ccid', CCID], { env: { PATH: process.env.PATH } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'the human report goes to stderr');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], `check: ${dir}: package directory`);
    assert.equal(lines[1], `check: connection.json as the peer reads it (PEM redacted): {"address":"127.0.0.1:${PORT.plain}"}`);
    // Durations are measured: masked here, never asserted as text.
    assert.equal(maskMs(lines[2]), 'check: dns ok <ms>: 127.0.0.1 is an IP address: no lookup');
    assert.equal(maskMs(lines[3]), 'check: tcp ok <ms>: 127.0.0.1 connected in <ms>');
    assert.equal(maskMs(lines[4]), 'check: http2 ok <ms>: HTTP/2 200 (prior knowledge)');
    assert.equal(maskMs(lines[5]), `check: grpc ok <ms>: REGISTER as ${CCID}`);
    assert.match(maskMs(lines[6]), /^check: mtu ok <ms>: a request of 7168\+ bytes \(MSS \d+: a local or jumbo-frame path\) got an answer$/);
    assert.equal(maskMs(lines[7]), `check: ccid ok <ms>: chaincode ID ${CCID} is the one the peer launches`);
    assert.equal(maskMs(lines[8]), `check: OK: probe of 127.0.0.1:${PORT.plain} ok in <ms>: dns, tcp, http2, grpc, mtu, ccid; the server registers as ${CCID}, the chaincode ID the peer launches`);
    assert.equal(lines.length, 9);
  });

  test('a TLS chaincode server: verified against root_cert only, ALPN h2', () => {
    const { code, report, stderr } = check(tlsConnection(PORT.tls));
    assert.equal(code, 0, stderr);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'tls:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:ok']);
    assert.equal(report.stages[2].detail, 'TLS verified against root_cert for chaincode.test; ALPN h2');
  });

  test('mutual TLS: with the client certificate it passes; without one, or with a stranger, the server refuses', () => {
    const good = check(tlsConnection(PORT.mtls, { client_auth_required: true, client_cert: client.cert, client_key: client.key }));
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.report.stages[2].detail, 'TLS verified against root_cert for chaincode.test; ALPN h2; client certificate presented');

    const none = check(tlsConnection(PORT.mtls));
    assert.equal(none.code, 1);
    assert.equal(none.report.failed_stage, 'tls');
    assert.equal(none.report.error, 'the server requires a client certificate, and connection.json offers none');
    assert.match(none.report.hint, /^set client_auth_required to true with client_cert and client_key/);

    const stranger = check(tlsConnection(PORT.mtls, { client_auth_required: true, client_cert: strangerClient.cert, client_key: strangerClient.key }));
    assert.equal(stranger.code, 1);
    assert.equal(stranger.report.failed_stage, 'tls');
    assert.equal(stranger.report.error, 'the server rejected the client certificate');
  });

  test('nothing listening: refused at tcp, fast', () => {
    const { code, report } = check({ address: `chaincode.test:${PORT.nothing}`, dial_timeout: '3s' });
    assert.equal(code, 1);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:FAILED']);
    assert.equal(report.error, `connection refused on port ${PORT.nothing}: nothing listens there`);
    assert.match(report.hint, /bind address \(0\.0\.0\.0, not 127\.0\.0\.1\), and the Service's port and targetPort; and that the chaincode was started as a server /);
    assert.equal(report.stages[1].detail, '127.0.0.1 refused');
    assert.ok(report.stages[1].ms < 1000);
  });

  test('a blackholed port: the verdict arrives at the dial timeout, not before and not much after', () => {
    const { code, report, ms } = check({ address: `127.0.0.1:${PORT.blackhole}`, dial_timeout: '2s' });
    assert.equal(code, 1);
    assert.equal(report.failed_stage, 'tcp');
    assert.equal(report.error, `no answer from port ${PORT.blackhole} within the dial timeout (2s): packets are dropped`);
    assert.match(report.hint, /NetworkPolicy, a firewall or node routing/);
    // The dial timeout covers the name's resolution and the connect, as Go's dialer's does: the
    // connect gets what resolution left of it (1 ms for the clock reads between the two starts).
    const dial = report.stages[0].ms + report.stages[1].ms;
    assert.ok(dial >= 1999 && dial < 2300, `tcp verdict after ${dial} ms of dialling`);
    assert.ok(ms < 3500, `run --check took ${ms} ms`);
  });

  test('--dial-timeout overrides the package\'s dial timeout', () => {
    const { report } = check({ address: `127.0.0.1:${PORT.blackhole}`, dial_timeout: '20s' }, { extra: ['--dial-timeout', '500ms'] });
    assert.equal(report.error, `no answer from port ${PORT.blackhole} within the dial timeout (500ms): packets are dropped`);
    const dial = report.stages[0].ms + report.stages[1].ms;
    assert.ok(dial >= 499 && dial < 800, `${dial} ms of dialling`);
  });

  test('CCAAS_BUILDER_DIAL_TIMEOUT bounds the probe of a durable build whose connection has no dial_timeout', () => {
    const durable = path.join(tempDir('ccaas-builds-'), `probe_1.0-${'1'.repeat(64)}`);
    writeTree(durable, { 'build-info.json': { builder_name: 'ccaas_builder' }, 'bld/connection.json': { address: `127.0.0.1:${PORT.blackhole}` } });
    const env = { PATH: process.env.PATH, CCAAS_BUILDER_DIAL_TIMEOUT: '500ms' };
    const r = ns.exec(path.join(BIN_DIR, 'run'), ['--check', durable, '--json'], { env });
    const report = JSON.parse(r.stdout);
    assert.equal(report.kind, 'durable build');
    assert.equal(report.ccid_expected, CCID, 'the expected chaincode ID comes from the directory name');
    assert.equal(report.error, `no answer from port ${PORT.blackhole} within the dial timeout (500ms): packets are dropped`);
    assert.match(r.stderr, /release\/chaincode\/server\/connection\.json: missing: the peer would call run, which restores it/);
  });

  test('names that do not resolve, and a DNS server failure', () => {
    const nx = check({ address: `nosuch.test:${PORT.plain}` });
    assert.equal(nx.code, 1);
    assert.deepEqual(stagesOf(nx.report), ['dns:FAILED']);
    assert.equal(nx.report.error, 'nosuch.test does not resolve (NXDOMAIN)');
    assert.equal(nx.report.hint, 'check the name, and that the Service exists in the namespace the name says');

    const short = check({ address: `asset-transfer:${PORT.plain}` });
    assert.equal(short.report.error, 'asset-transfer does not resolve (NXDOMAIN)');
    assert.equal(short.report.hint, "a short Service name resolves only in the peer's own namespace: write asset-transfer.<namespace>.svc.cluster.local, or check the Service's name");

    const fail = check({ address: `broken.test:${PORT.plain}` });
    assert.equal(fail.report.failed_stage, 'dns');
    assert.match(fail.report.error, /^the DNS server gave no usable answer for broken\.test \(/);
    assert.match(fail.report.hint, /CoreDNS/);

    const empty = check({ address: `empty.test:${PORT.plain}` });
    assert.equal(empty.report.failed_stage, 'dns');
    assert.equal(empty.report.error, 'empty.test exists but has no address (no A or AAAA record)');
    assert.match(empty.report.hint, /headless Service without ready pods/);

    const viaDns = check({ address: `dns-only.test:${PORT.plain}` });
    assert.equal(viaDns.code, 0, viaDns.stderr);
    assert.equal(viaDns.report.stages[0].detail, 'dns-only.test resolves to 127.0.0.1');
  });

  test('TLS expected but the server is plaintext, and plaintext expected but the server wants TLS', { skip: tcpInfo }, () => {
    const tlsToPlain = check(tlsConnection(PORT.plain));
    assert.equal(tlsToPlain.code, 1);
    assert.equal(tlsToPlain.report.failed_stage, 'tls');
    assert.equal(tlsToPlain.report.error, 'the server is not TLS: it answers plaintext HTTP/2');
    assert.match(tlsToPlain.report.hint, /^set tls_required to false, or start the chaincode server with TLS/);

    const plainToTls = check({ address: `chaincode.test:${PORT.tls}`, dial_timeout: '3s' });
    assert.equal(plainToTls.code, 1);
    assert.equal(plainToTls.report.failed_stage, 'tls');
    assert.equal(plainToTls.report.error, 'the server expects TLS, but connection.json has tls_required false');
  });

  test('an unknown CA and a certificate for another name', () => {
    const unknown = check(tlsConnection(PORT.tls, { root_cert: otherCa.cert }));
    assert.equal(unknown.code, 1);
    assert.equal(unknown.report.failed_stage, 'tls');
    assert.equal(unknown.report.error, 'unknown CA: the server\'s certificate (CN=chaincode server, issued by /CN=chaincode CA) does not chain to root_cert');
    assert.equal(unknown.report.hint, "root_cert must be the CA that issued the chaincode server's certificate");

    const mismatch = check(tlsConnection(PORT.wrongName));
    assert.equal(mismatch.code, 1);
    assert.equal(mismatch.report.failed_stage, 'tls');
    assert.equal(mismatch.report.error, "name mismatch: the server's certificate is for other.test, *.other.test, not chaincode.test");
    assert.match(mismatch.report.hint, /subject alternative name for chaincode\.test \(Go ignores the CN\)/);
  });

  test('a TLS server without ALPN h2 (openssl s_server -www)', () => {
    const { code, report } = check(tlsConnection(PORT.noAlpn));
    assert.equal(code, 1);
    assert.equal(report.failed_stage, 'tls');
    assert.equal(report.error, 'the server did not select HTTP/2 (ALPN h2) in the TLS handshake');
    assert.match(report.hint, /grpc-go 1\.67 and later/);
  });

  test('HTTP/2 but not gRPC (nghttpd), gRPC but not a chaincode, HTTP/1.1 only', { skip: tcpInfo }, () => {
    const h2 = check({ address: `127.0.0.1:${PORT.nghttpd}` });
    assert.equal(h2.code, 1);
    assert.deepEqual(stagesOf(h2.report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:FAILED']);
    assert.match(h2.report.error, /^not gRPC: an HTTP\/2 server answered without gRPC \(status \d+\)$/);

    const grpc = check({ address: `127.0.0.1:${PORT.otherGrpc}` });
    assert.equal(grpc.code, 1);
    assert.equal(grpc.report.failed_stage, 'grpc');
    assert.equal(grpc.report.error, 'a gRPC server, but not a chaincode: /protos.Chaincode/Connect is UNIMPLEMENTED');

    const http1 = check({ address: `127.0.0.1:${PORT.http1}` });
    assert.equal(http1.code, 1);
    assert.equal(http1.report.failed_stage, 'http2');
    assert.equal(http1.report.error, 'the server speaks HTTP/1 only');
  });

  test('a server started with another chaincode ID: both IDs are printed', () => {
    const { code, report } = check({ address: `127.0.0.1:${PORT.otherCcid}` });
    assert.equal(code, 1);
    assert.equal(report.failed_stage, 'ccid');
    assert.equal(report.ccid_expected, CCID);
    assert.equal(report.ccid_reported, OTHER_CCID);
    assert.equal(report.error, `chaincode ID mismatch: the server registers as ${OTHER_CCID}, but the peer launches ${CCID}`);
    assert.match(report.hint, new RegExp(`timeout expired while starting chaincode.*restart the server with CHAINCODE_ID=${CCID}$`));
  });

  test('200 probes in a row leave the chaincode server serving normally', () => {
    const dir = tempDir('ccaas-check-pkg-');
    writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'probe_1.0' }, 'connection.json': { address: `127.0.0.1:${PORT.plain}` } });
    const script = `for i in $(seq 200); do ${path.join(BIN_DIR, 'run')} --check ${dir} --ccid ${CCID} --json >/dev/null 2>&1 || exit 1; done`;
    const loop = ns.exec('bash', ['-c', script]);
    assert.equal(loop.code, 0, 'every one of the 200 probes passed');
    const last = check({ address: `127.0.0.1:${PORT.plain}` });
    assert.equal(last.code, 0);
    assert.equal(last.report.ccid_reported, CCID);
    const shim = ns.children.find((c) => c.spawnargs.includes(String(`127.0.0.1:${PORT.plain}`)));
    assert.equal(shim.exitCode, null, 'the server is still running');
    assert.doesNotMatch(shim.output, /error|Error|exception/);
  });
});
