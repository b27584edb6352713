'use strict';
// run --doctor and run --check as real clusters meet them, where our first fixtures were kinder:
//   - the founding record's state: a durable build hand-edited to name another builder
//     (`external`, whose run writes connection.json and stays alive), no server connection;
//   - Fabric's ccaas_builder copied into a folder of its own as `fabric-ccaas` and listed first,
//     found by running its detect, as the peer does (harness/builders.js);
//   - the peer's configuration in a ConfigMap volume as kubelet lays it out (harness/kubelet.js:
//     links into a timestamped folder, read-only), FABRIC_CFG_PATH and peer.fileSystemPath links
//     too, the doctor run as a non-root user whose TMPDIR is not writable;
//   - the check's own trouble (no writable TMPDIR) said as such, with exit 3, never as a verdict.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { BIN_DIR, Peer, makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');
const { fabricCcaasBuilder, recordExternalBuilder, hangingBuilder, hangs, untilHangs } = require('./harness/builders');
const { coreYaml, plainConfig } = require('./harness/core-yaml');
const { atomicWriterVolume } = require('./harness/kubelet');

const BUILDER = path.dirname(BIN_DIR);
const PORT = 7701;
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const OUR_ENV = '[CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, CCAAS_BUILDER_DIAL_TIMEOUT, CCAAS_BUILDER_PROBE]';
const skip = available() ?? servers.commandsAvailable() ?? false;

let ns;
let root;
const pkgs = {};
const builders = {};

// run --doctor in the namespace; as: extra argv before the program (setpriv for another user).
function doctor(env, { as = [], args = [] } = {}) {
  const argv = [...as, path.join(BIN_DIR, 'run'), '--doctor', '--json', ...args];
  const [cmd, ...rest] = as.length ? ['setpriv', ...argv] : argv;
  const r = ns.exec(cmd, rest, { env: { PATH: process.env.PATH, ...env } });
  assert.equal(r.signal, null);
  let report;
  try { report = JSON.parse(r.stdout); } catch { assert.fail(`not JSON: ${r.stdout} ${r.stderr}`); }
  return { ...r, report };
}

function finding(report, subject, group) {
  const found = report.findings.filter((f) => f.subject === subject && (group === undefined || f.group === group));
  assert.equal(found.length, 1, `one finding for ${subject} in ${group}: ${JSON.stringify(report.findings, null, 1)}`);
  return found[0];
}

const errors = (report) => report.findings.filter((f) => f.severity === 'error');

