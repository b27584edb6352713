'use strict';
// run --doctor on peers made by the test: minimal core.yaml files of our own
// (fixtures/doctor/<scenario>/core.yaml), the CORE_... environment, stand-ins for Fabric's
// ccaas_builder, and durable builds installed through the peer-style harness, with fabric-shim
// servers in a network namespace: a healthy chaincode, one whose server is down, one whose server
// has another ID, one whose release output is gone, one made by another builder.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BIN_DIR, Peer, makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');

const FIXTURES = path.resolve(__dirname, '../../fixtures/doctor');
const BUILDER = path.dirname(BIN_DIR);
const PORT = { healthy: 7401, down: 7402, other: 7403, gone: 7404, fabric: 7405 };
const skip = available() ?? servers.commandsAvailable() ?? false;

let ns;
let fsPath;
let stand;
const pkgs = {};

// A builder directory with the given programs, as shell scripts (a stand-in for Fabric's).
function standIn(dir, mode = 0o755) {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  for (const step of ['detect', 'build', 'release']) {
    const file = path.join(dir, 'bin', step);
    fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(file, mode);
  }
  return dir;
}

// A config directory for a scenario, its placeholders filled in.
function configFor(scenario, values = {}) {
  const dir = tempDir(`ccaas-doctor-${scenario}-`);
  const text = fs.readFileSync(path.join(FIXTURES, scenario, 'core.yaml'), 'utf8')
    .replaceAll('@BUILDER@', values.builder ?? BUILDER)
    .replaceAll('@FABRIC_BUILDER@', values.fabric ?? stand.fabric)
    .replaceAll('@FS@', values.fs ?? fsPath);
  fs.writeFileSync(path.join(dir, 'core.yaml'), text);
  return dir;
}

function doctor(configDir, env = {}, extra = ['--json']) {
  const r = ns.exec(path.join(BIN_DIR, 'run'), ['--doctor', '--config', configDir, ...extra], {
    env: { PATH: process.env.PATH, ...env },
  });
  assert.equal(r.signal, null);
  if (!extra.includes('--json')) return { ...r, report: null };
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`not JSON: ${r.stdout} ${r.stderr}`); }
  return { ...r, report };
}

function finding(report, subject, group) {
  const found = report.findings.filter((f) => f.subject === subject && (group === undefined || f.group === group));
  assert.equal(found.length, 1, `one finding for ${subject}: ${JSON.stringify(report.findings, null, 1)}`);
  return found[0];
}

