'use strict';
// A peer whose files are hostile, examined by `run --doctor --pid` from a debug container as
// root: the doctor must never have more power than the peer it examines. Each peer is a stock
// peer made as harness/stock-peer.js makes one (a Debian-like root, Fabric's builder, the peer as
// PID 1 of its own PID namespace with Docker's default capabilities, or as a pod's container
// beside a pause process), with a builder of the attacker's listed first. Where an attack can be
// shown, it is first shown to work against a naive doctor (what this project's doctor did before:
// a program run by `chroot` with the debug container's power, the package's folders handed over
// as descriptors of the debug container's, paths opened as strings under /proc/PID/root), then
// ours is shown to resist it. Every case checks, by a listing with owners, modes, sizes and hashes
// taken before and after, that nothing outside the peer's root changed (the debug container's
// files, its TMPDIR) and that the doctor's scratch folder in the peer's TMPDIR is gone.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN_DIR, makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const { tarGz } = require('./harness/tarball');
const { debianRoot, StockPeer, SharedPidPod, rootInstaller, listing, withoutScratchTimes, stockCoreYaml, write, doctorIn, FABRIC_BUILDER, DEFAULT_CAPS } = require('./harness/stock-peer');

const skip = available() ?? false;
const EVIL = '/opt/evil';
// Docker's default capabilities as a mask (CapBnd of a container that asks for nothing more).
const DOCKER_CAPS = 0xa80425fbn;
// The debug container's power in kubectl debug's profiles: general adds SYS_PTRACE to the
// defaults; sysadmin is privileged (every capability). mounts: a root doctor that shares the
// peer's mount namespace (run on the node with nsenter, or any tool that does), where a setuid
// file of the peer's root takes effect unless no_new_privs stops it (across mount namespaces the
// kernel ignores the bit anyway).
const PROFILES = {
  general: ['setpriv', `--bounding-set=-all,${[...DEFAULT_CAPS, 'sys_ptrace'].map((c) => `+${c}`).join(',')}`, '--inh-caps=-all'],
  sysadmin: [],
};

let ns;
const peers = [];

// A peer's root and, beside it, what stands for the debug container's own files: a root-owned
// secret (0600) and the doctor's TMPDIR.
function world({ builders = [['evil', EVIL, '[]'], ['ccaas_builder', FABRIC_BUILDER]] } = {}) {
  const base = tempDir('ccaas-hostile-peer-');
  fs.chmodSync(base, 0o755);
  const root = debianRoot(path.join(base, 'root'));
  fs.chmodSync(root, 0o755);
  const outside = path.join(base, 'outside');
  write(outside, 'secret', 'the debug container\'s own file\n', 0o600);
  fs.mkdirSync(path.join(outside, 'doctor-tmp'), { mode: 0o700 });
  fs.mkdirSync(path.join(root, 'var', 'evidence'), { recursive: true });
  fs.chmodSync(path.join(root, 'var', 'evidence'), 0o1777);
  write(root, 'etc/hyperledger/fabric/core.yaml', stockCoreYaml({ builders }));
  return { base, root, outside };
}

function evilDetect(root, body) {
  write(root, `${EVIL.slice(1)}/bin/detect`, `#!/bin/sh\n${body}\n`, 0o755);
  write(root, `${EVIL.slice(1)}/bin/build`, '#!/bin/sh\nexit 1\n', 0o755);
}

async function startPeer(root, opts) {
  const peer = await new StockPeer(ns, root, opts).start();
  peers.push(peer);
  return peer;
}

