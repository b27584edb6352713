'use strict';
// run --doctor --pid: a stock peer, read from outside it, as an operator meets it in an incident
// (harness/stock-peer.js): Fabric's image layout, Fabric's ccaas_builder at
// /opt/hyperledger/ccaas_builder and nothing of ours, packages installed and built by that
// builder, the peer in PID and mount namespaces of its own, the doctor from a debug container in
// its PID and network namespaces. Then the builder set-up failures operators report, each made
// by the test in a Debian-like root (dash is /bin/sh, as in Fabric 2.5's images) or an
// Alpine-like one (busybox, no bash, no glibc), each asserted as the doctor words it.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');
const { fabricCcaasBuilder } = require('./harness/builders');
const { parseExposition, only } = require('./harness/exposition');
const { scrapeIn, waitForRuns } = require('./harness/scrape');
const { debianRoot, alpineRoot, StockPeer, SharedPidPod, rootInstaller, listing, withoutScratchTimes, stockCoreYaml, write, FABRIC_BUILDER } = require('./harness/stock-peer');

const PORT = { healthy: 7901, down: 7902, other: 7903 };
const EXPORTER = { name: 9471, id: 9472 };
const HOST = 'cc-asset.org1.svc.cluster.local';
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const skip = available() ?? servers.commandsAvailable() ?? false;
// The machine the doctor runs on (the arm64 programs run under qemu-user say AArch64), and the
// other one, whose programs the peer cannot run.
const ARM = process.env.CCAAS_BUILDER_ARCH === 'arm64';
const NATIVE = ARM ? 'AArch64' : 'x86-64';
const FOREIGN = ARM ? { name: 'x86-64', machine: 62 } : { name: 'AArch64', machine: 183 };

let ns;
const pkgs = {};
const peers = []; // stock peers and pods, each stopped at the end
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Until a line of the child's output is wanted (an exporter logs a run after it counts it).
async function logged(child, wanted) {
  for (const end = Date.now() + 30000; Date.now() < end; await sleep(100)) {
    if (child.output.split('\n').some(wanted)) return;
  }
  assert.fail(`not logged: ${child.output}`);
}

function parse(r) {
  assert.equal(r.signal, null);
  try { return JSON.parse(r.stdout); } catch { return assert.fail(`not JSON (exit ${r.code}): ${r.stdout} ${r.stderr}`); }
}

function finding(report, subject, group) {
  const found = report.findings.filter((f) => f.subject === subject && (group === undefined || f.group === group));
  assert.equal(found.length, 1, `one finding for ${subject} in ${group}: ${JSON.stringify(report.findings, null, 1)}`);
  return found[0];
}

async function startPeer(root, opts) {
  const peer = await new StockPeer(ns, root, opts).start();
  peers.push(peer);
  return peer;
}

// A broken builder's programs, as people write them; each directory has bin/.
function scriptBuilder(dir, text, mode = 0o755) {
  for (const step of ['detect', 'build', 'release']) write(dir, `bin/${step}`, text, mode);
  return dir;
}

// An ELF header for the other machine (AArch64, e_machine 183, as an arm64 build of a builder
// starts; x86-64, 62, for the arm64 doctor).
function foreignProgram() {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(FOREIGN.machine, 18);
  header.writeUInt32LE(1, 20);
  return header;
}

