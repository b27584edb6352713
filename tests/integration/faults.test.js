'use strict';
// Faults: steps killed at random points, a full disk, a read-only output directory, no /tmp,
// and sixteen installs at once. Outputs the peer reads are absent or whole, never partial.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { Peer, makePackage, tempDir, writeTree, sanitizeCcidPath } = require('./harness/peer');
const { Pki } = require('./harness/certs');

const asRoot = process.getuid() === 0;
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((p) => fs.existsSync(p));
const expectStatic = process.env.CCAAS_BUILDER_EXPECT_STATIC !== '0';

// A scratch directory with a connection.json that has TLS material and five CouchDB indexes.
function scratch(connection) {
  const dir = tempDir('ccaas-fault-');
  for (const d of ['src', 'metadata', 'bld', 'release']) fs.mkdirSync(path.join(dir, d));
  const files = { 'metadata/metadata.json': { type: 'ccaas', label: 'fault_1' }, 'src/connection.json': connection };
  for (let i = 0; i < 5; i++) files[`src/META-INF/statedb/couchdb/indexes/index${i}.json`] = { index: { fields: [`f${i}`] } };
  writeTree(dir, files);
  return { dir, src: path.join(dir, 'src'), meta: path.join(dir, 'metadata'), bld: path.join(dir, 'bld'), rel: path.join(dir, 'release') };
}

function tlsConnection() {
  const pki = new Pki();
  const ca = pki.makeCa();
  const client = pki.issue('ca', 'client', { clientAuth: true });
  return { address: '127.0.0.1:9', dial_timeout: '1s', tls_required: true, client_auth_required: true, root_cert: ca.cert, client_cert: client.cert, client_key: client.key };
}

function visible(dir) {
  return fs.readdirSync(dir).filter((n) => !n.startsWith('.'));
}

test('SIGKILL at random points: connection.json is absent or whole, never partial', async (t) => {
  const connection = tlsConnection();
  const peer = new Peer({ env: { CCAAS_BUILDER_PROBE: 'off' } });
  const expected = JSON.stringify(connection);
  let whole = 0;
  let absent = 0;
  const trials = 300;
  // Kill points spread over how long each step takes here (a sanitizer build is far slower).
  const timed = scratch(connection);
  const duration = {};
  for (const [step, args] of [['build', [timed.src, timed.meta, timed.bld]], ['release', [timed.bld, timed.rel]]]) {
    const t0 = process.hrtime.bigint();
    assert.equal(spawnSync(path.join(peer.binDir, step), args, { env: peer.builderEnv() }).status, 0);
    duration[step] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  for (let i = 0; i < trials; i++) {
    const s = scratch(connection);
    const step = i % 2 === 0 ? 'build' : 'release';
    const killAfterUs = Math.floor(Math.random() * 1.3 * duration[step]);
    if (step === 'release') spawnSync(path.join(peer.binDir, 'build'), [s.src, s.meta, s.bld], { env: peer.builderEnv() });
    const child = spawn(path.join(peer.binDir, step), step === 'build' ? [s.src, s.meta, s.bld] : [s.bld, s.rel], { env: peer.builderEnv(), stdio: 'ignore' });
    const started = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - started) / 1000 < killAfterUs) { /* spin: a timer is too coarse */ }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const file = step === 'build' ? path.join(s.bld, 'connection.json') : path.join(s.rel, 'chaincode/server/connection.json');
    if (fs.existsSync(file)) {
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), JSON.parse(expected), `trial ${i}: whole`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      whole++;
    } else {
      absent++;
    }
    // The copied index trees are whole too, or absent (one rename each).
    const indexes = step === 'build' ? path.join(s.bld, 'META-INF/statedb/couchdb/indexes') : path.join(s.rel, 'statedb/couchdb/indexes');
    if (fs.existsSync(indexes)) assert.equal(visible(indexes).length, 5, `trial ${i}: all five indexes`);
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  t.diagnostic(`${whole} whole, ${absent} absent`);
  assert.equal(whole + absent, trials);
  assert.ok(whole > 0 && absent > 0, `both outcomes were reached (${whole} whole, ${absent} absent)`);
});

function inMountNamespace(mountOptions, dir, step, args, env) {
  // A private mount namespace: the tmpfs is gone when the step exits.
  const script = `mount -t tmpfs -o ${mountOptions} ccaas-test "$1" && shift && exec "$@"`;
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, step, ...args], { encoding: 'utf8', env });
}

