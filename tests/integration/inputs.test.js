'use strict';
// Inputs a peer never makes itself but a package or a disk can hold: the steps called directly
// on hand-made directories (symlinks, FIFOs, malformed metadata.json).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Peer, tempDir, writeTree } = require('./harness/peer');

function scratch(files) {
  const dir = tempDir('ccaas-in-');
  for (const d of ['src', 'metadata', 'bld', 'release']) fs.mkdirSync(path.join(dir, d));
  writeTree(dir, { 'metadata/metadata.json': { type: 'ccaas', label: 'cc_1' }, ...files });
  return { dir, src: path.join(dir, 'src'), meta: path.join(dir, 'metadata'), bld: path.join(dir, 'bld'), rel: path.join(dir, 'release') };
}

const peer = new Peer();

test('detect declines a malformed metadata.json with one line', () => {
  const table = [
    ['{"type": "ccaas"', /^detect: error: \S+\/metadata\/metadata\.json: not valid JSON: parse error at line 1, column 17: /],
    ['["ccaas"]', /^detect: error: \S+\/metadata\.json: expected a JSON object, found an array$/],
    ['{"type": 1}', /^detect: error: \S+\/metadata\.json: type: expected a string, found a number$/],
  ];
  for (const [content, re] of table) {
    const s = scratch({ 'metadata/metadata.json': content });
    const r = peer.exec('detect', [s.src, s.meta]);
    assert.equal(r.code, 1);
    assert.equal(r.lines.length, 1, r.stderr);
    assert.match(r.lines[0], re);
  }
  const missing = scratch({});
  fs.rmSync(path.join(missing.meta, 'metadata.json'));
  const r = peer.exec('detect', [missing.src, missing.meta]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [`detect: error: ${missing.meta}/metadata.json not found`]);
  const untyped = scratch({ 'metadata/metadata.json': { label: 'x' } });
  const quiet = peer.exec('detect', [untyped.src, untyped.meta]);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stderr, '', 'a package without a type is simply not ours');
});

test('build refuses symlinks and special files in the package, leaving BUILD_OUTPUT_DIR empty', () => {
  const outside = tempDir('ccaas-outside-');
  writeTree(outside, { 'statedb/couchdb/indexes/x.json': '{}', 'secret.json': '{"address":"evil:1"}' });
  const cases = [
    {
      name: 'META-INF is a symlink',
      setup: (s) => fs.symlinkSync(outside, path.join(s.src, 'META-INF')),
      line: (s) => `build: error: ${s.src}/META-INF: is a symlink: META-INF must be a directory inside the package`,
    },
    {
      name: 'an index is a symlink to a file outside',
      setup: (s) => {
        writeTree(s.src, { 'META-INF/statedb/couchdb/indexes/a.json': '{}' });
        fs.symlinkSync(path.join(outside, 'secret.json'), path.join(s.src, 'META-INF/statedb/couchdb/indexes/b.json'));
      },
      line: (s) => `build: error: ${s.src}/META-INF/statedb/couchdb/indexes/b.json: is a symlink: only directories and regular files are copied`,
    },
    {
      name: 'connection.json is a symlink',
      setup: (s) => { fs.rmSync(path.join(s.src, 'connection.json')); fs.symlinkSync(path.join(outside, 'secret.json'), path.join(s.src, 'connection.json')); },
      line: (s) => `build: error: ${s.src}/connection.json: is a symlink: refusing to follow it`,
    },
    {
      name: 'connection.json is a directory',
      setup: (s) => { fs.rmSync(path.join(s.src, 'connection.json')); fs.mkdirSync(path.join(s.src, 'connection.json')); },
      line: (s) => `build: error: ${s.src}/connection.json: is a directory, not a regular file`,
    },
    {
      name: 'connection.json is a FIFO (must not hang)',
      setup: (s) => { fs.rmSync(path.join(s.src, 'connection.json')); require('node:child_process').execFileSync('mkfifo', [path.join(s.src, 'connection.json')]); },
      line: (s) => `build: error: ${s.src}/connection.json: is a FIFO, not a regular file`,
    },
  ];
  for (const c of cases) {
    const s = scratch({ 'src/connection.json': { address: 'cc:9999' } });
    c.setup(s);
    const r = peer.exec('build', [s.src, s.meta, s.bld], { timeout: 5000 });
    assert.equal(r.code, 1, c.name);
    assert.deepEqual(r.lines, [c.line(s)], c.name);
    assert.deepEqual(fs.readdirSync(s.bld), [], `${c.name}: nothing left in bld`);
  }
});