describe('run --doctor', { skip }, () => {
  before(async () => {
    ns = new Netns({ hosts: { 'cc.org1.test': '127.0.0.1' } });
    fsPath = tempDir('ccaas-doctor-fs-');
    const root = tempDir('ccaas-doctor-builders-');
    stand = {
      fabric: standIn(path.join(root, 'ccaas_builder')),
      noexec: standIn(path.join(root, 'noexec'), 0o644),
    };
    const connection = (port, extra = {}) => ({ 'connection.json': { address: `cc.org1.test:${port}`, dial_timeout: '2s', ...extra } });
    for (const name of ['healthy', 'down', 'other', 'gone']) {
      pkgs[name] = makePackage({ label: `${name}_1.0`, files: connection(PORT[name]) });
    }
    pkgs.fabric = makePackage({ label: 'fabric_1.0', files: connection(PORT.fabric) });
    pkgs.slow = makePackage({ label: 'slow_1.0', files: connection(PORT.healthy, { dial_timeout: '10s' }) });

    const ours = new Peer({ netns: ns, fileSystemPath: fsPath });
    for (const name of ['healthy', 'down', 'other', 'gone', 'slow']) assert.equal(ours.install(pkgs[name]).ok, true);
    fs.rmSync(ours.serverConnectionPath(pkgs.gone.id));
    // Built by Fabric's ccaas_builder (here: the same programs under that name).
    assert.equal(new Peer({ netns: ns, fileSystemPath: fsPath, name: 'ccaas_builder' }).install(pkgs.fabric).ok, true);

    servers.startChaincode(ns, PORT.healthy, pkgs.healthy.id);
    servers.startChaincode(ns, PORT.other, `old_1.0:${'0'.repeat(64)}`);
    servers.startChaincode(ns, PORT.gone, pkgs.gone.id);
    servers.startChaincode(ns, PORT.fabric, pkgs.fabric.id);
    for (const port of [PORT.healthy, PORT.other, PORT.gone, PORT.fabric]) await ns.waitForPort(port);
  });

  after(async () => { await ns?.close(); });

  test('a healthy peer: configuration and builders ok; each chaincode with its own verdict', () => {
    const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0"}', CCAAS_BUILDER_PROBE: 'warn' };
    const { code, report } = doctor(configFor('healthy'), env);
    assert.equal(code, 1, 'the down and other-ID chaincodes are errors');
    assert.equal(report.ok, false);
    assert.equal(report.config.core_yaml_found, true);
    assert.equal(report.config.file_system_path, fsPath);
    assert.equal(report.config.startup_timeout_ms, 300000);
    assert.deepEqual(report.builders.map((b) => [b.name, b.ours, b.claims_ccaas, b.detect_ran, b.usable]),
      [['ccaas-builder', true, true, false, true], ['ccaas_builder', false, false, false, true]],
      'no builder before ours: no detect to run');
    assert.equal(report.packages.length, 6, 'every installed package, from the package store');
    // Fabric's builder made one of the builds, but ours claims the package when it is built again.
    assert.deepEqual(report.packages.map((p) => [p.type, p.claimed_by]), Array(6).fill(['ccaas', 'ccaas-builder']));
    assert.equal(finding(report, 'detect', `chaincode ${pkgs.healthy.id}`).message, 'claimed by ccaas-builder, this builder');
    assert.equal(finding(report, 'builder ccaas-builder', 'builders').message, 'bin/detect and bin/build executable (this builder)');
    assert.equal(finding(report, 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG').message, 'listed, set and valid');
    assert.equal(finding(report, 'CCAAS_BUILDER_DIAL_TIMEOUT').message, 'listed, not set');
    assert.equal(finding(report, 'vm.endpoint').message, 'empty: a package no builder claims fails to install with "docker build is disabled"');

    const builds = Object.fromEntries(report.builds.map((b) => [b.package_id, b]));
    assert.equal(report.builds.length, 6);
    assert.equal(finding(report, 'builder ccaas-builder', `chaincode ${pkgs.healthy.id}`).message, 'made this build, and is listed');
    const healthy = builds[pkgs.healthy.id];
    assert.equal(healthy.ok, true);
    assert.equal(healthy.kind, 'durable build');
    assert.equal(healthy.builder_name, 'ccaas-builder');
    assert.equal(healthy.ccid_reported, pkgs.healthy.id);
    assert.deepEqual(healthy.connection, { address: `cc.org1.test:${PORT.healthy}`, dial_timeout: '2s' });
    assert.equal(finding(report, 'probe', `chaincode ${pkgs.healthy.id}`).severity, 'ok');

    const down = finding(report, 'probe', `chaincode ${pkgs.down.id}`);
    assert.equal(down.severity, 'error');
    assert.equal(down.message, `probe of cc.org1.test:${PORT.down} failed at tcp: connection refused on port ${PORT.down}: nothing listens there`);
    assert.equal(builds[pkgs.down.id].failed_stage, 'tcp');

    const other = finding(report, 'probe', `chaincode ${pkgs.other.id}`);
    assert.equal(other.severity, 'error');
    assert.match(other.message, new RegExp(`failed at ccid: chaincode ID mismatch: the server registers as old_1\\.0:0{64}, but the peer launches ${pkgs.other.id}$`));

    const gone = finding(report, 'release/chaincode/server/connection.json', `chaincode ${pkgs.gone.id}`);
    assert.equal(gone.severity, 'warning');
    assert.match(gone.message, /^missing: the peer calls run at the next launch; this builder's run restores it/);
    assert.equal(builds[pkgs.gone.id].release_connection, false);
    assert.equal(builds[pkgs.gone.id].ok, true, 'probed from bld/connection.json');

    assert.equal(builds[pkgs.fabric.id].builder_name, 'ccaas_builder');
    assert.equal(builds[pkgs.fabric.id].ok, true, 'a build of another builder is probed too');
    assert.equal(finding(report, 'builder ccaas_builder', `chaincode ${pkgs.fabric.id}`).message, 'made this build, and is listed');
    assert.equal(report.findings.filter((f) => f.subject === 'dial_timeout').length, 0, 'every dial_timeout is below 5m');
  });

  test('the human report: grouped lines, each with its fix, and a closing count', () => {
    const r = doctor(configFor('healthy'), {}, []);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], 'doctor: == configuration');
    assert.ok(lines.includes('doctor: == builders'));
    assert.ok(lines.includes(`doctor: == chaincode ${pkgs.down.id}`));
    assert.ok(lines.includes(`doctor: error: probe: probe of cc.org1.test:${PORT.down} failed at tcp: connection refused on port ${PORT.down}: nothing listens there; fix: check the chaincode server's listen port and bind address (0.0.0.0, not 127.0.0.1), and the Service's port and targetPort; and that the chaincode was started as a server (shim.ChaincodeServer, fabric-chaincode-node server, CHAINCODE_SERVER_ADDRESS set): one started as a client dials the peer instead of listening, and the peer logs "peer will not accept external chaincode connection ... (except in dev mode)"`), r.stderr);
    assert.match(lines[lines.length - 1], /^doctor: 3 error\(s\), 1 warning\(s\), \d+ ok$/);
    assert.equal(r.stdout, '');
    assert.equal(r.code, 1);
  });

  test('Fabric\'s ccaas_builder listed before ours: ours never sees a ccaas package', () => {
    const { report } = doctor(configFor('fabric-builder-first', { fs: tempDir('ccaas-empty-fs-') }));
    const order = report.findings.find((f) => f.message.startsWith('is listed before ccaas-builder'));
    assert.equal(order.severity, 'error');
    assert.equal(order.subject, 'builder ccaas_builder');
    assert.equal(order.hint, 'list ccaas-builder before ccaas_builder (keep Fabric\'s after it, for its own old builds)');
    assert.equal(report.ok, false);
  });

  test('our builder not where core.yaml says, and a builder whose programs are not executable', () => {
    const { code, report } = doctor(configFor('no-ours', { fabric: stand.noexec, fs: tempDir('ccaas-empty-fs-') }));
    assert.equal(code, 1);
    const missing = finding(report, 'builder ccaas-builder', 'builders');
    assert.equal(missing.severity, 'error');
    assert.match(missing.message, /^\/opt\/hyperledger\/nowhere is not a directory here: its detect fails, the peer logs that only at DEBUG/);
    const noexec = finding(report, 'builder noexec');
    assert.equal(noexec.message, `${stand.noexec}/bin/detect is not executable (mode 0644, owner uid 0; the peer runs as uid 0): the peer gets "permission denied"; ${stand.noexec}/bin/build is not executable (mode 0644, owner uid 0; the peer runs as uid 0): the peer gets "permission denied": its detect fails, the peer logs that only at DEBUG, and hands the package to the next builder, then Docker`);
    assert.equal(noexec.hint, `chmod 0755 the programs under ${stand.noexec}/bin`);
    const ours = finding(report, 'ccaas-builder');
    assert.equal(ours.message, `this builder (${BUILDER}) is not in the peer's externalBuilders (core.yaml): ccaas packages go to no builder, so to Docker`);
  });

  test('CORE_CHAINCODE_EXTERNALBUILDERS replaces core.yaml\'s list, and here leaves ours out', () => {
    const env = { CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas_builder, path: ${stand.fabric}, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]` };
    const { report } = doctor(configFor('healthy', { fs: tempDir('ccaas-empty-fs-') }), env);
    assert.deepEqual(report.config.variables, ['CORE_CHAINCODE_EXTERNALBUILDERS']);
    assert.equal(report.config.builders_from, 'CORE_CHAINCODE_EXTERNALBUILDERS');
    assert.equal(finding(report, 'CORE_CHAINCODE_EXTERNALBUILDERS').message, 'replaces core.yaml\'s whole externalBuilders list');
    const ours = finding(report, 'ccaas-builder');
    assert.equal(ours.message, `this builder (${BUILDER}) is not in the peer's externalBuilders (CORE_CHAINCODE_EXTERNALBUILDERS): ccaas packages go to ccaas_builder`);
    assert.equal(ours.hint, 'CORE_CHAINCODE_EXTERNALBUILDERS replaces core.yaml\'s list: list this builder in it, first');
  });

  test('a variable set on the peer but not propagated, one propagated but invalid, and a short startuptimeout', () => {
    const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0"}', CCAAS_BUILDER_PROBE: 'sometimes', CORE_PEER_FILESYSTEMPATH: fsPath };
    const { report } = doctor(configFor('env-not-propagated', { fs: '/nonexistent' }), env);
    assert.equal(report.config.file_system_path, fsPath, 'CORE_PEER_FILESYSTEMPATH overrides core.yaml');
    assert.equal(report.config.startup_timeout_ms, 5000);
    const unlisted = finding(report, 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG');
    assert.equal(unlisted.severity, 'warning');
    assert.equal(unlisted.message, 'is set in the peer\'s environment but not listed under ccaas-builder\'s propagateEnvironment: the builder never sees it');
    const invalid = finding(report, 'CCAAS_BUILDER_PROBE');
    assert.equal(invalid.severity, 'error');
    assert.equal(invalid.message, 'CCAAS_BUILDER_PROBE: "sometimes" is not one of off, warn, require');
    const slow = report.findings.filter((f) => f.subject === 'dial_timeout').map((f) => f.message);
    assert.ok(slow.includes('10s is longer than chaincode.startuptimeout (5s): an unreachable server shows only as "timeout expired while starting chaincode"'));
    assert.ok(slow.includes('2s is longer than chaincode.startuptimeout (5s): an unreachable server shows only as "timeout expired while starting chaincode"') === false);
  });

  test('a Docker endpoint that does not answer', () => {
    const { report } = doctor(configFor('docker-fallback', { fs: tempDir('ccaas-empty-fs-') }));
    const docker = finding(report, 'vm.endpoint');
    assert.equal(docker.severity, 'warning');
    assert.match(docker.message, /^unix:\/\/\S+\/docker\.sock does not answer: a package no builder claims fails to install with a Docker error \(docker\.sock\), which hides that no builder claimed it; and the peer's operations \/healthz answers 503 \(its docker check: "failed to ping to Docker daemon"\), so a liveness or readiness probe on \/healthz fails the pod$/);
  });

  test('duplicate builder names, a build whose builder is gone, a malformed connection, and the CORE_ overrides', () => {
    const fsDup = tempDir('ccaas-doctor-dup-fs-');
    const peer = new Peer({ netns: ns, fileSystemPath: fsDup, name: 'retired-builder' });
    const pkg = makePackage({ label: 'retired_1.0', files: { 'connection.json': { address: `cc.org1.test:${PORT.down}` } } });
    assert.equal(peer.install(pkg).ok, true);
    fs.writeFileSync(peer.serverConnectionPath(pkg.id), '{"address": "cc.org1.test"}');
    const env = {
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas-builder, path: ${BUILDER}}, {name: ccaas-builder, path: ${stand.fabric}}]`,
      CORE_PEER_FILESYSTEMPATH: fsDup,
      CORE_CHAINCODE_STARTUPTIMEOUT: '7s',
      CORE_VM_ENDPOINT: `unix://${fsDup}/none.sock`,
    };
    const { report } = doctor(configFor('healthy'), env);
    assert.deepEqual([...report.config.variables].sort(),
      ['CORE_CHAINCODE_EXTERNALBUILDERS', 'CORE_CHAINCODE_STARTUPTIMEOUT', 'CORE_PEER_FILESYSTEMPATH', 'CORE_VM_ENDPOINT']);
    assert.equal(report.config.startup_timeout_ms, 7000);
    assert.equal(report.config.vm_endpoint, `unix://${fsDup}/none.sock`);
    const twice = report.findings.find((f) => f.message.startsWith('is listed twice'));
    assert.equal(twice.severity, 'warning');
    assert.equal(twice.subject, 'builder ccaas-builder');
    const gone = finding(report, 'builder retired-builder', `chaincode ${pkg.id}`);
    assert.equal(gone.severity, 'error');
    assert.equal(gone.message, 'made this build, but is no longer listed: the peer says "was already built with builder \'retired-builder\', but that builder is no longer available"');
    const malformed = finding(report, 'connection.json', `chaincode ${pkg.id}`);
    assert.equal(malformed.severity, 'error');
    assert.match(malformed.message, /connection\.json: address: "cc\.org1\.test" has no port/);
    assert.match(malformed.hint, /^the peer fails every launch with "malformed chaincode info"/);
  });

  test('a Docker endpoint that answers', async () => {
    const socket = path.join(tempDir('ccaas-doctor-sock-'), 'docker.sock');
    const server = require('node:net').createServer((c) => c.end()).listen(socket);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const env = { CORE_VM_ENDPOINT: `unix://${socket}` };
      const r = require('node:child_process').spawnSync(path.join(BIN_DIR, 'run'), ['--doctor', '--config', configFor('healthy', { fs: tempDir('ccaas-empty-fs-') }), '--json'],
        { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
      const report = JSON.parse(r.stdout);
      assert.equal(r.status, 0, 'nothing is an error: exit 0');
      assert.equal(report.ok, true);
      const docker = finding(report, 'vm.endpoint');
      assert.equal(docker.severity, 'ok');
      assert.equal(docker.message, `unix://${socket} answers: a package no builder claims is built by Docker, and a ccaas one fails there with "Unknown chaincodeType: CCAAS"`);
    } finally {
      server.close();
    }
  });

  test('a release program that is not executable, and a lost release output that no run can restore', () => {
    const root = tempDir('ccaas-doctor-norelease-');
    const fabric = standIn(path.join(root, 'ccaas_builder'));
    fs.chmodSync(path.join(fabric, 'bin', 'release'), 0o644);
    const fsLost = tempDir('ccaas-doctor-lost-fs-');
    const pkg = makePackage({ label: 'lost_1.0', files: { 'connection.json': { address: `cc.org1.test:${PORT.down}` } } });
    const peer = new Peer({ netns: ns, fileSystemPath: fsLost, name: 'ccaas_builder' });
    assert.equal(peer.install(pkg).ok, true);
    fs.rmSync(peer.serverConnectionPath(pkg.id));
    const { report } = doctor(configFor('healthy', { fabric, fs: fsLost }));
    const release = finding(report, 'builder ccaas_builder', 'builders');
    assert.equal(release.severity, 'error');
    assert.equal(release.message, `${fabric}/bin/release is not executable (mode 0644, owner uid 0; the peer runs as uid 0): the peer gets "permission denied": the peer skips bin/release without a word, and no chaincode server connection is ever published`);
    const lost = finding(report, 'release/chaincode/server/connection.json', `chaincode ${pkg.id}`);
    assert.equal(lost.severity, 'error');
    assert.equal(lost.message, 'missing, and builder ccaas_builder has no bin/run: every launch fails at once with "could not execute run: builder \'ccaas_builder\' run failed to start"');
    assert.match(lost.hint, new RegExp(`^remove ${peer.buildsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/lost_1\\.0-[0-9a-f]{64} so that the peer builds the package again with the first builder that claims it`));
  });

  test('the doctor writes nothing, and usage errors exit 2', () => {
    const listing = (dir) => fs.readdirSync(dir, { recursive: true }).sort();
    const before = listing(fsPath);
    doctor(configFor('healthy'));
    assert.deepEqual(listing(fsPath), before);
    const usage = ns.exec(path.join(BIN_DIR, 'run'), ['--doctor', '--config'], { env: { PATH: process.env.PATH } });
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'doctor: error: --config needs a value (usage: run --doctor [--config DIR] [--pid PID|NAME] [--json | --metrics | --serve ADDRESS [--interval DURATION]])\n');
  });
});
