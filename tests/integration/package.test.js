'use strict';
// run --package: one package ID for every org. The same inputs give the same bytes, whoever
// packages them, wherever, whenever: other users (setpriv), umasks, TZ, locale,
// SOURCE_DATE_EPOCH, working directories, files' mtimes (touch -d), modes and owners, files made
// in another order. The ID is LABEL:sha256(file); the package installs through the peer-style
// harness with our builder and with the stand-in of Fabric's; run --check reads it; every bad
// input gives its line, a non-zero exit, and no file at all. A pinned SHA-256 catches a change of
// zlib or of our code that would silently change every operator's package ID.

const { describe, test, before } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { BIN_DIR, Peer, tempDir, writeTree } = require('./harness/peer');
const { Pki } = require('./harness/certs');
const { fabricCcaasBuilder } = require('./harness/builders');

const RUN = path.join(BIN_DIR, 'run');
const FIXTURE = path.resolve(__dirname, '../../fixtures/packages/asset-transfer/code');
// The SHA-256 of `run --package fixtures/packages/asset-transfer/code --label asset-transfer_1.0`:
// if this changes, every operator's package ID for the same inputs changes with it.
const PINNED = '05c16f46129adb50ec491d5107c4b1c3775d906a469574c5c1a56737bf487204';
const skip = process.getuid() !== 0 ? 'setpriv to other users needs root' : false;

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function pack(args, { env = {}, cwd = '/', as = null } = {}) {
  const argv = [RUN, '--package', ...args];
  const [cmd, ...rest] = as ? ['setpriv', ...as, ...argv] : argv;
  const r = spawnSync(cmd, rest, { encoding: 'utf8', cwd, env: { PATH: process.env.PATH, ...env } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter(Boolean) };
}

// The typical package: mutual TLS, five CouchDB indexes.
let typical;
function typicalInputs(dir, order = 'forward') {
  const files = { 'connection.json': JSON.stringify(typical.connection, null, 2) };
  for (let i = 0; i < 5; i++) {
    files[`META-INF/statedb/couchdb/indexes/index${i}.json`] = JSON.stringify({ index: { fields: [`f${i}`] }, ddoc: `d${i}`, name: `i${i}`, type: 'json' });
  }
  const entries = Object.entries(files);
  if (order === 'reverse') entries.reverse();
  writeTree(dir, Object.fromEntries(entries));
  return dir;
}

describe('run --package', { skip }, () => {
  before(() => {
    const pki = new Pki();
    const ca = pki.makeCa('ca', 'org1 chaincode CA');
    const client = pki.issue('ca', 'peer-client', { clientAuth: true });
    typical = {
      connection: {
        address: 'asset-transfer.org1.svc.cluster.local:9443', dial_timeout: '10s', tls_required: true,
        client_auth_required: true, root_cert: ca.cert, client_cert: client.cert, client_key: client.key,
      },
    };
  });

  test('the pinned bytes of a fixed input, the ID it prints, and metadata.json and code.tar.gz inside', () => {
    const out = tempDir('ccaas-pack-pin-');
    const r = pack([FIXTURE, '--label', 'asset-transfer_1.0', '--json'], { cwd: out });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(out, 'asset-transfer_1.0.tar.gz');
    assert.equal(sha256(file), PINNED);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json, {
      file: './asset-transfer_1.0.tar.gz', label: 'asset-transfer_1.0', type: 'ccaas', package_id: `asset-transfer_1.0:${PINNED}`,
      sha256: PINNED, bytes: fs.statSync(file).size, files: ['META-INF/statedb/couchdb/indexes/indexOwner.json', 'connection.json'],
      chaincode_id: `asset-transfer_1.0:${PINNED}`,
    });
    assert.equal(r.lines[0], `package: ${FIXTURE}/connection.json: has templates ({{.key}}): packaged as written, rendered by each peer's build; set CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG to one peer's values to check a rendering here`);
    // As tar lists it: regular files, owner 0/0, mtime 0, in this order.
    const listing = spawnSync('tar', ['-tvzf', file], { encoding: 'utf8' }).stdout.trim().split('\n');
    assert.deepEqual(listing.map((l) => l.replace(/\s+/g, ' ')), [
      '-rw-r--r-- 0/0 45 1970-01-01 00:00 metadata.json',
      `-rw-r--r-- 0/0 ${listing[1].trim().split(/\s+/)[2]} 1970-01-01 00:00 code.tar.gz`,
    ]);
    const inner = tempDir('ccaas-pack-inner-');
    spawnSync('tar', ['-xzf', file, '-C', inner]);
    assert.equal(fs.readFileSync(path.join(inner, 'metadata.json'), 'utf8'), '{"type":"ccaas","label":"asset-transfer_1.0"}');
    const code = spawnSync('tar', ['-tvzf', path.join(inner, 'code.tar.gz')], { encoding: 'utf8' }).stdout.trim().split('\n');
    assert.deepEqual(code.map((l) => l.split(/\s+/).slice(-1)[0]), ['META-INF/statedb/couchdb/indexes/indexOwner.json', 'connection.json']);
    // gzip's header: no name, time 0, OS 255.
    const head = fs.readFileSync(file).subarray(0, 10);
    assert.deepEqual([...head], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  });

  test('the same bytes whoever packages the same inputs, wherever, whenever', async () => {
    const label = 'asset-transfer-mtls_1.0';
    const runs = [];
    const make = (name, order) => {
      const dir = typicalInputs(path.join(tempDir(`ccaas-pack-${name}-`), 'inputs'), order);
      fs.chmodSync(path.dirname(dir), 0o755);
      return dir;
    };
    // org1: as written, as root, umask 022.
    const org1 = make('org1');
    const out1 = tempDir('ccaas-pack-out1-');
    runs.push(['org1', pack([org1, '--label', label, '--output', path.join(out1, 'p.tar.gz')]), path.join(out1, 'p.tar.gz')]);
    // org2: files made in the other order, old mtimes, other modes and owners, packaged as another
    // user with umask 077, another TZ, locale and SOURCE_DATE_EPOCH, from another directory.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const org2 = make('org2', 'reverse');
    for (const f of spawnSync('find', [org2], { encoding: 'utf8' }).stdout.trim().split('\n')) {
      spawnSync('touch', ['-h', '-d', '2001-02-03 04:05:06', f]);
      fs.lchownSync(f, 4321, 8765);
      fs.chmodSync(f, fs.statSync(f).isDirectory() ? 0o755 : 0o644);
    }
    fs.chmodSync(path.join(org2, 'connection.json'), 0o604);
    const out2 = tempDir('ccaas-pack-out2-');
    fs.chmodSync(out2, 0o777);
    runs.push(['org2', pack([org2, '--label', label, '--output', path.join(out2, 'p.tar.gz')], {
      as: ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', 'umask 077; exec "$0" "$@"'],
      env: { TZ: 'Pacific/Chatham', LC_ALL: 'C.UTF-8', SOURCE_DATE_EPOCH: '1', HOME: '/nonexistent' },
      cwd: out2,
    }), path.join(out2, 'p.tar.gz')]);
    // A third: the default output name, from the inputs' own folder.
    const org3 = make('org3');
    runs.push(['org3', pack([org3, '--label', label], { cwd: org3 }), path.join(org3, `${label}.tar.gz`)]);

    const hashes = runs.map(([name, r, file]) => {
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      return sha256(file);
    });
    assert.equal(new Set(hashes).size, 1, `one package ID: ${hashes.join(' ')}`);
    for (const [name, r, file] of runs) {
      assert.equal(r.lines[1], `package: package ID ${label}:${hashes[0]}: the same for every org that packages these inputs with run --package`, name);
      assert.equal(r.lines[2], `package: start the chaincode server with CHAINCODE_ID=${label}:${hashes[0]}`, name);
      assert.equal(r.stdout, `${label}:${hashes[0]}\n`, `${name}: the package ID alone on stdout, for CHAINCODE_ID=$(run --package ...)`);
      assert.equal(fs.statSync(file).mode & 0o077, 0, `${name}: it holds a private key, so it is its owner's alone`);
    }
    assert.equal(fs.statSync(runs[1][2]).uid, 65534, 'written by the other user');
  });

  test('it installs with our builder and with Fabric\'s, and run --check reads it', () => {
    const dir = path.join(tempDir('ccaas-pack-install-'), 'inputs');
    writeTree(dir, {
      'connection.json': { address: 'cc.org1.test:7999', dial_timeout: '3s' },
      'META-INF/statedb/couchdb/indexes/indexOwner.json': { index: { fields: ['owner'] }, ddoc: 'o', name: 'o', type: 'json' },
    });
    const out = tempDir('ccaas-pack-installout-');
    const r = pack([dir, '--label', 'installme_1.0', '--json'], { cwd: out });
    assert.equal(r.code, 0, r.stderr);
    const { package_id: id } = JSON.parse(r.stdout);
    const pkg = { file: path.join(out, 'installme_1.0.tar.gz'), label: 'installme_1.0', id };
    assert.equal(id, `installme_1.0:${sha256(pkg.file)}`);

    const ours = new Peer();
    const installed = ours.install(pkg);
    assert.equal(installed.ok, true, JSON.stringify(installed.steps.map((s) => s.stderr)));
    assert.deepEqual(ours.chaincodeServerInfo(id).address, 'cc.org1.test:7999');
    assert.ok(fs.existsSync(path.join(installed.durable, 'release', 'statedb', 'couchdb', 'indexes', 'indexOwner.json')) ||
      fs.existsSync(path.join(installed.durable, 'bld', 'META-INF', 'statedb', 'couchdb', 'indexes', 'indexOwner.json')), 'the indexes came along');
    const fabric = new Peer({ binDir: path.join(fabricCcaasBuilder(path.join(tempDir('ccaas-pack-fabric-'), 'ccaas_builder')), 'bin'), name: 'ccaas_builder' });
    assert.equal(fabric.install(pkg).ok, true);
    assert.equal(fabric.chaincodeServerInfo(id).address, 'cc.org1.test:7999');

    const check = spawnSync(RUN, ['--check', pkg.file, '--json'], { encoding: 'utf8', env: { PATH: process.env.PATH, CCAAS_BUILDER_PROBE: 'off' } });
    const report = JSON.parse(check.stdout);
    assert.equal(report.kind, 'package file');
    assert.equal(report.package_id, id);
    assert.equal(report.address, 'cc.org1.test:7999');

    // The external type: its indexes under metadata/, as fabric-samples' sampleBuilder reads them.
    const ext = path.join(tempDir('ccaas-pack-ext-'), 'inputs');
    writeTree(ext, { 'connection.json': { address: 'cc.org1.test:7999' }, 'metadata/statedb/couchdb/indexes/i.json': '{}', 'META-INF/ignored.json': '{}' });
    const e = pack([ext, '--label', 'ext_1.0', '--type', 'external', '--json'], { cwd: out });
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual(JSON.parse(e.stdout).files, ['connection.json', 'metadata/statedb/couchdb/indexes/i.json']);
  });

  test('bad input: one line naming the file and field, a non-zero exit, and no file at all', () => {
    const out = tempDir('ccaas-pack-bad-');
    const target = path.join(out, 'p.tar.gz');
    const cases = [
      [{ 'connection.json': { address: 'cc' } }, [], 1, `package: error: @/connection.json: address: "cc" has no port: write cc:PORT`],
      [{ 'connection.json': { address: 'cc:9999', dial_timeout: '10' } }, [], 1, 'package: error: @/connection.json: dial_timeout: "10" has no unit (write "10s" for seconds; units are ns, us, ms, s, m, h)'],
      [{ 'connection.json': { address: 'cc:9999', tls_required: 'true', root_cert: 'x' } }, [], 1, ['package: error: @/connection.json: tls_required: expected a JSON boolean, found a string "true": write true without quotes (the peer cannot read a quoted boolean)', 'package: error: @/connection.json: root_cert: holds no PEM block']],
      [{ 'connection.json': 'nope' }, [], 1, 'package: error: @/connection.json: not valid JSON: parse error at line 1, column 2: syntax error while parsing value - invalid literal'],
      [{ 'other.json': '{}' }, [], 1, 'package: error: @/connection.json not found: a ccaas package carries connection.json at the root of code.tar.gz'],
      [{ 'connection.json': { address: '{{.peername}}-cc:9999' } }, [], 1, 'package: error: @/connection.json: address: template {{.peername}} needs key "peername", which CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG does not have (the builder got it through propagateEnvironment, but without that key)', { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"org":"org1"}' }],
      [{ 'connection.json': { address: 'cc:9999' } }, ['--label', '-x'], 1, 'package: error: --label -x: not a label the peer accepts (^[[:alnum:]][[:alnum:]_.+-]*$: a letter or digit, then letters, digits, _ . + -)'],
      [{ 'connection.json': { address: 'cc:9999' } }, ['--type', 'golang'], 2, 'package: error: --type golang: ccaas (Fabric\'s ccaas_builder and ours) or external (fabric-samples\' sampleBuilder) (usage: run --package DIR --label LABEL [--type ccaas|external] [--output FILE] [--json])'],
    ];
    for (const [files, extra, code, line, env = {}] of cases) {
      const dir = path.join(tempDir('ccaas-pack-badin-'), 'inputs');
      writeTree(dir, files);
      const args = [dir, ...(extra.includes('--label') ? [] : ['--label', 'bad_1.0']), '--output', target, ...extra];
      const r = pack(args, { env });
      assert.equal(r.code, code, r.stderr);
      assert.deepEqual(r.lines.filter((l) => l.includes('error')), [].concat(line).map((l) => l.replaceAll('@', dir)), 'one line per problem');
      assert.deepEqual(fs.readdirSync(out), [], 'nothing written, not even a temporary file');
    }
    // A link among the indexes, and a folder that is not there.
    const linked = path.join(tempDir('ccaas-pack-link-'), 'inputs');
    writeTree(linked, { 'connection.json': { address: 'cc:9999' }, 'META-INF/statedb/couchdb/indexes/a.json': '{}' });
    fs.symlinkSync('/etc/passwd', path.join(linked, 'META-INF/statedb/couchdb/indexes/b.json'));
    let r = pack([linked, '--label', 'l_1.0', '--output', target]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `package: error: ${linked}/META-INF/statedb/couchdb/indexes/b.json: not a regular file (a symlink): a package holds regular files only, and the peer refuses anything else\n`);
    r = pack(['/nonexistent/inputs', '--label', 'l_1.0', '--output', target]);
    assert.equal(r.stderr, 'package: error: /nonexistent/inputs: not a directory: DIR holds connection.json and, optionally, the indexes\n');
    // An output that cannot be written: named.
    r = pack([linked.replace(/inputs$/, ''), '--label', 'l_1.0', '--output', '/nonexistent/p.tar.gz']);
    assert.equal(r.code, 1);
    r = pack([path.join(tempDir('ccaas-pack-ok-'))], {});
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'package: error: --label LABEL is missing (usage: run --package DIR --label LABEL [--type ccaas|external] [--output FILE] [--json])\n');
    const good = path.join(tempDir('ccaas-pack-good-'), 'inputs');
    writeTree(good, { 'connection.json': { address: 'cc:9999' } });
    r = pack([good, '--label', 'g_1.0', '--output', '/nonexistent/p.tar.gz']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'package: error: /nonexistent/p.tar.gz: cannot create: No such file or directory\n');
    assert.deepEqual(fs.readdirSync(out), []);
  });
});