describe('the doctor in the field', { skip }, () => {
  before(async () => {
    ns = new Netns({ hosts: { 'cc.org1.test': '127.0.0.1' } });
    root = tempDir('ccaas-field-');
    fs.chmodSync(root, 0o755);
    builders.fabric = fabricCcaasBuilder(path.join(root, 'copies', 'fabric-ccaas'));
    builders.external = recordExternalBuilder(path.join(root, 'external'));
    fs.chmodSync(path.join(root, 'copies'), 0o755);
    const connection = { 'connection.json': { address: `cc.org1.test:${PORT}`, dial_timeout: '2s' } };
    pkgs.healthy = makePackage({ label: 'fieldcc_1.0', files: connection });
    pkgs.record = makePackage({ label: 'record_1.0', files: connection });
    pkgs.external = makePackage({ label: 'sample_1.0', type: 'external', files: connection });
    servers.startChaincode(ns, PORT, pkgs.healthy.id);
    await ns.waitForPort(PORT);
  });

  after(async () => { await ns?.close(); });

  test('the record\'s state: a build that names `external`, whose run stays alive, and no server connection', () => {
    const fsPath = tempDir('ccaas-field-fs-');
    const peer = new Peer({ netns: ns, fileSystemPath: fsPath });
    assert.equal(peer.install(pkgs.record).ok, true);
    // As the operator did by hand: the build now names external; its release output has no server connection.
    const durable = path.join(peer.buildsDir, `record_1.0-${pkgs.record.id.split(':')[1]}`);
    fs.writeFileSync(path.join(durable, 'build-info.json'), JSON.stringify({ builder_name: 'external' }));
    fs.rmSync(peer.serverConnectionPath(pkgs.record.id));
    const config = plainConfig(coreYaml({ fsPath, list: [['ccaas-builder', BUILDER, OUR_ENV], ['external', builders.external]] }));

    const { code, report } = doctor({}, { args: ['--config', config] });
    assert.equal(code, 1);
    assert.equal(finding(report, 'builder external', `chaincode ${pkgs.record.id}`).message, 'made this build, and is listed');
    const lost = finding(report, 'release/chaincode/server/connection.json', `chaincode ${pkgs.record.id}`);
    assert.equal(lost.severity, 'error');
    assert.equal(lost.message, `missing: the peer calls bin/run of builder external (${builders.external}/bin/run) at the next launch and waits up to chaincode.startuptimeout (5m0s) for the chaincode to dial back; a chaincode-as-a-service server never dials, so the launch fails with "timeout expired while starting chaincode" after 5m0s`);
    assert.equal(lost.hint, `remove ${durable} so that the peer builds the package again with the first builder that claims it (restart the peer, or install the package again), or restore ${peer.serverConnectionPath(pkgs.record.id)}`);
    const build = report.builds.find((b) => b.package_id === pkgs.record.id);
    assert.equal(build.type, 'ccaas', 'read from the installed package in lifecycle/chaincodes');
    assert.equal(build.builder_name, 'external');
    assert.equal(report.findings.filter((f) => f.group === `chaincode ${pkgs.record.id}` && f.subject === 'probe').length, 0,
      'the peer will not dial it, so the doctor does not probe it');
    assert.equal(finding(report, 'detect', `chaincode ${pkgs.record.id}`).message, 'claimed by ccaas-builder, this builder');

    // The same build, with an external builder that has no run: the launch fails at once.
    const noRun = recordExternalBuilder(path.join(tempDir('ccaas-field-norun-'), 'external'));
    fs.rmSync(path.join(noRun, 'bin', 'run'));
    const config2 = plainConfig(coreYaml({ fsPath, list: [['ccaas-builder', BUILDER, OUR_ENV], ['external', noRun]] }));
    const second = doctor({}, { args: ['--config', config2] });
    assert.equal(finding(second.report, 'release/chaincode/server/connection.json', `chaincode ${pkgs.record.id}`).message,
      'missing, and builder external has no bin/run: every launch fails at once with "could not execute run: builder \'external\' run failed to start"');
  });

  test('Fabric\'s ccaas_builder copied as `fabric-ccaas` and listed first: found by running its detect', () => {
    const fsPath = tempDir('ccaas-field-fs-');
    assert.equal(new Peer({ netns: ns, fileSystemPath: fsPath }).install(pkgs.healthy).ok, true);
    assert.equal(new Peer({ netns: ns, fileSystemPath: fsPath, binDir: path.join(builders.external, 'bin'), name: 'external' }).install(pkgs.external).ok, true);
    const config = plainConfig(coreYaml({ fsPath, list: [['fabric-ccaas', builders.fabric], ['ccaas-builder', BUILDER, OUR_ENV], ['external', builders.external]] }));
    const { code, report } = doctor({ TMPDIR: tempDir('ccaas-field-tmp-') }, { args: ['--config', config] });
    assert.equal(code, 1);
    assert.deepEqual(report.builders.map((b) => [b.name, b.claims_ccaas, b.detect_ran]),
      [['fabric-ccaas', true, true], ['ccaas-builder', true, false], ['external', false, false]]);
    const first = report.findings.find((f) => f.subject === 'builder fabric-ccaas' && f.severity === 'error');
    assert.equal(first.message, 'is listed before ccaas-builder and claims ccaas packages (its bin/detect exits 0 for one): the peer builds every new ccaas package with it, and ours never sees one');
    const claimed = finding(report, 'detect', `chaincode ${pkgs.healthy.id}`);
    assert.equal(claimed.severity, 'warning');
    assert.equal(claimed.message, 'claimed by fabric-ccaas (its bin/detect exits 0 for it), listed before ccaas-builder: when the peer builds it again, fabric-ccaas does');
    assert.deepEqual(report.packages.map((p) => [p.package_id, p.type, p.claimed_by]).sort(),
      [[pkgs.external.id, 'external', null], [pkgs.healthy.id, 'ccaas', 'fabric-ccaas']].sort(),
      'fabric-ccaas refuses the external package; ours is not asked for one that is not ccaas');

    // The record's external builder listed first instead: its detect refuses ccaas, so ours claims them.
    const config2 = plainConfig(coreYaml({ fsPath, list: [['external', builders.external], ['ccaas-builder', BUILDER, OUR_ENV]] }));
    const second = doctor({ TMPDIR: tempDir('ccaas-field-tmp-') }, { args: ['--config', config2] });
    assert.deepEqual(errors(second.report).filter((f) => f.group === 'builders' || f.subject === 'detect'), [], 'no builder claims ccaas before ours');
    assert.deepEqual(second.report.builders.map((b) => [b.name, b.claims_ccaas, b.detect_ran]), [['external', false, true], ['ccaas-builder', true, false]]);
    assert.equal(finding(second.report, 'detect', `chaincode ${pkgs.healthy.id}`).message, 'claimed by ccaas-builder, this builder');
    assert.equal(finding(second.report, 'detect', `chaincode ${pkgs.external.id}`).message, 'claimed by external');
    assert.equal(fs.readdirSync(second.report.config.file_system_path).sort().join(','), 'externalbuilder,lifecycle', 'nothing written');
  });

  test('a builder before ours whose detect hangs: the doctor stops it at its bound and says the peer would hang there', () => {
    const hanging = hangingBuilder(path.join(tempDir('ccaas-field-hang-'), 'hanging'), 61);
    const fsPath = tempDir('ccaas-field-fs-');
    const config = plainConfig(coreYaml({ fsPath, list: [['hanging', hanging], ['ccaas-builder', BUILDER, OUR_ENV]] }));
    const { code, report, ms } = doctor({ TMPDIR: tempDir('ccaas-field-tmp-') }, { args: ['--config', config] });
    assert.equal(code, 1);
    const hang = report.findings.find((f) => f.subject === 'builder hanging' && f.severity === 'error');
    assert.equal(hang?.message, 'bin/detect did not exit within 10s: the peer waits for it without a limit, so an install hangs there', JSON.stringify(report.findings));
    assert.deepEqual(report.builders.map((b) => [b.name, b.claims_ccaas, b.detect_ran]), [['hanging', false, true], ['ccaas-builder', true, false]]);
    assert.ok(ms < 30000, `the doctor took ${ms} ms`);
    assert.equal(hangs(61), false, 'the hanging detect was killed');
  });

  test('SIGTERM while that detect hangs: the doctor kills it and stops at once, exit 143, and says it stopped', async () => {
    const hanging = hangingBuilder(path.join(tempDir('ccaas-field-hang-'), 'hanging'), 62);
    const config = plainConfig(coreYaml({ fsPath: tempDir('ccaas-field-fs-'), list: [['hanging', hanging], ['ccaas-builder', BUILDER, OUR_ENV]] }));
    const child = ns.spawn(path.join(BIN_DIR, 'run'), ['--doctor', '--config', config], { env: { PATH: process.env.PATH, TMPDIR: tempDir('ccaas-field-tmp-') } });
    assert.ok(await untilHangs(62), 'the hanging detect runs');
    const sent = process.hrtime.bigint();
    child.kill('SIGTERM');
    const { code, signal, at } = await child.exited;
    assert.deepEqual([code, signal], [143, null]);
    assert.ok(Number(at - sent) / 1e6 <= 1000, `SIGTERM to exit: ${Number(at - sent) / 1e6} ms`);
    assert.equal(hangs(62), false, 'the hanging detect was killed');
    assert.match(child.output.trim().split('\n').at(-1), /^doctor: 0 error\(s\), 0 warning\(s\), \d+ ok; terminated before every check ran$/);
  });

  test('a ConfigMap-mounted core.yaml, links everywhere, read-only, a non-root user without a writable TMPDIR: healthy', () => {
    const fsPath = tempDir('ccaas-field-fs-');
    fs.chmodSync(fsPath, 0o755);
    assert.equal(new Peer({ netns: ns, fileSystemPath: fsPath }).install(pkgs.healthy).ok, true);
    ns.must('chown', ['-R', '65534:65534', fsPath]); // the peer's own user owns its ledger volume
    const open = (dir) => { fs.chmodSync(dir, 0o755); return dir; }; // traversable, as / is to the peer
    const fsLink = path.join(open(tempDir('ccaas-field-links-')), 'production');
    fs.symlinkSync(fsPath, fsLink);
    const volume = atomicWriterVolume(path.join(open(tempDir('ccaas-field-cm-')), 'config'), {
      'core.yaml': coreYaml({ fsPath: fsLink, list: [['ccaas-builder', BUILDER, OUR_ENV], ['ccaas_builder', builders.fabric]] }),
    });
    assert.equal(fs.readlinkSync(path.join(volume, 'core.yaml')), '..data/core.yaml');
    assert.match(fs.readlinkSync(path.join(volume, '..data')), /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    const cfgLink = path.join(open(tempDir('ccaas-field-links-')), 'fabric');
    fs.symlinkSync(volume, cfgLink);
    const tmp = tempDir('ccaas-field-ro-tmp-'); // root's, 0755: not writable by the peer's user
    fs.chmodSync(tmp, 0o755);

    const { code, report, stderr } = doctor({ FABRIC_CFG_PATH: cfgLink, TMPDIR: tmp, CCAAS_BUILDER_PROBE: 'warn' }, { as: NOBODY });
    assert.equal(code, 0, `${stderr} ${JSON.stringify(errors(report))}`);
    assert.equal(report.ok, true);
    assert.equal(report.unchecked, false);
    assert.equal(report.config.core_yaml, path.join(cfgLink, 'core.yaml'));
    assert.equal(report.config.core_yaml_found, true);
    assert.equal(finding(report, path.join(cfgLink, 'core.yaml')).message, 'read');
    assert.deepEqual(report.builds.map((b) => [b.package_id, b.ok]), [[pkgs.healthy.id, true]]);
    assert.doesNotMatch(JSON.stringify(report), /symlink/);
  });

  test('a builder before ours and no writable TMPDIR: the doctor says it could not run that detect, and exits 3', () => {
    const fsPath = tempDir('ccaas-field-fs-');
    fs.chmodSync(fsPath, 0o755);
    const config = plainConfig(coreYaml({ fsPath, list: [['fabric-ccaas', builders.fabric], ['ccaas-builder', BUILDER, OUR_ENV]] }));
    fs.chmodSync(config, 0o755);
    const tmp = tempDir('ccaas-field-ro-tmp-');
    fs.chmodSync(tmp, 0o755);
    const { code, report, stderr } = doctor({ TMPDIR: tmp }, { as: NOBODY, args: ['--config', config] });
    assert.equal(code, 3, stderr);
    assert.equal(report.ok, true, 'nothing found wrong');
    assert.equal(report.unchecked, true);
    const detect = finding(report, 'detect', 'builders');
    assert.equal(detect.severity, 'warning');
    assert.equal(detect.message, `could not run the bin/detect of fabric-ccaas, listed before ccaas-builder: ${tmp}: cannot create a temporary directory: Permission denied (set TMPDIR to a writable directory): the doctor's own trouble, not the peer's; which builder claims ccaas packages is not known`);
    const human = ns.exec('setpriv', [...NOBODY, path.join(BIN_DIR, 'run'), '--doctor', '--config', config], { env: { PATH: process.env.PATH, TMPDIR: tmp } });
    assert.equal(human.code, 3);
    assert.match(human.stderr.trim().split('\n').pop(), /^doctor: 0 error\(s\), \d+ warning\(s\), \d+ ok; some checks could not run \(the doctor's own trouble, said above\)$/);
  });

  test('run --check with no writable TMPDIR: no verdict on the package, exit 3; a durable build needs none', () => {
    const tmp = tempDir('ccaas-field-ro-tmp-');
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(path.dirname(pkgs.healthy.file), 0o755);
    const run = path.join(BIN_DIR, 'run');
    const env = { env: { PATH: process.env.PATH, TMPDIR: tmp } };
    const human = ns.exec('setpriv', [...NOBODY, run, '--check', pkgs.healthy.file], env);
    assert.equal(human.code, 3, human.stderr);
    const lines = human.stderr.trim().split('\n');
    assert.equal(lines.length, 1, human.stderr);
    assert.equal(lines[0], `check: NOT CHECKED: the check could not run: ${tmp}: cannot create a temporary directory: Permission denied (set TMPDIR to a writable directory); this says nothing about the package; give the check a writable TMPDIR (an emptyDir in a pod with readOnlyRootFilesystem), or check the peer's durable build directory instead`);
    assert.doesNotMatch(human.stderr, /FAILED at config|the peer could not use this package/);
    const json = ns.exec('setpriv', [...NOBODY, run, '--check', pkgs.healthy.file, '--json'], env);
    assert.equal(json.code, 3);
    const report = JSON.parse(json.stdout);
    assert.equal(report.unchecked, true);
    assert.equal(report.failed_stage, null);
    assert.equal(report.ok, false);

    // A durable build is read where it lies: the same user, the same TMPDIR, a verdict.
    const fsPath = tempDir('ccaas-field-fs-');
    fs.chmodSync(fsPath, 0o755);
    const peer = new Peer({ netns: ns, fileSystemPath: fsPath });
    const installed = peer.install(pkgs.healthy);
    ns.must('chown', ['-R', '65534:65534', fsPath]);
    const durable = ns.exec('setpriv', [...NOBODY, run, '--check', installed.durable], env);
    assert.equal(durable.code, 0, durable.stderr);
    assert.match(durable.stderr, /check: OK: probe of cc\.org1\.test:7701 ok in /);
  });
});
