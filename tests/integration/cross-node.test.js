'use strict';
// Across nodes: the peer's side and the chaincode server on two hosts, network namespaces joined
// by a veth pair (198.18.0.1 and 198.18.0.2, inside these namespaces only), with the faults that
// break clusters between nodes made by the test: a path that drops full-size packets (iptables
// -m length, as an overlay with a too-large MTU does), a proxy with no backend (accepts, then
// closes or resets), a server that accepts and never answers, ICMP host unreachable, no route,
// a DNS server that never answers, certificates outside their validity on this node's clock,
// a certificate named for only one Fabric version's server name, one server for two package
// IDs, and a name with a dead address before the live one. Each case is asserted for
// `run --check --json`, for release under warn, require and off, and for run on the run path.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackage } = require('./harness/peer');
const { Pki, isoDaysFromNow } = require('./harness/certs');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');
const { assertProbeWithin, assertProcessWithin, verdictMs } = require('./harness/bounds');

const PEER_IP = '198.18.0.1';
const CC_IP = '198.18.0.2';
const DEAD_IP = '198.18.0.9'; // on the chaincode host, every packet to it dropped
const PORT = {
  healthy: 7301, mtu: 7302, close: 7303, reset: 7304, silent: 7305, icmp: 7306,
  expired: 7307, notYet: 7308, domainOnly: 7309, hostOnly: 7310, tlsClose: 7311, tlsSilent: 7312,
};
const LABEL = 'xnode_1.0';
const skip = available() ?? servers.commandsAvailable() ?? false;

let peerHost;
let ccHost;
let pki;
let ca;
let client;
const pkgs = {};

function pkgWith(name, connection, label = LABEL) {
  const files = { 'connection.json': { dial_timeout: '1s', ...connection } };
  pkgs[name] = { ...makePackage({ label, files }), dial: files['connection.json'].dial_timeout };
  return pkgs[name];
}

function tls(extra = {}) {
  return { tls_required: true, root_cert: ca.cert, ...extra };
}

function mtls(extra = {}) {
  return tls({ client_auth_required: true, client_cert: client.cert, client_key: client.key, ...extra });
}

// run --check on the package file, on the peer's host.
function check(pkg, extra = []) {
  const r = peerHost.exec(path.join(new Peer().binDir, 'run'), ['--check', pkg.file, '--json', ...extra],
    { env: { PATH: process.env.PATH } });
  assert.equal(r.signal, null, `run --check was killed by ${r.signal}`);
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`not JSON: ${r.stdout} ${r.stderr}`); }
  assertProbeWithin(report.ms, pkg.dial, `run --check of ${pkg.label}`);
  assertProcessWithin(r.ms, pkg.dial, `run --check of ${pkg.label}`);
  return { ...r, report };
}

function stagesOf(report) {
  return report.stages.map((s) => `${s.stage}:${s.ok ? 'ok' : 'FAILED'}`);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The same failure, as the peer meets it: release under warn, require and off; run on the run
// path. error: the exact message, or a RegExp for one that holds the time of day.
function assertAtInstallAndRun(pkg, stage, error) {
  const text = error instanceof RegExp ? error.source.replace(/^\^|\$$/g, '') : escape(error);
  const verdict = new RegExp(`probe of [^ ]+ failed at ${stage} after [0-9.]+ ms: ${text}; fix: `);

  const warn = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'warn' } }).install(pkg);
  assert.equal(warn.release?.signal, null, `release was killed by ${warn.release?.signal}`);
  assert.equal(warn.ok, true, warn.release?.stderr);
  assert.ok(warn.release.lines.some((l) => l.startsWith('release: warning: ') && verdict.test(l)
    && l.endsWith('(the install goes on: the server may start later)')), warn.release.stderr);

  const requirePeer = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'require' } });
  const required = requirePeer.install(pkg);
  assert.equal(required.release.signal, null);
  assert.equal(required.release.code, 1);
  assert.equal(required.release.lines.length, 1, required.release.stderr);
  assert.match(required.release.lines[0], /^release: error: /);
  assert.match(required.release.lines[0], verdict);
  assert.match(required.release.lines[0], /\(CCAAS_BUILDER_PROBE=require: nothing published\)$/);
  assertProbeWithin(verdictMs(required.release.lines[0]), pkg.dial, 'release');
  assertProcessWithin(required.release.ms, pkg.dial, 'release');

  const off = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'off' } }).install(pkg);
  assert.equal(off.ok, true);
  assert.doesNotMatch(off.release.stderr, /probe/);

  // The run path: the durable release lost its server connection file.
  const peer = new Peer({ netns: peerHost });
  const installed = peer.install(pkg);
  fs.rmSync(peer.serverConnectionPath(pkg.id));
  const run = peer.exec('run', [path.join(installed.durable, 'bld'), peer.runMetadataDir(pkg.id)]);
  assert.equal(run.signal, null, `run was killed by ${run.signal}`);
  assert.equal(run.code, 1);
  assert.ok(run.lines.some((l) => l.startsWith('run: warning: ') && verdict.test(l)), run.stderr);
  assertProbeWithin(verdictMs(run.lines.find((l) => verdict.test(l))), pkg.dial, 'run');
  assertProcessWithin(run.ms, pkg.dial, 'run');
  assert.ok(run.lines.some((l) => l.startsWith(`run: probe ${stage} FAILED `)), run.stderr);
  assert.ok(fs.existsSync(peer.serverConnectionPath(pkg.id)), 'run restored the connection file');
}