test('build refuses a package of another type even when called directly', () => {
  const s = scratch({ 'metadata/metadata.json': { type: 'golang', label: 'x' }, 'src/connection.json': { address: 'cc:1' } });
  const r = peer.exec('build', [s.src, s.meta, s.bld]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [`build: error: ${s.meta}/metadata.json: type: "golang" is not a type this builder claims (CCAAS_BUILDER_TYPES): its detect does not claim such a package`]);
});

test('release without a peer scratch directory still names how to find the chaincode ID', () => {
  const s = scratch({ 'src/connection.json': { address: 'cc:9999', dial_timeout: '1s' } });
  assert.equal(peer.exec('build', [s.src, s.meta, s.bld]).code, 0);
  const r = peer.exec('release', [s.bld, s.rel]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.lines[1], "release: the chaincode server must be started with the package ID as its chaincode ID (label:sha256 of the package file, as 'peer lifecycle chaincode calculatepackageid' prints it)");
});

test('--help and --version answer on stdout with exit 0', () => {
  for (const step of ['detect', 'build', 'release', 'run']) {
    const help = peer.exec(step, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^usage: ${step} [A-Z_]+ [A-Z_]+`));
    assert.match(help.stdout, /exit codes: 0 success; 1 failure/);
    const version = peer.exec(step, ['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, new RegExp(`^ccaas-builder ${step} \\d+\\.\\d+\\.\\d+ \\(commit ([0-9a-f]+(-dirty)?|unknown)\\)\\nbuilt with libcurl `));
  }
  const buildHelp = peer.exec('build', ['--help']).stdout;
  assert.match(buildHelp, /\n  CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\n      a JSON object whose keys connection\.json's templates use: /);
  assert.match(buildHelp, /\n  CCAAS_BUILDER_DIAL_TIMEOUT\n      a Go duration \(10s\) written as dial_timeout when a package has none/);
  assert.match(peer.exec('release', ['--help']).stdout, /\n  CCAAS_BUILDER_PROBE\n      what release does with the reachability probe: .* \(default: warn\)\n/);
  // detect reads one variable, the types it claims.
  const detectHelp = peer.exec('detect', ['--help']).stdout;
  assert.match(detectHelp, /\nenvironment \(list each under the builder's propagateEnvironment in core\.yaml\):\n  CCAAS_BUILDER_TYPES\n      the package types this builder claims, comma-separated: ccaas .* \(default: ccaas\)\n\n/);
  assert.equal((detectHelp.match(/\n  [A-Z_]+\n/g) ?? []).length, 1, 'and no other');
  assert.match(peer.exec('run', ['--help']).stdout, /exit codes: 0 success; 1 failure; 2 usage; 3 --check or --doctor could not run \(no verdict\); 143 terminated\n/);
});

test('run --check: a broken package fails at config, with every line, in text and in JSON', () => {
  const { makePackage } = require('./harness/peer');
  const pkg = makePackage({ label: 'bad_1.0', files: { 'connection.json': { address: 'cc', tls_required: 'true' } } });
  const json = peer.exec('run', ['--check', pkg.file, '--json']);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.failed_stage, 'config');
  assert.equal(report.address, null);
  assert.deepEqual(report.stages, []);
  assert.match(report.error, /connection\.json: address: "cc" has no port: write cc:PORT; .*connection\.json: tls_required: expected a JSON boolean, found a string "true"/);
  assert.equal(report.package_id, null, 'not known when the package cannot be read as the peer would');

  const text = peer.exec('run', ['--check', pkg.file]);
  assert.equal(text.code, 1);
  assert.equal(text.stdout, '');
  assert.match(text.lines[0], /^check: error: \S+\/src\/connection\.json: address: "cc" has no port: write cc:PORT$/);
  assert.equal(text.lines[text.lines.length - 1], 'check: FAILED at config: the peer could not use this package (the lines above say why)');
});

test('run --check: a path that is nothing, usage errors', () => {
  const nothing = peer.exec('run', ['--check', '/nonexistent/pkg.tar.gz']);
  assert.equal(nothing.code, 1);
  assert.equal(nothing.lines[0], 'check: error: /nonexistent/pkg.tar.gz not found');

  const usage = [
    [['--check'], 'check: error: PATH is missing (usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json])'],
    [['--check', 'a', 'b'], 'check: error: one PATH only (usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json])'],
    [['--check', 'a', '--ccid'], 'check: error: --ccid needs a value (usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json])'],
    [['--check', 'a', '--dial-timeout', '10'], 'check: error: --dial-timeout: "10" has no unit (write "10s" for seconds; units are ns, us, ms, s, m, h) (usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json])'],
    [['--check', 'a', '--verbose'], 'check: error: unknown option --verbose (usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json])'],
  ];
  for (const [args, line] of usage) {
    const u = peer.exec('run', args);
    assert.equal(u.code, 2, args.join(' '));
    assert.deepEqual(u.lines, [line]);
  }
});

test('a bad environment variable fails run --check with exit 1 and its name, not the usage code', () => {
  const dir = tempDir('ccaas-in-pkg-');
  writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'cc_1' }, 'connection.json': { address: '127.0.0.1:9' } });
  const bad = new Peer({ env: { CCAAS_BUILDER_DIAL_TIMEOUT: '10' } });
  const r = bad.exec('run', ['--check', dir]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, ['check: error: CCAAS_BUILDER_DIAL_TIMEOUT: "10" has no unit (write "10s" for seconds; units are ns, us, ms, s, m, h)']);
  // build refuses it the same way, even for a package that sets its own dial_timeout
  const s = scratch({ 'src/connection.json': { address: 'cc:1', dial_timeout: '5s' } });
  const b = bad.exec('build', [s.src, s.meta, s.bld]);
  assert.equal(b.code, 1);
  assert.deepEqual(b.lines, ['build: error: CCAAS_BUILDER_DIAL_TIMEOUT: "10" has no unit (write "10s" for seconds; units are ns, us, ms, s, m, h)']);
  assert.deepEqual(fs.readdirSync(s.bld), []);
});

test('a private key anywhere in connection.json is never shown, and makes every copy private', () => {
  const { Pki } = require('./harness/certs');
  const key = new Pki().makeCa('ca', 'a CA').key;
  const connection = { address: '127.0.0.1:9', dial_timeout: '1s', notes: { backup: key, owner: 'ops', list: [key] } };
  const dir = tempDir('ccaas-in-pkg-');
  writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'cc_1' }, 'connection.json': connection });

  const json = peer.exec('run', ['--check', dir, '--json']); // exec fails the test on any PEM in the output
  const report = JSON.parse(json.stdout);
  assert.deepEqual(report.connection.notes, { backup: '<private key, redacted>', owner: 'ops', list: ['<private key, redacted>'] });

  const text = peer.exec('run', ['--check', dir]);
  assert.equal(text.lines[1], 'check: connection.json as the peer reads it (PEM redacted): {"address":"127.0.0.1:9","dial_timeout":"1s","notes":{"backup":"<private key, redacted>","owner":"ops","list":["<private key, redacted>"]}}');

  const s = scratch({ 'src/connection.json': connection });
  assert.equal(peer.exec('build', [s.src, s.meta, s.bld]).code, 0);
  assert.equal(fs.statSync(path.join(s.bld, 'connection.json')).mode & 0o777, 0o600);
  assert.equal(peer.exec('release', [s.bld, s.rel]).code, 0);
  assert.equal(fs.statSync(path.join(s.rel, 'chaincode/server/connection.json')).mode & 0o777, 0o600);
});

test('the check\'s own trouble inside run --check ends in exit 3 with one report; a failure leaves no temporary directory', () => {
  // A TMPDIR that is a file: the check's temporary directory cannot be made, which says nothing of the package.
  const tmp = tempDir('ccaas-in-tmp-');
  const notADir = path.join(tmp, 'file');
  fs.writeFileSync(notADir, '');
  const dir = tempDir('ccaas-in-pkg-');
  writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'cc_1' }, 'connection.json': { address: '127.0.0.1:9' } });
  const r = spawnSync(path.join(peer.binDir, 'run'), ['--check', dir, '--json'], { encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: notADir } });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.signal, null);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout);
  assert.equal(report.unchecked, true);
  assert.equal(report.failed_stage, null);
  assert.match(report.error, /^the check could not run: \S+\/file: cannot create a temporary directory: Not a directory \(set TMPDIR to a writable directory\)$/);

  // A package file the check unpacks, then fails on: the temporary directory is gone after.
  const scratchTmp = tempDir('ccaas-in-tmp-');
  const pkgFile = path.join(scratchTmp, 'broken.tar.gz');
  fs.writeFileSync(pkgFile, require('node:zlib').gzipSync(Buffer.from('not a tar archive at all, only words')));
  const broken = spawnSync(path.join(peer.binDir, 'run'), ['--check', pkgFile], { encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: scratchTmp } });
  assert.equal(broken.status, 1, broken.stderr);
  assert.deepEqual(fs.readdirSync(scratchTmp), ['broken.tar.gz']);
});