// run --doctor --pid 1 from a debug container of this profile; raw: stdout as bytes.
function doctor(peer, world_, args = ['--json'], { profile = 'sysadmin', raw = false, before = [] } = {}) {
  const argv = profile === 'mounts'
    ? ns.argv('nsenter', ['-t', String(peer.pid), '--mount', '--', ...before, path.join(BIN_DIR, 'run'), '--doctor', '--pid', String(peer.pid), ...args])
    : ns.argv('nsenter', doctorIn(peer.pid, ['--pid', '1', ...args], [...before, ...PROFILES[profile]]));
  const r = spawnSync('ip', argv, { env: { PATH: process.env.PATH, TMPDIR: path.join(world_.outside, 'doctor-tmp') }, encoding: raw ? 'buffer' : 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: raw ? r.stderr.toString() : r.stderr };
}

const parse = (r) => {
  try { return JSON.parse(r.stdout); } catch { throw new Error(`not JSON (exit ${r.code}): ${r.stderr}`); }
};
const finding = (report, subject, group) => report.findings.find((f) => f.subject === subject && (group === undefined || f.group === group));

// The listings that must not change: the debug container's files, and the peer's root but for
// the evidence a hostile program leaves on purpose and the times of its TMPDIR.
function snapshot({ root, outside }) {
  const peerSide = withoutScratchTimes(listing(root));
  for (const key of Object.keys(peerSide)) if (key === 'var/evidence' || key.startsWith('var/evidence/')) delete peerSide[key];
  return { outside: listing(outside), root: peerSide };
}

function assertUntouched(w, before, what) {
  const now = snapshot(w);
  assert.deepEqual(now.outside, before.outside, `${what}: nothing outside the peer's root changed`);
  assert.deepEqual(now.root, before.root, `${what}: the peer's files are as they were`);
  assert.deepEqual(fs.readdirSync(path.join(w.root, 'tmp')).filter((n) => n.startsWith('ccaas-doctor-')), [], `${what}: the scratch folder is gone`);
}

const evidence = (root, name) => fs.readFileSync(path.join(root, 'var', 'evidence', name), 'utf8');
const statusLine = (text, key) => (text.split('\n').find((l) => l.startsWith(`${key}:`)) ?? '').split(':\t')[1];
const processes = (pattern) => spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);