describe('cross-node', { skip }, () => {
  before(async () => {
    peerHost = new Netns({ hosts: { 'cc.org1.test': CC_IP, 'multi.test': [DEAD_IP, CC_IP] } });
    ccHost = new Netns();
    peerHost.link(ccHost, { local: PEER_IP, remote: CC_IP });
    ccHost.must('ip', ['addr', 'add', `${DEAD_IP}/32`, "dev", "lo"]);
    ccHost.must('iptables', ['-A', 'INPUT', '-d', DEAD_IP, '-j', 'DROP']);
    // The underlay carries 1450-byte packets; the nodes' interfaces think 1500 (VXLAN's 50).
    ccHost.must('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', String(PORT.mtu), '-m', 'length', '--length', '1451:65535', '-j', 'DROP']);
    ccHost.must('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', String(PORT.icmp), '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable']);
    // The peer's DNS server is on the chaincode host, and never answers.
    peerHost.setResolver(`nameserver ${CC_IP}\noptions timeout:1 attempts:1\n`);
    ccHost.must('iptables', ['-A', 'INPUT', '-p', 'udp', '--dport', '53', '-j', 'DROP']);
    peerHost.must('ip', ['route', 'add', 'unreachable', '198.18.7.0/24']);

    pki = new Pki();
    ca = pki.makeCa('ca', 'org1 chaincode CA');
    const server = pki.issue('ca', 'server', { cn: 'chaincode server', sans: ['DNS:cc.org1.test', `IP:${CC_IP}`] });
    const expired = pki.issue('ca', 'expired', { cn: 'expired server', sans: ['DNS:cc.org1.test'], startdate: isoDaysFromNow(-30), enddate: isoDaysFromNow(-1) });
    const notYet = pki.issue('ca', 'not-yet', { cn: 'early server', sans: ['DNS:cc.org1.test'], startdate: isoDaysFromNow(2), enddate: isoDaysFromNow(60) });
    const domainOnly = pki.issue('ca', 'domain-only', { cn: 'domain server', sans: ['DNS:cc.org1.internal'] });
    pki.makeCa('client-ca', 'org1 peer client CA');
    client = pki.issue('client-ca', 'client', { cn: 'peer0 client', clientAuth: true });
    const clientCa = pki.file('client-ca.crt');

    const healthy = pkgWith('healthy', { address: `cc.org1.test:${PORT.healthy}` });
    // Org2 packaged the same chaincode itself: the same label, other bytes, so another ID.
    pkgWith('otherOrg', { address: `cc.org1.test:${PORT.healthy}`, dial_timeout: '2s' });
    const mtu = pkgWith('mtu', { address: `cc.org1.test:${PORT.mtu}` });
    pkgWith('close', { address: `cc.org1.test:${PORT.close}` });
    pkgWith('reset', { address: `cc.org1.test:${PORT.reset}` });
    pkgWith('silent', { address: `cc.org1.test:${PORT.silent}` });
    pkgWith('tlsClose', { address: `cc.org1.test:${PORT.tlsClose}`, ...tls() });
    pkgWith('tlsSilent', { address: `cc.org1.test:${PORT.tlsSilent}`, ...tls() });
    pkgWith('icmp', { address: `cc.org1.test:${PORT.icmp}` });
    pkgWith('noRoute', { address: `198.18.7.7:${PORT.healthy}` });
    pkgWith('dnsSilent', { address: `nowhere.test:${PORT.healthy}` });
    pkgWith('expired', { address: `cc.org1.test:${PORT.expired}`, ...tls() });
    pkgWith('notYet', { address: `cc.org1.test:${PORT.notYet}`, ...tls() });
    const domain3 = pkgWith('domainOnly', { address: `cc.org1.test:${PORT.domainOnly}`, ...mtls({ domain: 'cc.org1.internal' }) });
    const domain2 = pkgWith('hostOnly', { address: `cc.org1.test:${PORT.hostOnly}`, ...mtls({ domain: 'cc.org1.internal' }) });
    pkgWith('multi', { address: `multi.test:${PORT.healthy}`, dial_timeout: '3s' });
    pkgWith('multiShort', { address: `multi.test:${PORT.healthy}`, dial_timeout: '1s' });

    const any = '0.0.0.0';
    servers.startChaincode(ccHost, PORT.healthy, healthy.id, { host: any });
    servers.startChaincode(ccHost, PORT.mtu, mtu.id, { host: any });
    servers.startStandIn(ccHost, PORT.close, 'close', any);
    servers.startStandIn(ccHost, PORT.reset, 'reset', any);
    servers.startStandIn(ccHost, PORT.silent, 'silent', any);
    servers.startStandIn(ccHost, PORT.tlsClose, 'close', any);
    servers.startStandIn(ccHost, PORT.tlsSilent, 'silent', any);
    servers.startChaincode(ccHost, PORT.expired, healthy.id, { host: any, cert: expired.certFile, key: expired.keyFile });
    servers.startChaincode(ccHost, PORT.notYet, healthy.id, { host: any, cert: notYet.certFile, key: notYet.keyFile });
    servers.startChaincode(ccHost, PORT.domainOnly, domain3.id, { host: any, cert: domainOnly.certFile, key: domainOnly.keyFile, clientCa });
    servers.startChaincode(ccHost, PORT.hostOnly, domain2.id, { host: any, cert: server.certFile, key: server.keyFile, clientCa });
    for (const port of [PORT.healthy, PORT.mtu, PORT.close, PORT.reset, PORT.silent, PORT.tlsClose, PORT.tlsSilent,
      PORT.expired, PORT.notYet, PORT.domainOnly, PORT.hostOnly]) {
      await ccHost.waitForPort(port);
    }
  });

  after(async () => {
    await peerHost?.close();
    await ccHost?.close();
  });

  test('a healthy path between the nodes: every stage passes, full-size packets included', () => {
    const { code, report, stderr } = check(pkgs.healthy);
    assert.equal(code, 0, stderr);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:ok', 'mtu:ok', 'ccid:ok']);
    assert.equal(report.stages[4].detail, 'a request of 1704+ bytes in full-size 1448-byte segments in 1500-byte packets got an answer');
    assert.deepEqual(report.warnings, []);
    const installed = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'require' } }).install(pkgs.healthy);
    assert.equal(installed.ok, true, installed.release?.stderr);
    assert.match(installed.release.lines[0], /^release: probe of cc\.org1\.test:7301 ok in [0-9.]+ ms: dns, tcp, http2, grpc, mtu, ccid; /);
  });

  test('a path that drops full-size packets: the small exchange passes, the mtu stage fails with the sizes', () => {
    const { code, report } = check(pkgs.mtu);
    assert.equal(code, 1);
    assert.deepEqual(stagesOf(report), ['dns:ok', 'tcp:ok', 'http2:ok', 'grpc:ok', 'mtu:FAILED']);
    assert.equal(report.failed_stage, 'mtu');
    assert.equal(report.ccid_reported, pkgs.mtu.id, 'the REGISTER came through in small packets');
    const mtuError = /^full-size packets are dropped on the path to the chaincode server: the probe's first \d+ bytes passed in small packets, but a request of 1704\+ bytes in 1448-byte segments in 1500-byte packets got no answer within the dial timeout \(1s\); the peer's first full-size proposal would hang the same way$/;
    assert.match(report.error, mtuError);
    assert.match(report.hint, /^an MTU mismatch between the nodes: .* align the CNI's MTU with the underlay, or lower it by the tunnel's overhead \(VXLAN 50 bytes/);
    assert.match(report.stages[4].detail, /^a request of 1704\+ bytes in full-size 1448-byte segments in 1500-byte packets: no answer, \d+ retransmission\(s\) unacknowledged$/);
    const mtuMs = report.stages[4].ms;
    assert.ok(mtuMs >= 1000 && mtuMs < 1500, `the mtu verdict came after ${mtuMs} ms`);
    assertAtInstallAndRun(pkgs.mtu, 'mtu', mtuError);
  });

  for (const [name, how, stage] of [['close', 'closed', 'http2'], ['reset', 'reset', 'http2'], ['tlsClose', 'closed', 'tls']]) {
    test(`a proxy with no backend that accepts and ${how === 'closed' ? 'closes' : 'resets'} (${stage}): its own verdict, never a signal`, () => {
      const { code, report } = check(pkgs[name]);
      assert.equal(code, 1);
      assert.equal(report.failed_stage, stage);
      assert.equal(report.error, 'the connection was accepted, then closed or reset before the server said anything: what a proxy or load balancer with no ready backend does');
      assert.equal(report.stages.find((s) => s.stage === stage).detail, `${how} by the server before it sent a byte`);
      assert.match(report.hint, /^a Service with no ready endpoints behind a service mesh sidecar, an ingress TCP route or a cloud load balancer; a chaincode pod that is crash-looping; or a proxy whose targetPort points nowhere/);
      assertAtInstallAndRun(pkgs[name], stage, report.error);
    });
  }

  test('no binary is killed by SIGPIPE when the server closes or resets: 20 runs each', () => {
    const run = path.join(new Peer().binDir, 'run');
    for (const name of ['close', 'reset', 'tlsClose']) {
      const script = `for i in $(seq 20); do ${run} --check ${pkgs[name].file} >/dev/null 2>&1; rc=$?; [ $rc = 1 ] || { echo "exit $rc"; exit 1; }; done`;
      const r = peerHost.exec('bash', ['-c', script]);
      assert.equal(r.code, 0, `${name}: ${r.stdout}`);
    }
  });

  test('no binary is killed by SIGPIPE when what reads its output has gone: release, run and run --check', () => {
    // Each step starts after the reader of its stderr (and stdout) has exited: every line it
    // writes meets a broken pipe, deterministically, as a socket write after a reset does.
    const peer = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'warn' } });
    const installed = peer.install(pkgs.close, { keepScratch: true });
    const bld = path.join(installed.scratch, 'bld');
    const rel = fs.mkdtempSync(path.join(peer.tmpdir, 'rel-'));
    fs.rmSync(peer.serverConnectionPath(pkgs.close.id));
    const bin = (step) => path.join(peer.binDir, step);
    const cases = [
      ['release', [bin('release'), bld, rel], 0],
      ['run', [bin('run'), path.join(installed.durable, 'bld'), peer.runMetadataDir(pkgs.close.id)], 1],
      ['run --check', [bin('run'), '--check', pkgs.close.file, '--json'], 1],
    ];
    for (const [name, argv, expected] of cases) {
      const script = `{ sleep 0.3; CCAAS_BUILDER_PROBE=warn exec "$@"; } 2>&1 | head -c 0; exit \${PIPESTATUS[0]}`;
      const r = peerHost.exec('bash', ['-c', script, 'bash', ...argv]);
      assert.equal(r.code, expected, `${name} exited ${r.code} (141 is SIGPIPE)`);
    }
    fs.rmSync(installed.scratch, { recursive: true, force: true });
  });

  for (const [name, stage] of [['silent', 'http2'], ['tlsSilent', 'tls']]) {
    test(`a server that accepts and never answers (${stage}): the verdict at the dial timeout blames the stage that waited`, () => {
      const { code, report } = check(pkgs[name]);
      assert.equal(code, 1);
      assert.equal(report.failed_stage, stage);
      assert.equal(report.error, 'the connection was accepted, but nothing came back within the dial timeout (1s)');
      assert.match(report.hint, new RegExp(`^a proxy or load balancer still trying a backend that does not answer \\(haproxy retries a refused backend for about 3s, nginx waits out its proxy_connect_timeout\\), a hung chaincode process, or a port that belongs to something else: check the proxy's upstream and its log, what listens on port ${PORT[name]}`));
      const waited = report.stages.find((s) => s.stage === stage).ms;
      assert.ok(report.stages.find((s) => s.stage === 'tcp').ok);
      assert.ok(waited >= 900 && waited < 1500, `${stage} failed after ${waited} ms`);
      assertAtInstallAndRun(pkgs[name], stage, report.error);
    });
  }

  test('ICMP host unreachable from a firewall, and no route to the address', () => {
    const icmp = check(pkgs.icmp);
    assert.equal(icmp.code, 1);
    assert.equal(icmp.report.failed_stage, 'tcp');
    // The ICMP error's sender, read from the socket's error queue (IP_RECVERR).
    assert.equal(icmp.report.error, `host unreachable: ${CC_IP} answered with ICMP host unreachable`);
    assert.equal(icmp.report.stages[1].detail, `${CC_IP} unreachable (No route to host, said by ${CC_IP})`);
    assertAtInstallAndRun(pkgs.icmp, 'tcp', icmp.report.error);

    const noRoute = check(pkgs.noRoute);
    assert.equal(noRoute.code, 1);
    assert.equal(noRoute.report.failed_stage, 'tcp');
    assert.equal(noRoute.report.error, 'host unreachable: no route to the chaincode server\'s address, or a router or firewall answered with ICMP host unreachable');
    assert.ok(noRoute.report.stages[1].ms < 500);
    assertAtInstallAndRun(pkgs.noRoute, 'tcp', noRoute.report.error);
  });

  test('a DNS server that never answers: the dns verdict comes within the dial timeout', () => {
    const { code, report, ms } = check(pkgs.dnsSilent);
    assert.equal(code, 1);
    assert.deepEqual(stagesOf(report), ['dns:FAILED']);
    assert.equal(report.error, 'no DNS answer for nowhere.test within the dial timeout (1s)');
    assert.match(report.hint, /check the peer pod's \/etc\/resolv\.conf and that the cluster DNS answers from this node/);
    assert.ok(report.stages[0].ms >= 900 && report.stages[0].ms < 1500, `dns after ${report.stages[0].ms} ms`);
    assert.ok(ms < 3000, `run --check took ${ms} ms`);
    assertAtInstallAndRun(pkgs.dnsSilent, 'dns', report.error);
  });

  test('an expired server certificate, and one not yet valid on this node\'s clock (clock skew)', () => {
    const utc = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC';
    const expired = check(pkgs.expired);
    assert.equal(expired.code, 1);
    assert.equal(expired.report.failed_stage, 'tls');
    const expiredError = new RegExp(`^the server's certificate \\(CN=expired server\\) expired on ${utc}; this node's clock says ${utc}$`);
    assert.match(expired.report.error, expiredError);
    assertAtInstallAndRun(pkgs.expired, 'tls', expiredError);

    const early = check(pkgs.notYet);
    assert.equal(early.code, 1);
    assert.equal(early.report.failed_stage, 'tls');
    const earlyError = new RegExp(`^the server's certificate \\(CN=early server\\) is not valid before ${utc}, and this node's clock says ${utc}: clock skew between the nodes, or a certificate issued with a start date in the future$`);
    assert.match(early.report.error, earlyError);
    assert.match(early.report.hint, /^synchronise the clocks of the peer's node and the chaincode's node/);
    const [before, now] = early.report.error.match(new RegExp(utc, 'g')).map((t) => Date.parse(t.replace(' UTC', 'Z').replace(' ', 'T')));
    assert.ok(before - now > 86400000, 'the two times are a day or more apart, as made');
    assertAtInstallAndRun(pkgs.notYet, 'tls', earlyError);
  });

  test('domain: the certificate is checked against both names, and the report says which Fabric versions connect', () => {
    const only3 = check(pkgs.domainOnly);
    assert.equal(only3.code, 0, only3.stderr);
    assert.equal(only3.report.stages[2].detail, 'TLS verified against root_cert for cc.org1.internal (Fabric 3.x peers; not cc.org1.test for Fabric 2.x peers); ALPN h2; client certificate presented');
    assert.equal(only3.report.warnings.length, 1);
    assert.match(only3.report.warnings[0], /^only Fabric 3\.x peers can connect: the server's certificate names cc\.org1\.internal \(domain, which 3\.x peers check with client_auth_required\) but not cc\.org1\.test, the address host that Fabric 2\.x peers check/);
    const installed = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'warn' } }).install(pkgs.domainOnly);
    assert.equal(installed.ok, true);
    assert.match(installed.release.lines[0], /^release: warning: probe of cc\.org1\.test:7309 ok in .*; but only Fabric 3\.x peers can connect: /);
    assert.match(installed.build.lines[0], /domain cc\.org1\.internal \(the TLS server name of Fabric 3\.x peers; Fabric 2\.x peers use cc\.org1\.test\)/);

    const only2 = check(pkgs.hostOnly);
    assert.equal(only2.code, 0, only2.stderr);
    assert.match(only2.report.warnings[0], /^only Fabric 2\.x peers can connect: the server's certificate names cc\.org1\.test \(the address host, which 2\.x peers check\) but not cc\.org1\.internal/);
  });

  test('one server, two orgs\' package files: the same label and another hash is named as such', () => {
    const { code, report } = check(pkgs.otherOrg);
    assert.equal(code, 1);
    assert.equal(report.failed_stage, 'ccid');
    assert.equal(report.ccid_reported, pkgs.healthy.id);
    assert.equal(report.error, `chaincode ID mismatch: the server registers as ${pkgs.healthy.id}, but the peer launches ${pkgs.otherOrg.id}: the same label ${LABEL}, another package file`);
    assert.equal(report.hint, `if peers of another org installed a package file of their own, every peer that uses this server must install the identical file: package the same inputs with \`run --package DIR --label ${LABEL}\` on each org's side (the same inputs give the same bytes, so the same package ID), or share one file (compare 'peer lifecycle chaincode calculatepackageid' of each org's file); otherwise each package ID needs a chaincode server of its own, `
      + `since restarting this server with ${pkgs.otherOrg.id} would break the peers that launch ${pkgs.healthy.id}; if ${pkgs.healthy.id} is an older package of this chaincode, restart the server with CHAINCODE_ID=${pkgs.otherOrg.id}`);
    assertAtInstallAndRun(pkgs.otherOrg, 'ccid', report.error);
  });

  test('a name with a dead address before the live one: which answer, and what the peer\'s dialer reaches', () => {
    const enough = check(pkgs.multi, ['--ccid', pkgs.healthy.id]);
    assert.equal(enough.code, 0, enough.stderr);
    assert.equal(enough.report.stages[0].detail, `multi.test resolves to ${DEAD_IP}, ${CC_IP}`);
    assert.match(enough.report.stages[1].detail, new RegExp(`^${escape(DEAD_IP)} still silent after \\d+ ms; ${escape(CC_IP)} connected in [0-9.]+ ms$`));
    assert.equal(enough.report.warnings.length, 1);
    assert.match(enough.report.warnings[0], new RegExp(`^of the addresses of multi\\.test, ${escape(DEAD_IP)} did not connect: the peer's dialer tries them first and reaches ${escape(CC_IP)} after about 2\\d\\d\\d ms of its 3s dial timeout; remove the dead addresses from multi\\.test$`));

    const short = check(pkgs.multiShort);
    assert.equal(short.code, 1);
    assert.equal(short.report.failed_stage, 'tcp');
    assert.equal(short.report.error, `${CC_IP} answers, but the peer's dialer would not reach it within the dial timeout (1s): it spends that time on ${DEAD_IP} first, which does not answer`);
    assert.match(short.report.hint, /^Go's dialer tries a name's addresses in order and gives each an equal share of dial_timeout \(at least 2s\)/);
    assertAtInstallAndRun(pkgs.multiShort, 'tcp', short.report.error);
  });
});
