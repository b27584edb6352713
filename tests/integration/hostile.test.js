'use strict';
// Hostile packages: each must give one clear line and exit 1, and leave nothing behind.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const { Peer, makePackage, tempDir, writeTree } = require('./harness/peer');
const { tarGz } = require('./harness/tarball');

const peer = new Peer();

function installFails(connection) {
  const result = peer.install(makePackage({ label: 'hostile_1', files: { 'connection.json': connection } }));
  assert.equal(result.build.code, 1, result.build.stderr);
  assert.equal(result.build.lines.length, 1, result.build.stderr);
  assert.deepEqual(result.bldEntries, [], 'nothing left in BUILD_OUTPUT_DIR');
  return result.build.lines[0];
}

test('hostile connection.json through the peer: one line each, nothing written', () => {
  const table = [
    [`{"address":"cc:1","x":${'['.repeat(100000)}${']'.repeat(100000)}}`, /connection\.json: JSON nested deeper than 64 levels$/],
    ['{"address":"cc:1"}\0{"x":1}', /connection\.json: contains a NUL byte: not a JSON text file$/],
    [Buffer.from('{"address":"cc:1","a":"\xc3\x28"}', 'latin1'), /connection\.json: not valid JSON: .*ill-formed UTF-8 byte$/],
    ['{"address":"cc:1","dial_timeout":1e400}', /connection\.json: not valid JSON: a number is out of range$/],
    ['{"address":"cc:1","dial_timeout":1e19}', /connection\.json: dial_timeout: the number is out of range$/],
    ['{"address":"cc:1","dial_timeout":-5000000000}', /connection\.json: dial_timeout: is negative: every dial would fail at once$/],
    ['{"address":"cc:1","address":"evil:1"}', /connection\.json: key "address" appears twice in one object: keep one$/],
    [`{"address":"${'a'.repeat(300)}:1"}`, /connection\.json: address: host name is longer than 253 characters$/],
    ['["address","cc:1"]', /connection\.json: expected a JSON object, found an array$/],
  ];
  for (const [text, re] of table) assert.match(installFails(text), re);
});

test('an unreadable connection.json and a device in its place', { skip: process.getuid() !== 0 && 'needs root to make the device and to drop to another user' }, () => {
  const dir = tempDir('ccaas-unreadable-');
  fs.chmodSync(dir, 0o755);
  for (const d of ['src', 'metadata', 'bld']) fs.mkdirSync(path.join(dir, d), { mode: 0o777 });
  for (const d of ['src', 'metadata', 'bld']) fs.chmodSync(path.join(dir, d), 0o777);
  writeTree(dir, { 'metadata/metadata.json': { type: 'ccaas', label: 'x' }, 'src/connection.json': { address: 'cc:1' } });
  fs.chmodSync(path.join(dir, 'metadata/metadata.json'), 0o644);
  fs.chmodSync(path.join(dir, 'src/connection.json'), 0o000);
  const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', path.join(peer.binDir, 'build'),
    path.join(dir, 'src'), path.join(dir, 'metadata'), path.join(dir, 'bld')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(asNobody.status, 1, asNobody.stderr);
  assert.equal(asNobody.stderr, `build: error: ${dir}/src/connection.json: cannot open: Permission denied\n`);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'bld')), []);

  fs.rmSync(path.join(dir, 'src/connection.json'));
  execFileSync('mknod', [path.join(dir, 'src/connection.json'), 'c', '1', '3']);
  const device = peer.exec('build', [path.join(dir, 'src'), path.join(dir, 'metadata'), path.join(dir, 'bld')]);
  assert.equal(device.code, 1);
  assert.deepEqual(device.lines, [`build: error: ${dir}/src/connection.json: is a device, not a regular file`]);
});