test('a full disk and a read-only output directory: a clear line, no partial file', { skip: !asRoot && 'mounting a tmpfs needs root' }, () => {
  const connection = { ...tlsConnection(), note: 'x'.repeat(64 * 1024) }; // more than the tmpfs holds
  const peer = new Peer({ env: { CCAAS_BUILDER_PROBE: 'off' } });
  const s = scratch(connection);
  fs.rmSync(path.join(s.src, 'META-INF'), { recursive: true });
  const full = inMountNamespace('size=16k', s.bld, path.join(peer.binDir, 'build'), [s.src, s.meta, s.bld], peer.builderEnv());
  assert.equal(full.status, 1, full.stderr);
  assert.equal(full.stderr, `build: error: ${s.bld}/connection.json: cannot write: No space left on device\n`);

  const readOnly = inMountNamespace('ro,size=1m', s.bld, path.join(peer.binDir, 'build'), [s.src, s.meta, s.bld], peer.builderEnv());
  assert.equal(readOnly.status, 1, readOnly.stderr);
  assert.equal(readOnly.stderr, `build: error: ${s.bld}/metadata.json: cannot create: Read-only file system\n`);

  fs.rmSync(path.join(s.bld), { recursive: true, force: true });
  fs.mkdirSync(s.bld);
  assert.equal(spawnSync(path.join(peer.binDir, 'build'), [s.src, s.meta, s.bld], { env: peer.builderEnv() }).status, 0);
  const releaseFull = inMountNamespace('size=16k', s.rel, path.join(peer.binDir, 'release'), [s.bld, s.rel], peer.builderEnv());
  assert.equal(releaseFull.status, 1, releaseFull.stderr);
  assert.match(releaseFull.stderr, new RegExp(`^release: error: ${s.rel}/chaincode/server/connection\\.json: cannot write: No space left on device\\n`));
});

test('no /tmp and no TMPDIR: run --check says so', { skip: (!asRoot && 'chroot needs root') || (!expectStatic && 'the chroot needs the static binaries') }, () => {
  const root = tempDir('ccaas-notmp-');
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(new Peer().binDir, 'run'), path.join(root, 'bin/run'));
  fs.chmodSync(path.join(root, 'bin/run'), 0o755);
  writeTree(root, { 'pkg/metadata.json': { type: 'ccaas', label: 'x' }, 'pkg/connection.json': { address: '127.0.0.1:9' } });
  const r = spawnSync(CHROOT, [root, '/bin/run', '--check', '/pkg'], { encoding: 'utf8', env: { PATH: '/bin' } });
  assert.equal(r.status, 3, 'the check\'s own trouble: no verdict on the package');
  assert.equal(r.stderr, 'check: NOT CHECKED: the check could not run: /tmp: cannot create a temporary directory: No such file or directory (set TMPDIR to a writable directory); this says nothing about the package; give the check a writable TMPDIR (an emptyDir in a pod with readOnlyRootFilesystem), or check the peer\'s durable build directory instead\n');
});

test('sixteen installs at once through one peer give sixteen correct, independent results', async () => {
  const peer = new Peer({ env: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0org1"}' } });
  const packages = Array.from({ length: 16 }, (_, i) => makePackage({ label: `parallel_${i}`, files: {
    'connection.json': { address: `{{.peername}}-cc${i}:${7000 + i}`, dial_timeout: `${i + 1}s` },
    [`META-INF/statedb/couchdb/indexes/index${i}.json`]: { index: { fields: [`f${i}`] } },
  } }));
  // Each install in its own process, all at once, sharing the peer's TMPDIR and builds directory.
  const script = `
    const { Peer } = require(${JSON.stringify(path.join(__dirname, 'harness/peer'))});
    const [binDir, fsPath, tmpdir, config, file, label, id] = process.argv.slice(1);
    const peer = new Peer({ binDir, fileSystemPath: fsPath, tmpdir, env: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: config } });
    const r = peer.install({ file, label, id });
    process.stdout.write(JSON.stringify({ ok: r.ok, stderr: r.steps.map((s) => s.stderr).join('') }));`;
  const results = await Promise.all(packages.map((pkg) => new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script, peer.binDir, peer.fileSystemPath, peer.tmpdir,
      peer.peerEnv.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, pkg.file, pkg.label, pkg.id], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', () => resolve(JSON.parse(out)));
  })));
  results.forEach((r, i) => assert.equal(r.ok, true, `install ${i}: ${r.stderr}`));
  packages.forEach((pkg, i) => {
    const info = peer.chaincodeServerInfo(pkg.id);
    assert.equal(info.address, `peer0org1-cc${i}:${7000 + i}`);
    assert.equal(info.dialTimeout, BigInt(i + 1) * 1000000000n);
    const indexes = path.join(peer.buildsDir, sanitizeCcidPath(pkg.id), 'release/statedb/couchdb/indexes');
    assert.deepEqual(fs.readdirSync(indexes), [`index${i}.json`]);
    assert.match(results[i].stderr, new RegExp(`chaincode ID ${pkg.id.replace('.', '\\.')} `));
  });
  assert.deepEqual(fs.readdirSync(peer.tmpdir).filter((n) => n.startsWith('fabric-')), [], 'every scratch directory is gone');
});
