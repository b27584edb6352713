'use strict';
// The four binaries must run in any peer image: Ubuntu, Alpine, distroless, even scratch. So:
// fully static, stripped, small, and working in an empty root that has nothing but /tmp.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN_DIR, makePackage, packageIdOf, sanitizeCcidPath, stageScratch, tempDir, sh } = require('./harness/peer');

const STEPS = ['detect', 'build', 'release', 'run'];
const expectStatic = process.env.CCAAS_BUILDER_EXPECT_STATIC !== '0';
const MB = 1024 * 1024;
// spawn looks the program up in the child's PATH, which here is the empty root's
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot', '/sbin/chroot'].find((p) => fs.existsSync(p));

test('the binaries are statically linked, stripped and within their size budget', { skip: !expectStatic && 'sanitizer build: dynamic by design' }, () => {
  let total = 0;
  for (const step of STEPS) {
    const file = path.join(BIN_DIR, step);
    const description = sh('file', ['-L', file]);
    assert.match(description, /statically linked/, description);
    assert.match(description, /, stripped/, description);
    // Built for the platform it is tested as: x86-64, or ARM aarch64 for the arm64 build.
    assert.match(description, process.env.CCAAS_BUILDER_ARCH === 'arm64' ? /ARM aarch64/ : /x86-64/, description);
    const ldd = spawnSync('ldd', [file], { encoding: 'utf8' });
    assert.notEqual(ldd.status, 0);
    assert.match(ldd.stdout + ldd.stderr, /not a dynamic executable/);
    total += fs.statSync(file).size;
  }
  assert.ok(fs.statSync(path.join(BIN_DIR, 'detect')).size <= 2 * MB, 'detect <= 2 MB');
  assert.ok(total <= 20 * MB, `all four ${total} bytes <= 20 MB`);
  // OpenSSL's objects carry their source file names for errors; libcurl carries its messages.
  const openssl = /crypto\/[a-z0-9_]+\/[a-z0-9_]+\.c/;
  const libcurl = /not supported or disabled in libcurl/;
  const text = (step) => fs.readFileSync(path.join(BIN_DIR, step)).toString('latin1');
  assert.doesNotMatch(text('detect'), openssl, 'detect does not link OpenSSL');
  assert.doesNotMatch(text('detect'), libcurl, 'detect does not link libcurl');
  assert.doesNotMatch(text('build'), libcurl, 'build does not link libcurl');
  assert.match(text('release'), openssl, 'the check can see OpenSSL');
  assert.match(text('release'), libcurl, 'the check can see libcurl');
  // Only the doctor starts processes (the detect of other builders): its spawn code is in run alone.
  const spawn = /cannot enter its root \(chroot\)/; // a message of util/spawn.cpp
  for (const step of ['detect', 'build', 'release']) assert.doesNotMatch(text(step), spawn, `${step} starts no process`);
  assert.match(text('run'), spawn, 'the check can see the spawn code');
  // Only run --doctor --serve answers HTTP: cpp-httplib is in run alone.
  for (const step of ['detect', 'build', 'release']) assert.doesNotMatch(text(step), /cpp-httplib/, `${step} carries no HTTP server`);
  assert.match(text('run'), /cpp-httplib/, 'the check can see the HTTP server');
});