describe('run --doctor --pid: a stock peer from outside', { skip }, () => {
  let root;

  before(async () => {
    ns = new Netns();
    root = debianRoot(tempDir('ccaas-stock-'), { hosts: { [HOST]: '127.0.0.1' } });
    fs.chmodSync(root, 0o755);
    const connection = (port) => ({ 'connection.json': { address: `${HOST}:${port}`, dial_timeout: '2s' } });
    for (const name of Object.keys(PORT)) pkgs[name] = makePackage({ label: `asset-${name}_1.0`, files: connection(PORT[name]) });
    const installer = rootInstaller(root);
    for (const name of Object.keys(PORT)) {
      const r = installer.install(pkgs[name]);
      assert.equal(r.ok, true, `installed by Fabric's builder in the peer's root: ${JSON.stringify(r.steps.map((s) => s.stderr))}`);
    }
    servers.startChaincode(ns, PORT.healthy, pkgs.healthy.id);
    servers.startChaincode(ns, PORT.other, `asset_1.0:${'e'.repeat(64)}`);
    for (const port of [PORT.healthy, PORT.other]) await ns.waitForPort(port);
  });

  after(async () => {
    for (const peer of peers.splice(0)) await peer.stop();
    await ns?.close();
    ns = null;
  });

  test('healthy, server down, another ID: Fabric\'s builder judged, its builds probed, nothing written', async () => {
    const peer = await startPeer(root);
    const before = listing(root);
    const r = peer.doctor();
    const report = parse(r);
    assert.deepEqual(withoutScratchTimes(listing(root)), withoutScratchTimes(before), 'the peer\'s configuration and file system are as they were, its TMPDIR empty again');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(report.config.core_yaml, '/etc/hyperledger/fabric/core.yaml');
    assert.equal(report.config.file_system_path, '/var/hyperledger/production');
    assert.deepEqual(report.builders.map((b) => [b.name, b.path, b.ours, b.claims_ccaas, b.detect_ran, b.usable]),
      [['ccaas_builder', FABRIC_BUILDER, false, true, true, true]]);
    assert.equal(report.claims_run, true);
    assert.equal(finding(report, 'builder ccaas_builder', 'builders').message, 'bin/detect and bin/build executable');
    assert.equal(finding(report, 'ccaas packages').message, 'go to ccaas_builder (its bin/detect exits 0 for one, run in the peer\'s root)');
    assert.equal(report.findings.filter((f) => f.subject === 'ccaas-builder').length, 0, 'a peer without ours is no error from outside');
    const docker = finding(report, 'vm.endpoint');
    assert.equal(docker.severity, 'warning');
    assert.equal(docker.hint, 'set vm.endpoint to "" in core.yaml, so that such a failure says "docker build is disabled" (CORE_VM_ENDPOINT="" does not do it: the peer ignores an empty variable)');

    const group = (name) => `chaincode ${pkgs[name].id}`;
    assert.equal(finding(report, 'builder ccaas_builder', group('healthy')).message, 'made this build, and is listed');
    assert.equal(finding(report, 'detect', group('healthy')).message, 'claimed by ccaas_builder');
    const healthy = finding(report, 'probe', group('healthy'));
    assert.equal(healthy.severity, 'ok', `${HOST} resolved by the peer's /etc/hosts, which the debug container's lacks: ${healthy.message}`);
    const down = finding(report, 'probe', group('down'));
    assert.equal(down.severity, 'error');
    assert.match(down.message, new RegExp(`^probe of ${HOST.replaceAll('.', '\\.')}:${PORT.down} failed at tcp: connection refused`));
    const other = finding(report, 'probe', group('other'));
    assert.equal(other.severity, 'error');
    assert.match(other.message, /failed at ccid: /);
    assert.match(other.message, /asset_1\.0:e{64}/);
    const build = report.builds.find((b) => b.package_id === pkgs.healthy.id);
    assert.equal(build.directory, `/var/hyperledger/production/externalbuilder/builds/asset-healthy_1.0-${pkgs.healthy.id.split(':')[1]}`);
    assert.equal(build.builder_name, 'ccaas_builder');
  });

  test('the builder path at its bin/, CORE_ variables viper never reads, an empty CORE_VM_ENDPOINT', async () => {
    const peer = await startPeer(root, {
      env: {
        CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas_builder, path: ${FABRIC_BUILDER}/bin, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]`,
        CORE_PEER_EXTERNALBUILDERS_0_NAME: 'ccaas-builder',
        CORE_VM_ENDPOINT: '',
      },
    });
    const r = peer.doctor();
    const report = parse(r);
    assert.equal(r.code, 1);
    assert.ok(peer.environ().includes('CORE_VM_ENDPOINT='), 'the variable is set, and empty');
    const bin = finding(report, 'builder ccaas_builder', 'builders');
    assert.equal(bin.severity, 'error');
    assert.equal(bin.message, `path ${FABRIC_BUILDER}/bin is the builder's bin/ folder (it holds detect itself): the peer runs ${FABRIC_BUILDER}/bin/bin/detect, which is not there, logs that only at DEBUG, and hands every package to the next builder, then Docker`);
    assert.equal(bin.hint, `set path to ${FABRIC_BUILDER}, the folder that holds bin/, in CORE_CHAINCODE_EXTERNALBUILDERS`);
    const none = finding(report, 'ccaas packages');
    assert.equal(none.severity, 'error');
    assert.equal(none.message, 'no builder claims one: the peer falls back to Docker at unix:///var/run/docker.sock, which does not answer: the install fails with a Docker error ("dial unix ...docker.sock") (the peer logs each failed detect only at DEBUG)');
    const ignored = finding(report, 'CORE_PEER_EXTERNALBUILDERS_0_NAME');
    assert.equal(ignored.severity, 'error', 'no builder claims a ccaas package: this is why');
    assert.equal(ignored.message, 'the peer never reads it: its externalBuilders key is chaincode.externalBuilders, a whole list, set by CORE_CHAINCODE_EXTERNALBUILDERS alone');
    const empty = finding(report, 'CORE_VM_ENDPOINT');
    assert.equal(empty.severity, 'warning');
    assert.equal(empty.message, 'is set but empty: the peer ignores an empty variable, so core.yaml\'s value (or the default) applies');
    assert.equal(report.config.vm_endpoint, 'unix:///var/run/docker.sock', 'core.yaml\'s value stands');
    const lost = finding(report, 'detect', `chaincode ${pkgs.healthy.id}`);
    assert.equal(lost.severity, 'error');
    assert.match(lost.message, /^no builder claims this ccaas package: when the peer builds it again, the peer falls back to Docker at unix:\/\/\/var\/run\/docker\.sock, which does not answer/);
  });

  test('a peer of another user: a verdict for root, exit 3 and what to add for a user without CAP_SYS_PTRACE', async () => {
    const owned = debianRoot(tempDir('ccaas-stock-user-'), { hosts: { [HOST]: '127.0.0.1' } });
    fs.chmodSync(owned, 0o755);
    const installer = rootInstaller(owned, { owner: { uid: 1000, gid: 1000 } });
    assert.equal(installer.install(pkgs.healthy).ok, true);
    const peer = await startPeer(owned, { user: [1000, 1000] });
    assert.equal(fs.statSync(`/proc/${peer.pid}`).uid, 1000);

    const asRoot = peer.doctor();
    const report = parse(asRoot);
    assert.equal(asRoot.code, 0, asRoot.stderr);
    assert.equal(report.claims_run, true, 'its detect ran inside its root, as its user');
    assert.equal(finding(report, 'ccaas packages').message, 'go to ccaas_builder (its bin/detect exits 0 for one, run in the peer\'s root)');
    assert.equal(finding(report, 'probe', `chaincode ${pkgs.healthy.id}`).severity, 'ok');

    const nobody = peer.doctor(['--json'], { as: NOBODY });
    assert.equal(nobody.code, 3);
    assert.equal(nobody.stdout, '');
    assert.equal(nobody.stderr, 'doctor: error: NOT CHECKED: process 1: cannot read its environment (/proc/1/environ): Permission denied: reading another user\'s process needs CAP_SYS_PTRACE: start the debug container with `kubectl debug --profile=general` (or --profile=sysadmin), or `docker run --cap-add SYS_PTRACE`, or run the doctor as the peer\'s user\n');

    // The peer's own user, without capabilities: its files can be read, its root not entered.
    const same = peer.doctor(['--json'], { as: ['--reuid=1000', '--regid=1000', '--clear-groups'] });
    const judged = parse(same);
    assert.equal(same.code, 3, 'the claims could not be run: no verdict either way');
    assert.equal(judged.claims_run, false);
    const refused = finding(judged, 'detect', 'builders');
    assert.equal(refused.message, 'could not run the bin/detect of ccaas_builder in the peer\'s root: cannot enter its root (chroot): Operation not permitted: which builder claims what was judged from the files only, not run');
    assert.equal(finding(judged, 'builder ccaas_builder', 'builders').message, 'bin/detect and bin/build executable');
    assert.equal(finding(judged, 'probe', `chaincode ${pkgs.healthy.id}`).severity, 'ok');
  });

  test('--serve in a pod sharing its PID namespace: --pid peer follows the peer through a restart, a PID given says what to give', async () => {
    const pod = await new SharedPidPod(ns, root).start();
    peers.push(pod);
    const first = await pod.startPeer();
    assert.notEqual(first.inPod, 1, 'the pause process is PID 1 of the pod');
    const url = (port) => `http://127.0.0.1:${port}/metrics`;
    const samplesOf = async (port, runs) => parseExposition(await waitForRuns(ns, url(port), runs));
    const byName = pod.sidecar(['--pid', 'peer', '--serve', `127.0.0.1:${EXPORTER.name}`, '--interval', '200ms']);
    const byId = pod.sidecar(['--pid', String(first.inPod), '--serve', `127.0.0.1:${EXPORTER.id}`, '--interval', '200ms']);
    const healthy = { package_id: pkgs.healthy.id };
    for (const port of [EXPORTER.name, EXPORTER.id]) {
      const samples = await samplesOf(port, 1);
      assert.equal(only(samples, 'ccaas_builder_exporter_last_run_success').value, 1, `${port}: ${byName.output} ${byId.output}`);
      assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', healthy).value, 1, 'the peer\'s /etc/hosts resolved its name');
    }

    // The peer's container dies and kubelet starts it again: a new process, with another PID.
    await pod.killPeer();
    const second = await pod.startPeer();
    assert.notEqual(second.inPod, first.inPod);
    const restarted = `doctor: the peer process named peer is now process ${second.inPod} (it was ${first.inPod}): the peer restarted`;
    await logged(byName, (line) => line === restarted);
    const runs = (port) => only(parseExposition(scrapeIn(ns, url(port))[0].body), 'ccaas_builder_exporter_runs_total').value;
    const after = await samplesOf(EXPORTER.name, runs(EXPORTER.name) + 2);
    assert.equal(only(after, 'ccaas_builder_exporter_last_run_success').value, 1, byName.output);
    assert.equal(only(after, 'ccaas_builder_chaincode_probe_success', healthy).value, 1);
    const named = byName.output.trim().split('\n');
    // Runs while no peer ran, or while the old one ended, (if any started then) say so; none says
    // anything else went wrong.
    for (const line of named.filter((l) => l.includes(' failed: '))) {
      assert.match(line, /^doctor: run \d+ failed: (--pid peer: no process named peer here: the doctor must share the peer's process namespace \(`kubectl debug --target=PEER_CONTAINER`, shareProcessNamespace: true, `docker run --pid container:PEER`\)|process \d+: it ended while the doctor read its (environment|file system) \(\/proc\/\d+\/(environ|root)\)|the peer \(process \d+\) ended during the run, or another process took its ID: no verdict on a peer that is gone; run the doctor again once the peer is running)$/);
    }

    const gone = `process ${first.inPod}: no such process here: the doctor must share the peer's process namespace (\`kubectl debug --target=PEER_CONTAINER\`, \`docker run --pid container:PEER\`); a restarted peer is a new process with another ID: --pid peer finds it by its name at each run`;
    await logged(byId, (line) => /^doctor: run \d+ failed: /.test(line) && line.endsWith(`failed: ${gone}`));
    const failed = await samplesOf(EXPORTER.id, runs(EXPORTER.id) + 1);
    assert.equal(only(failed, 'ccaas_builder_exporter_last_run_success').value, 0);
    assert.ok(only(failed, 'ccaas_builder_exporter_run_failures_total').value >= 1);

    for (const exporter of [byName, byId]) {
      const { code, signal } = await exporter.stop();
      assert.deepEqual([code, signal], [0, null], exporter.output);
      await logged(exporter, (line) => /^doctor: stopped on a termination signal after \d+ run\(s\)$/.test(line)); // its output may end after its exit
    }
  });
});

describe('run --doctor --pid: builder set-up failures, as the peer\'s own root decides', { skip }, () => {
  after(async () => {
    for (const peer of peers.splice(0)) await peer.stop();
    await ns?.close();
  });

  test('a detect that needs jq, which the image lacks: its own words name the cause of "no builder claims"', async () => {
    ns ??= new Netns();
    const root = debianRoot(tempDir('ccaas-jq-'));
    fs.chmodSync(root, 0o755);
    const dir = '/opt/builders/jq';
    // the documentation's detect (docs/source/cc_service.md), which Fabric's images cannot run
    scriptBuilder(path.join(root, dir), '#!/bin/sh\njq -r .type "$2/metadata.json" | grep -qx ccaas\n');
    write(root, 'etc/hyperledger/fabric/core.yaml', stockCoreYaml({ builders: [['jq', dir]], vmEndpoint: '""' }));
    const peer = await startPeer(root);
    const r = peer.doctor();
    const report = parse(r);
    assert.equal(r.code, 1, r.stderr);
    const none = finding(report, 'ccaas packages');
    assert.equal(none.severity, 'error');
    // The builder's own words, which the peer logs at INFO beside a DEBUG "detect failed", are the cause.
    assert.equal(none.message, `no builder claims one: the peer falls back to Docker, and vm.endpoint is empty: the install fails with "docker build is disabled" (the peer logs each failed detect only at DEBUG); what each bin/detect that declined it wrote last: jq: "${dir}/bin/detect: 2: jq: not found"`);
  });

  test('a Debian-like root (dash): bin/ as path, no bin/, mode 0644, CRLF, pipefail, bash, env bash, arm64, noexec', async () => {
    ns ??= new Netns();
    const root = debianRoot(tempDir('ccaas-broken-'));
    fs.chmodSync(root, 0o755);
    const b = (name) => path.join('/opt/builders', name);
    const at = (name) => path.join(root, b(name));
    scriptBuilder(at('pipefail'), '#!/bin/sh\nset -euo pipefail\ngrep -q ccaas "$2/metadata.json"\n');
    scriptBuilder(at('crlf'), '#!/bin/sh\r\ngrep -q ccaas "$2/metadata.json"\r\n');
    scriptBuilder(at('bash'), '#!/bin/bash\n[[ -f "$2/metadata.json" ]]\n');
    scriptBuilder(at('envbash'), '#!/usr/bin/env bash\n[[ -f "$2/metadata.json" ]]\n');
    scriptBuilder(at('mode'), '#!/bin/sh\nexit 0\n', 0o644);
    fs.mkdirSync(path.join(at('arm64'), 'bin'), { recursive: true });
    for (const step of ['detect', 'build']) write(at('arm64'), `bin/${step}`, foreignProgram(), 0o755);
    fs.mkdirSync(at('nobin'), { recursive: true });
    write(at('nobin'), 'detect', '#!/bin/sh\nexit 0\n', 0o755);
    fs.mkdirSync(at('empty'), { recursive: true });
    scriptBuilder(at('mounted'), '#!/bin/sh\nexit 0\n');
    fabricCcaasBuilder(at('fabric'));
    const list = [['pipefail', b('pipefail')], ['crlf', b('crlf')], ['bash', b('bash')], ['envbash', b('envbash')], ['mode', b('mode')],
      ['arm64', b('arm64')], ['binpath', `${b('nobin')}`], ['empty', b('empty')], ['mounted', b('mounted')], ['fabric', b('fabric')]];
    write(root, 'etc/hyperledger/fabric/core.yaml', stockCoreYaml({ builders: list, vmEndpoint: '""' }));
    const peer = await startPeer(root, {
      mounts: [`mount --bind "$ROOT${b('mounted')}" "$ROOT${b('mounted')}"`, `mount -o remount,bind,noexec "$ROOT${b('mounted')}"`],
    });
    const r = peer.doctor();
    const report = parse(r);
    assert.equal(r.code, 1);
    const message = (name) => finding(report, `builder ${name}`, 'builders');
    const gets = 'its detect fails, the peer logs that only at DEBUG, and hands the package to the next builder, then Docker';

    const pipefail = report.findings.filter((f) => f.subject === 'builder pipefail');
    assert.deepEqual(pipefail.map((f) => f.severity), ['ok', 'warning'], 'its files are fine; its runs are not');
    assert.equal(pipefail[1].message, `bin/detect fails before it decides, on every package (1 run(s), exit 2): "${b('pipefail')}/bin/detect: 2: set: Illegal option -o pipefail": it never claims a package, and the peer logs that only at DEBUG`);
    assert.match(pipefail[1].hint, /^the image's \/bin\/sh is not bash \(Debian and Ubuntu: dash; Alpine: busybox\)/);

    assert.equal(message('crlf').message, `${b('crlf')}/bin/detect's #! line ends in a carriage return (CRLF line endings, "#!/bin/sh\\r"): the kernel looks for that name, so the peer gets "no such file or directory" for a file that exists; ${b('crlf')}/bin/build's #! line ends in a carriage return (CRLF line endings, "#!/bin/sh\\r"): the kernel looks for that name, so the peer gets "no such file or directory" for a file that exists: ${gets}`);
    assert.match(message('crlf').hint, /^convert the programs' line endings to LF/);
    assert.match(message('bash').message, new RegExp(`^${b('bash')}/bin/detect's interpreter /bin/bash is not in the peer's image: the peer gets "no such file or directory" for a file that exists;`));
    assert.match(message('envbash').message, new RegExp(`^${b('envbash')}/bin/detect runs "#!/usr/bin/env bash", and bash is not on the PATH the peer passes it \\(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\\) in the peer's image: it exits 127;`));
    assert.match(message('mode').message, new RegExp(`^${b('mode')}/bin/detect is not executable \\(mode 0644, owner uid 0; the peer runs as uid 0\\): the peer gets "permission denied";`));
    assert.match(message('arm64').message, new RegExp(`^${b('arm64')}/bin/detect is a program for ${FOREIGN.name}, and the peer runs on ${NATIVE}: the peer gets "exec format error";`));
    assert.equal(message('binpath').message, `path ${b('nobin')} is the builder's bin/ folder (it holds detect itself): the peer runs ${b('nobin')}/bin/detect, which is not there, logs that only at DEBUG, and hands every package to the next builder, then Docker`);
    assert.equal(message('empty').message, `${b('empty')} holds no bin/ folder: the peer runs ${b('empty')}/bin/detect, which is not there, logs that only at DEBUG, and hands every package to the next builder, then Docker`);
    assert.match(message('mounted').message, new RegExp(`^${b('mounted')}/bin/detect is on a file system mounted noexec \\(${b('mounted')}, \\S+ \\S+\\): mode 0755 and still "permission denied" when the peer runs it;`));
    assert.match(message('mounted').hint, /^mount the builder's volume without noexec/);
    for (const name of ['crlf', 'bash', 'envbash', 'mode', 'arm64', 'binpath', 'empty', 'mounted']) {
      assert.equal(message(name).severity, 'error', name);
      assert.equal(report.builders.find((x) => x.name === name).detect_ran, false, `${name}: not run, it cannot start`);
    }
    assert.equal(finding(report, 'ccaas packages').message, 'go to fabric (its bin/detect exits 0 for one, run in the peer\'s root)');
    assert.deepEqual(report.builders.map((x) => x.name), list.map(([name]) => name), 'in the order the peer tries them');
  });

  test('an Alpine-like root (busybox, no bash, no glibc): bash scripts and a glibc program; no builder left', async () => {
    ns ??= new Netns();
    const root = alpineRoot(tempDir('ccaas-alpine-'));
    fs.chmodSync(root, 0o755);
    scriptBuilder(path.join(root, 'opt/builders/bash'), '#!/bin/bash\nset -euo pipefail\n[[ -f "$2/metadata.json" ]]\n');
    for (const step of ['detect', 'build']) {
      fs.mkdirSync(path.join(root, 'opt/builders/glibc/bin'), { recursive: true });
      fs.copyFileSync('/usr/bin/true', path.join(root, 'opt/builders/glibc/bin', step));
    }
    // Fabric's builder stand-in under busybox works: a builder that only its set-up breaks.
    fabricCcaasBuilder(path.join(root, 'opt/builders/fabric'));
    fs.chmodSync(path.join(root, 'opt/builders/fabric/bin/detect'), 0o600);
    write(root, 'etc/hyperledger/fabric/core.yaml', stockCoreYaml({
      builders: [['bash', '/opt/builders/bash'], ['glibc', '/opt/builders/glibc'], ['fabric', '/opt/builders/fabric']], vmEndpoint: '""',
    }));
    const peer = await startPeer(root);
    const r = peer.doctor();
    const report = parse(r);
    assert.equal(r.code, 1);
    const bash = finding(report, 'builder bash', 'builders');
    assert.match(bash.message, /^\/opt\/builders\/bash\/bin\/detect's interpreter \/bin\/bash is not in the peer's image: the peer gets "no such file or directory" for a file that exists;/);
    assert.equal(bash.hint, 'use an interpreter the peer\'s image has (#!/bin/sh, and POSIX sh only), or a static program');
    const glibc = finding(report, 'builder glibc', 'builders');
    if (ARM) {
      // An x86-64 program, to the arm64 doctor: its machine is what the peer trips on first.
      assert.match(glibc.message, /^\/opt\/builders\/glibc\/bin\/detect is a program for x86-64, and the peer runs on AArch64/);
    } else {
      assert.match(glibc.message, /^\/opt\/builders\/glibc\/bin\/detect's dynamic loader \/lib64\/ld-linux-x86-64\.so\.2 is not in the peer's image \(a program linked for another C library, such as glibc's in an Alpine image\): the peer gets "no such file or directory" for a file that exists;/);
      assert.equal(glibc.hint, 'use a statically linked build of the builder');
    }
    const fabric = finding(report, 'builder fabric', 'builders');
    assert.match(fabric.message, /^\/opt\/builders\/fabric\/bin\/detect is not executable \(mode 0600, owner uid 0; the peer runs as uid 0\)/);
    const none = finding(report, 'ccaas packages');
    assert.equal(none.severity, 'error');
    assert.equal(none.message, 'no builder claims one: the peer falls back to Docker, and vm.endpoint is empty: the install fails with "docker build is disabled" (the peer logs each failed detect only at DEBUG)');
  });
});