test('run --check refuses hostile tarballs with one line, and leaves no temporary files', () => {
  const metadata = JSON.stringify({ type: 'ccaas', label: 'hostile_1' });
  const outer = (codeEntries, extra = []) => tarGz([
    { name: 'metadata.json', data: metadata },
    { name: 'code.tar.gz', data: tarGz(codeEntries) },
    ...extra,
  ]);
  const connection = { name: 'connection.json', data: '{"address":"127.0.0.1:9"}' };
  const table = [
    ['absolute member', outer([connection, { name: '/etc/cron.d/x', data: 'x' }]), /member '\/etc\/cron\.d\/x': has an absolute name: a package's paths are relative$/],
    ['.. member', outer([connection, { name: 'META-INF/../../../x', data: 'x' }]), /member 'META-INF\/\.\.\/\.\.\/\.\.\/x': has '\.\.' in its name: it would land outside the package$/],
    ['symlink member', outer([{ name: 'connection.json', type: '2', linkname: '/etc/shadow' }]), /member 'connection\.json': is a symlink: a chaincode package holds only regular files and directories$/],
    ['hard link member', outer([connection, { name: 'META-INF/x', type: '1', linkname: 'connection.json' }]), /member 'META-INF\/x': is a hard link: /],
    ['device member', outer([connection, { name: 'dev', type: '3' }]), /member 'dev': is a device: /],
    ['oversized member', outer([connection, { name: 'big', data: '', size: 70 * 1024 * 1024 }]), /member 'big': is 73400320 bytes; the limit is 67108864$/],
    ['symlink in the outer package', tarGz([{ name: 'metadata.json', type: '2', linkname: '/etc/passwd' }]), /member 'metadata\.json': is a symlink: /],
    ['not gzip', Buffer.from('plain text, not a package'), /: not gzip data: a chaincode package and its code\.tar\.gz are \.tar\.gz files$/],
    ['a plain tar', require('node:zlib').gunzipSync(outer([connection])), /: not gzip data: /],
    ['a gzip bomb: a directory that claims 300 MiB', tarGz([{ name: 'd/', type: '5', size: 300 * 1024 * 1024 }]), /member 'd\/': is 314572800 bytes; the limit is 67108864$/],
    ['truncated', outer([connection]).subarray(0, 40), /not a readable \.tar\.gz/],
  ];
  for (const [name, bytes, re] of table) {
    const dir = tempDir('ccaas-hostile-');
    const file = path.join(dir, 'pkg.tar.gz');
    fs.writeFileSync(file, bytes);
    const tmp = tempDir('ccaas-hostile-tmp-');
    const check = new Peer({ tmpdir: tmp });
    const r = check.exec('run', ['--check', file]);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.lines[0], new RegExp(`^check: error: ${file.replace(/[.]/g, '\\.')}: `), name);
    assert.match(r.lines[0], re, name);
    assert.equal(r.lines.length, 2, `${name}: ${r.stderr}`);
    assert.equal(r.lines[1], 'check: FAILED at config: the peer could not use this package (the lines above say why)');
    assert.deepEqual(fs.readdirSync(tmp), [], `${name}: the temporary directory is gone`);
  }
});

test('run --check reads a package without any tar program', () => {
  const pkg = makePackage({ label: 'tarless_1.0', files: { 'connection.json': { address: '127.0.0.1:9' } } });
  const noTar = new Peer({ env: { PATH: '/nonexistent' } });
  const r = noTar.exec('run', ['--check', pkg.file, '--json']);
  const report = JSON.parse(r.stdout);
  assert.equal(report.kind, 'package file');
  assert.equal(report.package_id, pkg.id);
  assert.equal(report.failed_stage, 'tcp', 'it got as far as the probe');
});

test('release refuses to write through a link between the folder the peer gave it and the file, and writes nothing there', () => {
  const dir = tempDir('ccaas-release-link-');
  const bld = path.join(dir, 'bld');
  const rel = path.join(dir, 'release');
  const elsewhere = path.join(dir, 'elsewhere');
  for (const d of [bld, rel, elsewhere]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(bld, 'connection.json'), '{"address":"127.0.0.1:9","dial_timeout":"1s"}');
  fs.symlinkSync(elsewhere, path.join(rel, 'chaincode'));
  const r = spawnSync(path.join(peer.binDir, 'release'), [bld, rel], { encoding: 'utf8', env: { PATH: process.env.PATH, CCAAS_BUILDER_PROBE: 'off' } });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').pop(), `release: error: ${rel}/chaincode: is a symlink: refusing to write through it`);
  assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing written where the link points');
});