test('detect, build, release and run work in an empty root with only /tmp', { skip: (!expectStatic && 'sanitizer build: dynamic by design') || (process.getuid() !== 0 && 'chroot needs root') || (!CHROOT && 'no chroot program') }, () => {
  const root = tempDir('ccaas-root-');
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
  fs.mkdirSync(path.join(root, 'builder/bin'), { recursive: true });
  for (const step of STEPS) fs.copyFileSync(path.join(BIN_DIR, step), path.join(root, 'builder/bin', step));
  for (const step of STEPS) fs.chmodSync(path.join(root, 'builder/bin', step), 0o755);

  const pkg = makePackage({ label: 'root_1', files: {
    'connection.json': { address: '{{.host}}:9', dial_timeout: '3s', owner: '{{.peername}}' },
    'META-INF/statedb/couchdb/indexes/i.json': '{"index":{"fields":["a"]}}',
  } });
  const scratchName = stageScratch(pkg, path.join(root, 'tmp'));
  const scratch = path.join(root, 'tmp', scratchName);

  const env = { PATH: '/builder/bin', TMPDIR: '/tmp', CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0","host":"127.0.0.1"}', CCAAS_BUILDER_PROBE: 'off' };
  const inRoot = (step, ...dirs) => spawnSync(CHROOT, [root, `/builder/bin/${step}`, ...dirs.map((d) => `/tmp/${scratchName}/${d}`)],
    { env, encoding: 'utf8' });

  const detect = inRoot('detect', 'src', 'metadata');
  assert.equal(detect.status, 0, detect.stderr);
  const build = inRoot('build', 'src', 'metadata', 'bld');
  assert.equal(build.status, 0, build.stderr);
  const release = inRoot('release', 'bld', 'release');
  assert.equal(release.status, 0, release.stderr);
  assert.match(release.stderr, new RegExp(`chaincode ID ${pkg.id.replace('.', '\\.')} `));
  const written = JSON.parse(fs.readFileSync(path.join(scratch, 'release/chaincode/server/connection.json'), 'utf8'));
  assert.equal(written.address, '127.0.0.1:9');
  assert.equal(written.owner, 'peer0');
  assert.ok(fs.existsSync(path.join(scratch, 'release/statedb/couchdb/indexes/i.json')));

  // run, in the peer's durable layout
  const durable = path.join(root, 'tmp', 'builds', sanitizeCcidPath(pkg.id));
  fs.mkdirSync(durable, { recursive: true });
  fs.writeFileSync(path.join(durable, 'build-info.json'), '{"builder_name":"ccaas-builder"}');
  fs.cpSync(path.join(scratch, 'bld'), path.join(durable, 'bld'), { recursive: true });
  fs.mkdirSync(path.join(root, 'tmp/fabric-run1'), { mode: 0o700 });
  fs.writeFileSync(path.join(root, 'tmp/fabric-run1/chaincode.json'), JSON.stringify({ chaincode_id: pkg.id, peer_address: 'p:7052', client_cert: '', client_key: '', root_cert: '', mspid: 'Org1MSP' }));
  const run = spawnSync(CHROOT, [root, '/builder/bin/run', `/tmp/builds/${sanitizeCcidPath(pkg.id)}/bld`, '/tmp/fabric-run1'], { env, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /restored \/tmp\/builds\/.*\/release\/chaincode\/server\/connection\.json/);
  assert.ok(fs.existsSync(path.join(durable, 'release/chaincode/server/connection.json')));
  assert.equal(packageIdOf(pkg.file, pkg.label), pkg.id);
});

test('--version --verbose lists the libraries linked into each binary, as they report themselves', () => {
  const linked = (step) => {
    const r = spawnSync(path.join(BIN_DIR, step), ['--version', '--verbose'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], new RegExp(`^ccaas-builder ${step} \\d+\\.\\d+\\.\\d+ \\(commit `));
    const built = Object.fromEntries([...lines[1].matchAll(/(libcurl|OpenSSL|nghttp2|c-ares) ([\d.]+)/g)].map((m) => [m[1], m[2]]));
    // The platform it was built for: the machine's own, or CCAAS_BUILDER_ARCH's (arm64 under qemu).
    assert.equal(lines[2], `platform: linux/${process.env.CCAAS_BUILDER_ARCH ?? (process.arch === 'x64' ? 'amd64' : process.arch)}`);
    const libs = lines.slice(3).map((l) => /^linked: (\S+) (\S+) \(([^()]+)\)$/.exec(l));
    assert.ok(libs.every(Boolean), r.stdout);
    // A static binary runs the library it was built with: the run-time report equals the headers'.
    for (const [, name, version] of libs) if (built[name]) assert.equal(version, built[name], `${step}: ${name}`);
    return libs.map(([, name, , source]) => `${name} (${source})`);
  };
  assert.deepEqual(linked('detect'), ['nlohmann/json (built with; header-only)']);
  assert.deepEqual(linked('build'), ['OpenSSL (OpenSSL_version)', 'nlohmann/json (built with; header-only)']);
  const probe = ['libcurl (curl_version_info)', 'nghttp2 (curl_version_info)', 'zlib (curl_version_info)', 'c-ares (ares_version)', 'OpenSSL (OpenSSL_version)'];
  assert.deepEqual(linked('release'), [...probe, 'nlohmann/json (built with; header-only)']);
  assert.deepEqual(linked('run'), [...probe, 'yaml-cpp (built with; yaml-cpp reports no version)', 'cpp-httplib (built with; header-only)', 'nlohmann/json (built with; header-only)']);
  const usage = spawnSync(path.join(BIN_DIR, 'detect'), ['--version', '--verbose', 'x'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
});