describe('run --doctor --pid against a hostile peer: never more power than the peer', { skip }, () => {
  before(() => { ns = new Netns(); });
  after(async () => {
    for (const peer of peers.splice(0)) await peer.stop();
    spawnSync('pkill', ['-KILL', '-f', 'sleep 314[0-9]']);
    await ns?.close();
  });

  test('a detect that walks up from its arguments: the naive doctor hands it the debug container, ours only the peer\'s root', async () => {
    const w = world();
    evilDetect(w.root, 'p="$1"; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do p="$p/.."; done\nls -a "$p" > /var/evidence/walked 2>&1\nexit 1');
    const peer = await startPeer(w.root);
    // Naive: the folders handed over as descriptors of the debug container's file system.
    const naiveDirs = [path.join(w.base, 'naive', 'src'), path.join(w.base, 'naive', 'metadata')];
    for (const d of naiveDirs) fs.mkdirSync(d, { recursive: true });
    const naive = ns.exec('nsenter', ['-t', String(peer.pid), '--pid', '--', 'sh', '-c',
      'exec 3<"$1" 4<"$2"; exec chroot "$0" /opt/evil/bin/detect /proc/self/fd/3 /proc/self/fd/4', `/proc/${peer.pid}/root`, ...naiveDirs]);
    assert.equal(naive.code, 1, `${naive.stdout}${naive.stderr}`);
    const hostTop = fs.readdirSync('/');
    assert.deepEqual(evidence(w.root, 'walked').trim().split('\n').filter((n) => n !== '.' && n !== '..').sort(), hostTop.sort(),
      'the naive doctor\'s detect listed this machine\'s own /');

    const before = snapshot(w);
    const r = doctor(peer, w);
    const report = parse(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(finding(report, 'ccaas packages').message, 'go to ccaas_builder (its bin/detect exits 0 for one, run in the peer\'s root)');
    const walked = evidence(w.root, 'walked').trim().split('\n').filter((n) => n !== '.' && n !== '..').sort();
    assert.deepEqual(walked, fs.readdirSync(w.root).sort(), 'our detect run saw the peer\'s root at the top');
    assertUntouched(w, before, 'walk');
  });

  test('a root peer\'s detect that plants links in its scratch folder, to the debug container\'s files: nothing there is touched', async () => {
    const w = world();
    const secret = path.join(w.outside, 'secret');
    evilDetect(w.root, [
      `ln -s ${secret} "$1/../secret" ; ln -s ${w.outside} "$1/../next" ; ln -s / "$1/../up"`,
      `ln -s ${secret} "$2/metadata.json.planted" ; ln -s ${w.outside} /tmp/ccaas-doctor-planted`,
      'chmod 000 "$1" ; exit 1',
    ].join('\n'));
    const installer = rootInstaller(w.root);
    const pkg = makePackage({ label: 'planted_1.0', files: { 'connection.json': { address: 'cc:7052', dial_timeout: '2s' } } });
    assert.equal(installer.install(pkg).ok, true);
    const peer = await startPeer(w.root);
    const before = snapshot(w);
    const r = doctor(peer, w);
    const report = parse(r);
    assert.equal(finding(report, 'detect', `chaincode ${pkg.id}`).message, 'claimed by ccaas_builder');
    fs.rmSync(path.join(w.root, 'tmp', 'ccaas-doctor-planted')); // the detect's own, inside the peer's root
    assertUntouched(w, before, 'planted links');
    assert.equal(fs.readFileSync(secret, 'utf8'), 'the debug container\'s own file\n');
    const st = fs.statSync(secret);
    assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o600]);
  });

  for (const [name, opts, uid, groups] of [
    ['a non-root peer with an fsGroup', { user: [1000, 1000, [2000]] }, '1000', '2000'],
    ['a root peer with Docker\'s capabilities', {}, '0', ''],
    ['a root peer with allowPrivilegeEscalation: false', { caps: { noNewPrivs: true } }, '0', ''],
  ]) {
    test(`what a detect runs with, for ${name}: its user, groups, at most its capabilities, no_new_privs; a setuid file gains nothing`, async () => {
      const w = world();
      fs.copyFileSync('/usr/bin/id', path.join(w.root, 'usr/local/bin/suid-id'));
      fs.chmodSync(path.join(w.root, 'usr/local/bin/suid-id'), 0o4755);
      evilDetect(w.root, 'grep -E "^(Uid|Groups|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status > /var/evidence/status\n/usr/local/bin/suid-id -u > /var/evidence/euid\nexit 1');
      if (opts.user) {
        // Fabric's builder executable only through the pod's fsGroup
        for (const p of ['', 'bin', 'bin/detect', 'bin/build', 'bin/release']) {
          const file = path.join(w.root, FABRIC_BUILDER, p);
          fs.chownSync(file, 0, 2000);
          fs.chmodSync(file, 0o750);
        }
        fs.chmodSync(path.join(w.root, 'tmp'), 0o1777);
      }
      const peer = await startPeer(w.root, opts);
      // Naive: the detect run as the debug container's root, chrooted, nothing more.
      const naive = ns.exec('nsenter', ['-t', String(peer.pid), '--pid', '--', 'chroot', `/proc/${peer.pid}/root`, '/opt/evil/bin/detect', '/tmp', '/tmp']);
      assert.equal(naive.code, 1, naive.stderr);
      const naiveStatus = evidence(w.root, 'status');
      assert.equal(statusLine(naiveStatus, 'NoNewPrivs'), '0');
      assert.notEqual(BigInt(`0x${statusLine(naiveStatus, 'CapEff')}`) & ~DOCKER_CAPS, 0n, 'the naive detect held capabilities the peer has not');
      const naiveSuid = ns.exec('nsenter', ['-t', String(peer.pid), '--mount', '--', 'chroot', '--userspec=1000:1000', `/proc/${peer.pid}/root`, '/usr/local/bin/suid-id', '-u']);
      assert.equal(naiveSuid.stdout.trim(), '0', 'without no_new_privs, in the peer\'s mount namespace, the setuid file makes root');

      for (const profile of ['general', 'sysadmin', 'mounts']) {
        for (const f of ['status', 'euid']) fs.rmSync(path.join(w.root, 'var/evidence', f), { force: true });
        const before = snapshot(w);
        const r = doctor(peer, w, ['--json'], { profile });
        const report = parse(r);
        assert.equal(finding(report, 'builder ccaas_builder', 'builders').message, 'bin/detect and bin/build executable', `${profile}: ${r.stderr}`);
        assert.equal(finding(report, 'ccaas packages').message, 'go to ccaas_builder (its bin/detect exits 0 for one, run in the peer\'s root)', profile);
        assert.equal(evidence(w.root, 'euid').trim(), uid, `${profile}: the setuid file ran as the peer's user`);
        assertUntouched(w, before, `${name}, ${profile}`);
        // The peer's /proc shows the processes of its PID namespace: a doctor outside it (mounts)
        // runs the detect where /proc/self is not there.
        if (profile === 'mounts') continue;
        const status = evidence(w.root, 'status');
        assert.equal(statusLine(status, 'Uid'), `${uid}\t${uid}\t${uid}\t${uid}`, profile);
        assert.equal(statusLine(status, 'Groups').trim(), groups, profile);
        assert.equal(statusLine(status, 'NoNewPrivs'), '1', profile);
        assert.equal(statusLine(status, 'CapAmb'), '0000000000000000', profile);
        for (const set of ['CapPrm', 'CapEff', 'CapBnd']) {
          const mask = BigInt(`0x${statusLine(status, set)}`);
          assert.equal(mask & ~DOCKER_CAPS, 0n, `${profile}: ${set} ${statusLine(status, set)} holds no capability the peer lacks`);
        }
        if (uid === '0') assert.equal(statusLine(status, 'CapEff'), '00000000a80425fb', `${profile}: a root peer's detect has what the peer has`);
        else assert.equal(statusLine(status, 'CapEff'), '0000000000000000', profile);
      }
    });
  }

  test('a privileged peer (CAP_SYS_ADMIN): its programs are not run, it is judged from its files, and said so', async () => {
    const w = world();
    evilDetect(w.root, 'echo ran > /var/evidence/ran\nexit 1');
    const peer = await startPeer(w.root, { caps: { privileged: true } });
    const before = snapshot(w);
    const r = doctor(peer, w);
    const report = parse(r);
    assert.equal(r.code, 3, r.stderr);
    assert.match(finding(report, 'detect', 'builders').message, /^did not run the bin\/detect of evil, ccaas_builder: the peer holds CAP_SYS_ADMIN or CAP_SYS_PTRACE \(CapEff [0-9a-f]{16}\), by which a program it runs reaches the other processes of its PID namespace, this doctor's too: the doctor runs no program with them; which builder claims what was judged from the files only, not run$/);
    assert.equal(fs.existsSync(path.join(w.root, 'var/evidence/ran')), false, 'no program of the peer\'s ran');
    assertUntouched(w, before, 'privileged');
  });

  test('a detect that forks, leaves its session and hangs: every process it started ends with it', async () => {
    const w = world();
    evilDetect(w.root, 'sleep 3141 &\nsetsid sleep 3142 &\nsetsid sh -c "sleep 3143 & exec sleep 3144" &\nexec sleep 3145');
    const peer = await startPeer(w.root);
    // Naive: the detect killed alone after its bound.
    // (its output to nothing: what it leaves behind would hold a pipe open)
    const naive = ns.exec('nsenter', ['-t', String(peer.pid), '--pid', '--', 'timeout', '-s', 'KILL', '1', 'chroot', `/proc/${peer.pid}/root`, '/opt/evil/bin/detect', '/tmp', '/tmp'], { stdio: 'ignore' });
    assert.ok(naive.code === 137 || naive.signal === 'SIGKILL', `killed after its bound: ${naive.code} ${naive.signal}`);
    assert.ok(processes('sleep 314[2-4]').length >= 3, 'the naive doctor (timeout kills its group) left the processes of another session running');
    spawnSync('pkill', ['-KILL', '-f', 'sleep 314[0-9]']);
    for (const end = Date.now() + 5000; processes('sleep 314[0-9]').length && Date.now() < end;) await new Promise((res) => setTimeout(res, 50));

    const before = snapshot(w);
    const r = doctor(peer, w);
    const report = parse(r);
    assert.ok(report.findings.some((f) => f.subject === 'builder evil' && f.message === 'bin/detect did not exit within 10s: the peer waits for it without a limit, so an install hangs there'));
    assert.deepEqual(processes('sleep 314[0-9]'), [], 'nothing the detect started is left');
    assertUntouched(w, before, 'hang');
  });

  test('SIGTERM while a detect hangs: the detect and all it started killed, the scratch folder removed, exit 143', async () => {
    const w = world();
    evilDetect(w.root, 'setsid sleep 3146 &\nexec sleep 3147');
    const installer = rootInstaller(w.root);
    const pkg = makePackage({ label: 'term_1.0', files: { 'connection.json': { address: 'cc:7052', dial_timeout: '2s' } } });
    assert.equal(installer.install(pkg).ok, true);
    const peer = await startPeer(w.root);
    const before = snapshot(w);
    const argv = doctorIn(peer.pid, ['--pid', '1', '--json']);
    const child = ns.spawn('nsenter', argv, { env: { PATH: process.env.PATH, TMPDIR: path.join(w.outside, 'doctor-tmp') } });
    for (const end = Date.now() + 10000; processes('sleep 3147').length === 0 && Date.now() < end;) await new Promise((res) => setTimeout(res, 20));
    // the doctor: the process named run under the nsenter started here (other suites run doctors too)
    const under = (pid) => spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).flatMap((p) => [p, ...under(p)]);
    const doctors = under(child.pid).filter((p) => { try { return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'run'; } catch { return false; } });
    assert.equal(doctors.length, 1, 'one doctor running');
    process.kill(Number(doctors[0]), 'SIGTERM');
    const { code } = await child.exited;
    assert.equal(code, 143, child.output);
    assert.match(child.output, /"ok":/, 'the report of what ran');
    assert.deepEqual(processes('sleep 314[67]'), [], 'nothing the detect started is left');
    assertUntouched(w, before, 'SIGTERM');
  });

  test('link chains: 40 links are followed inside the peer\'s root, the 41st fails as the peer\'s open fails, never read from here', async () => {
    const w = world();
    write(w.outside, 'core.yaml', stockCoreYaml({ builders: [['outside-file', '/opt/outside']] }));
    write(w.root, 'etc/hyperledger/real-core.yaml', stockCoreYaml({ builders: [['inside', FABRIC_BUILDER]] }));
    const chain = (links, end) => {
      const cfg = path.join(w.root, 'etc/hyperledger/fabric/core.yaml');
      fs.rmSync(cfg, { force: true });
      for (const f of fs.readdirSync(w.root).filter((n) => /^l\d+$/.test(n))) fs.rmSync(path.join(w.root, f));
      fs.symlinkSync('/l1', cfg);
      for (let i = 1; i < links; i++) fs.symlinkSync(i === links - 1 ? end : `/l${i + 1}`, path.join(w.root, `l${i}`));
    };
    const peer = await startPeer(w.root);
    chain(40, '/etc/hyperledger/real-core.yaml');
    let before = snapshot(w);
    const forty = parse(doctor(peer, w));
    assert.deepEqual(forty.builders.map((b) => b.name), ['inside']);
    assertUntouched(w, before, '40 links');

    chain(41, path.join(w.outside, 'core.yaml'));
    // Naive: a path under /proc/PID/root, opened by the kernel, follows an absolute link from here.
    assert.match(fs.readFileSync(`/proc/${peer.pid}/root/l40`, 'utf8'), /outside-file/, 'the naive read reached this machine\'s file');
    before = snapshot(w);
    const r = doctor(peer, w);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'doctor: error: /etc/hyperledger/fabric/core.yaml: cannot open: Too many levels of symbolic links\n');
    assertUntouched(w, before, '41 links');
  });

  test('a configuration folder swapped between a folder and a link to this machine\'s files during the runs: never read from here', async () => {
    const w = world();
    write(w.outside, 'cfg/core.yaml', stockCoreYaml({ builders: [['outside-file', '/opt/outside']] }));
    const cfg = path.join(w.root, 'etc/hyperledger');
    fs.renameSync(path.join(cfg, 'fabric'), path.join(cfg, 'fabric-real'));
    fs.symlinkSync('fabric-real', path.join(cfg, 'fabric'));
    const peer = await startPeer(w.root);
    // Swaps the link atomically (rename), as fast as it can.
    const swapper = ns.spawn('sh', ['-c', `cd ${cfg} && while :; do ln -sfn fabric-real .a && mv -Tf .a fabric; ln -sfn ${path.join(w.outside, 'cfg')} .b && mv -Tf .b fabric; done`]);
    try {
      let naiveHit = false;
      for (const end = Date.now() + 5000; !naiveHit && Date.now() < end;) {
        try { naiveHit = fs.readFileSync(`/proc/${peer.pid}/root/etc/hyperledger/fabric/core.yaml`, 'utf8').includes('outside-file'); } catch { /* swapped mid-way */ }
      }
      assert.ok(naiveHit, 'the naive read by path reached this machine\'s file');
      for (let i = 0; i < 10; i++) {
        const r = doctor(peer, w);
        assert.doesNotMatch(`${r.stdout}${r.stderr}`, /outside-file|\/opt\/outside/, `run ${i}`);
        const report = parse(r);
        assert.ok(report.builders.every((b) => ['evil', 'ccaas_builder'].includes(b.name)), `run ${i}: the peer's own list, or none`);
      }
    } finally {
      swapper.kill('SIGKILL');
      await swapper.exited;
    }
  });

  test('installed packages with a link, a device, and a package file that is a link out: each named, none called unclaimed', async () => {
    const w = world({ builders: [['ccaas_builder', FABRIC_BUILDER]] });
    const store = path.join(w.root, 'var/hyperledger/production/lifecycle/chaincodes');
    fs.mkdirSync(store, { recursive: true });
    const metadata = { name: 'metadata.json', data: JSON.stringify({ type: 'ccaas', label: 'x' }) };
    const hash = (c) => c.repeat(64);
    const connection = { name: 'connection.json', data: '{"address":"cc:7052"}' };
    fs.writeFileSync(path.join(store, `linked_1.${hash('a')}.tar.gz`), tarGz([metadata, { name: 'code.tar.gz', data: tarGz([{ name: 'connection.json', type: '2', linkname: path.join(w.outside, 'secret') }]) }]));
    fs.writeFileSync(path.join(store, `device_1.${hash('b')}.tar.gz`), tarGz([metadata, { name: 'code.tar.gz', data: tarGz([connection, { name: 'dev', type: '3' }]) }]));
    fs.symlinkSync(path.join(w.outside, 'secret'), path.join(store, `out_1.${hash('c')}.tar.gz`));
    const peer = await startPeer(w.root);
    const before = snapshot(w);
    const r = doctor(peer, w);
    const report = parse(r);
    assert.deepEqual(report.packages.map((p) => p.package_id).sort(), [`device_1:${hash('b')}`, `linked_1:${hash('a')}`], 'a link out of the store names nothing inside the peer\'s root');
    for (const [id, re] of [[`linked_1:${hash('a')}`, /member 'connection\.json': is a symlink: /], [`device_1:${hash('b')}`, /member 'dev': is a device: /]]) {
      const found = report.findings.filter((f) => f.group === `chaincode ${id}` && f.subject === 'detect');
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].severity, 'warning');
      assert.match(found[0].message, /^the doctor could not lay this package out as the peer lays it out for detect \(\/var\/hyperledger\/production\/lifecycle\/chaincodes\/.*\.tar\.gz: code\.tar\.gz: member /);
      assert.match(found[0].message, re);
      assert.match(found[0].message, /\): which builder claims it was not found$/);
    }
    assertUntouched(w, before, 'packages');
  });

  test('a huge bin/run is not read whole: the doctor\'s memory stays small', async () => {
    const w = world({ builders: [['big', '/opt/big'], ['ccaas_builder', FABRIC_BUILDER]] });
    write(w.root, 'opt/big/bin/detect', '#!/bin/sh\nexit 1\n', 0o755);
    write(w.root, 'opt/big/bin/build', '#!/bin/sh\nexit 1\n', 0o755);
    const run = path.join(w.root, 'opt/big/bin/run');
    fs.writeFileSync(run, '#!/bin/sh\n');
    fs.chmodSync(run, 0o755);
    const peer = await startPeer(w.root);
    const peak = () => {
      const r = doctor(peer, w, ['--json'], { before: ['/usr/bin/time', '-f', 'maxrss=%M'] });
      assert.equal(parse(r).builders.find((b) => b.name === 'big').ours, false);
      return Number(r.stderr.match(/maxrss=(\d+)/)[1]);
    };
    const small = peak();
    fs.truncateSync(run, 30 * 1024 * 1024); // 30 MiB, under the 32 MiB a ccaas-builder's run may be: read in blocks
    const before = snapshot(w);
    const huge = peak();
    assert.ok(huge - small < 8 * 1024, `the doctor's peak memory was ${huge} KiB with a 30 MiB bin/run, ${small} KiB with a small one: less than 8 MiB more`);
    assertUntouched(w, before, 'huge run');
  });

  test('bytes that are not UTF-8 in environment names, values and a builder\'s name: valid --json, and --metrics promtool accepts', async () => {
    const w = world();
    evilDetect(w.root, 'exit 1');
    // a durable build whose folder's name is not UTF-8: its name is the label of its series
    const builds = path.join(w.root, 'var/hyperledger/production/externalbuilder/builds');
    const odd = Buffer.concat([Buffer.from(`${builds}/ev`), Buffer.from([0xff]), Buffer.from('il')]);
    fs.mkdirSync(builds, { recursive: true });
    fs.mkdirSync(odd);
    fs.writeFileSync(Buffer.concat([odd, Buffer.from('/build-info.json')]), '{"builder_name":"ccaas_builder"}');
    const peer = await startPeer(w.root, { rawEnv: [
      'CORE_CHAINCODE_EXTERNALBUILDERS=[{name: ev\\377il, path: /opt/evil, propagateEnvironment: [X\\376]}, {name: ccaas_builder, path: /opt/hyperledger/ccaas_builder}]',
      'CORE_\\377BAD=', 'CORE_PEER_ID=\\377\\376'] });
    const before = snapshot(w);
    const r = doctor(peer, w, ['--json'], { raw: true });
    assert.doesNotMatch(r.stderr, /internal error/);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(r.stdout); // throws on bytes that are not UTF-8
    const report = JSON.parse(text);
    assert.equal(report.builders[0].name, 'ev\ufffdil');
    assert.ok(report.findings.some((f) => f.subject === 'CORE_\ufffdBAD'), JSON.stringify(report.findings.map((f) => f.subject)));
    const metrics = doctor(peer, w, ['--metrics'], { raw: true });
    const page = new TextDecoder('utf-8', { fatal: true }).decode(metrics.stdout);
    assert.match(page, /label="ev\ufffdil"/);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: metrics.stdout, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assertUntouched(w, before, 'bytes');
  });

  for (const reuse of [false, true]) {
    test(`a peer that ends during the run${reuse ? ', its PID taken by a new peer' : ''}: one line, no verdict, exit 3`, async () => {
      const w = world();
      evilDetect(w.root, ': > /var/evidence/detect-runs\nsleep 2\nexit 1');
      const pod = await new SharedPidPod(ns, w.root).start();
      peers.push(pod);
      const first = await pod.startPeer();
      const before = snapshot(w);
      const sidecar = pod.sidecar(['--pid', 'peer', '--json']);
      // the peer goes while the doctor runs its first detect
      const started = path.join(w.root, 'var/evidence/detect-runs');
      for (const end = Date.now() + 20000; !fs.existsSync(started) && Date.now() < end;) await new Promise((res) => setTimeout(res, 20));
      assert.ok(fs.existsSync(started), `the doctor ran a detect: ${sidecar.output}`);
      await pod.killPeer();
      if (reuse) {
        pod.reusePid(first.inPod);
        const second = await pod.startPeer();
        assert.equal(second.inPod, first.inPod, 'the new peer has the old one\'s PID');
      }
      const { code } = await sidecar.exited;
      assert.equal(code, 3, sidecar.output);
      assert.equal(sidecar.output, `doctor: error: NOT CHECKED: the peer (process ${first.inPod}) ended during the run, or another process took its ID: no verdict on a peer that is gone; run the doctor again once the peer is running\n`);
      assertUntouched(w, before, 'peer gone');
    });
  }
});
