'use strict';
// Inputs a peer never makes itself but a package or a disk can hold: the steps called directly
// on hand-made directories (symlinks, FIFOs, malformed metadata.json).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
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
  assert.deepEqual(r.lines, [`detect: error: ${missing.meta}/metadata.json: not found`]);
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
  assert.deepEqual(r.lines, [`build: error: ${s.meta}/metadata.json: type: "golang" is not ccaas: this builder's detect does not claim such a package`]);
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
  assert.match(peer.exec('build', ['--help']).stdout, /CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\n  CCAAS_BUILDER_DIAL_TIMEOUT\n/);
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
  assert.equal(nothing.lines[0], 'check: error: /nonexistent/pkg.tar.gz: not found');

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
