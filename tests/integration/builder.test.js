'use strict';
// detect, build and release driven exactly as a peer drives them, with tables of
// (package, environment) -> (exit codes, stderr lines, what the peer then reads).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackage } = require('./harness/peer');
const { Pki, isoDaysFromNow } = require('./harness/certs');

const BUILDER_CONFIG = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';

// Every program run in this file: nothing on stdout (the peer discards it), no PEM on stderr.
function assertQuietAndSafe(result) {
  for (const step of result.steps) {
    assert.equal(step.stdout, '', `${step.step} wrote to stdout`);
    assert.doesNotMatch(step.stderr, /-----BEGIN|PRIVATE KEY/, `${step.step} printed PEM`);
    for (const line of step.lines) assert.match(line, new RegExp(`^${step.step}: `), 'every line names its step');
  }
}

function install(files, { env = {}, propagate, label, type, metadata } = {}) {
  const peer = new Peer({ env, ...(propagate ? { propagate } : {}) });
  const pkg = makePackage({ files, label, type, metadata });
  const result = peer.install(pkg);
  assertQuietAndSafe(result);
  return { peer, pkg, result };
}

test('a plaintext package installs and the peer reads what it needs', () => {
  const { peer, pkg, result } = install({
    'connection.json': { address: 'asset-transfer-basic.org1.example.com:9999', dial_timeout: '10s', tls_required: false },
    'META-INF/statedb/couchdb/indexes/indexOwner.json': { index: { fields: ['owner'] }, ddoc: 'indexOwnerDoc', name: 'indexOwner', type: 'json' },
    'META-INF/statedb/couchdb/collections/private/indexes/indexPrice.json': { index: { fields: ['price'] } },
  });
  assert.equal(result.ok, true, JSON.stringify(result.steps.map((s) => s.lines)));
  assert.deepEqual(result.detect.lines, [], 'detect is silent');
  assert.deepEqual(result.build.lines, [
    `build: connection asset-transfer-basic.org1.example.com:9999, dial_timeout 10s, plaintext; wrote ${result.scratch}/bld/connection.json and 2 META-INF file(s)`,
  ]);
  assert.deepEqual(result.release.lines, [
    `release: copied 2 file(s) of META-INF/statedb to ${result.scratch}/release/statedb`,
    `release: wrote ${result.scratch}/release/chaincode/server/connection.json: the peer will dial asset-transfer-basic.org1.example.com:9999, dial_timeout 10s, plaintext`,
    `release: the chaincode server must be started with chaincode ID ${pkg.id} (CHAINCODE_ID; fabric-chaincode-node: --chaincode-id); any other ID makes the peer wait out chaincode.startuptimeout`,
  ]);
  const info = peer.chaincodeServerInfo(pkg.id);
  assert.equal(info.address, 'asset-transfer-basic.org1.example.com:9999');
  assert.equal(info.dialTimeout, 10000000000n);
  assert.equal(info.tlsRequired, false);
  const durableRelease = path.join(result.durable, 'release');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(durableRelease, 'statedb/couchdb/indexes/indexOwner.json'))).index,
    { fields: ['owner'] });
  assert.ok(fs.existsSync(path.join(durableRelease, 'statedb/couchdb/collections/private/indexes/indexPrice.json')));
  const mode = fs.statSync(peer.serverConnectionPath(pkg.id)).mode & 0o777;
  assert.equal(mode, 0o644);
});

test('detect claims ccaas in any case and prints nothing for other types', () => {
  const table = [
    { type: 'ccaas', code: 0 }, { type: 'CCAAS', code: 0 }, { type: 'CCaaS', code: 0 },
    { type: 'golang', code: 1 }, { type: 'external', code: 1 }, { type: 'k8s', code: 1 }, { type: 'ccaas2', code: 1 },
  ];
  for (const row of table) {
    const { result } = install({ 'connection.json': { address: 'cc:9999' } }, { type: row.type });
    assert.equal(result.detect.code, row.code, row.type);
    assert.equal(result.detect.stderr, '', `${row.type}: detect prints nothing`);
    assert.equal(result.detected, row.code === 0);
  }
});

// (connection.json, environment) -> build exit code and stderr lines; nothing in bld afterwards.
const BUILD_FAILURES = [
  {
    name: 'no connection.json',
    files: { 'README.md': 'no connection here' },
    lines: [/^build: error: \S+\/src\/connection\.json not found: a ccaas package carries connection\.json at the root of code\.tar\.gz$/],
  },
  {
    name: 'connection.json is not JSON',
    files: { 'connection.json': '{"address": "cc:9999",}' },
    lines: [/^build: error: \S+\/src\/connection\.json: not valid JSON: parse error at line 1, column 23: syntax error while parsing object key - unexpected '}'; expected string literal$/],
  },
  {
    name: 'quoted booleans from the Fabric docs example',
    files: { 'connection.json': { address: 'cc:9999', dial_timeout: '10s', tls_required: 'false' } },
    lines: [/^build: error: \S+\/connection\.json: tls_required: expected a JSON boolean, found a string "false": write false without quotes \(the peer cannot read a quoted boolean\)$/],
  },
  {
    name: 'dial_timeout without a unit',
    files: { 'connection.json': { address: 'cc:9999', dial_timeout: '10' } },
    lines: [/: dial_timeout: "10" has no unit \(write "10s" for seconds; units are ns, us, ms, s, m, h\)$/],
  },
  {
    name: 'dial_timeout as a small number',
    files: { 'connection.json': { address: 'cc:9999', dial_timeout: 10 } },
    lines: [/: dial_timeout: 10 is a JSON number, which the peer reads as 10 nanoseconds, too short for any dial: write "10s" for seconds$/],
  },
  {
    name: 'dial_timeout as an empty string (what Fabric\'s ccaas_builder writes)',
    files: { 'connection.json': { address: 'cc:9999', dial_timeout: '' } },
    lines: [/: dial_timeout: is "", which the peer cannot parse \(time: invalid duration ""\); remove the key to use the peer's default of 3s/],
  },
  {
    name: 'address without a port, with a scheme, with a bad port',
    files: { 'connection.json': { address: 'grpc://cc:9999' } },
    lines: [/: address: "grpc:\/\/cc:9999" has a scheme: write host:port without "grpc:\/\/"$/],
  },
  {
    name: 'several problems, one line each',
    files: { 'connection.json': { address: 'cc:70000', dial_timeout: '5 s', client_auth_required: 'true' } },
    lines: [
      /^build: warning: \S+: client_auth_required: has no effect without tls_required: the peer dials in plaintext$/,
      /: address: port 70000 is outside 1-65535$/,
      /: dial_timeout: "5 s" has an unknown unit " s" \(units are ns, us, ms, s, m, h\)$/,
      /: client_auth_required: expected a JSON boolean, found a string "true": write true without quotes/,
    ],
  },
  {
    name: 'tls_required without root_cert',
    files: { 'connection.json': { address: 'cc:9999', tls_required: true } },
    lines: [/: root_cert: missing: with tls_required the peer needs the PEM of the CA that issued the chaincode server's certificate$/],
  },
  {
    name: 'root_cert given as a path',
    files: { 'connection.json': { address: 'cc:9999', tls_required: true, root_cert: '/etc/hyperledger/fabric/cc-ca.pem' } },
    lines: [/: root_cert: holds no PEM block: it looks like a file path; the peer reads the PEM text itself, not a path$/],
  },
  {
    name: 'a template while the variable is unset',
    files: { 'connection.json': { address: '{{.peername}}_assettransfer_ccaas:9999' } },
    lines: [/: address: template \{\{\.peername\}\} needs key "peername", but CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not set for the builder: set it in the peer's environment and list it under propagateEnvironment in core\.yaml$/],
  },
  {
    name: 'a template while the variable is set in the peer but not propagated',
    files: { 'connection.json': { address: '{{.peername}}_assettransfer_ccaas:9999' } },
    env: { [BUILDER_CONFIG]: '{"peername":"peer0org1"}' },
    propagate: ['CCAAS_BUILDER_DIAL_TIMEOUT'],
    lines: [/needs key "peername", but CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not set for the builder: .*propagateEnvironment/],
  },
  {
    name: 'a template key the variable lacks',
    files: { 'connection.json': { address: '{{.peername}}:9999' } },
    env: { [BUILDER_CONFIG]: '{"peer":"peer0org1"}' },
    lines: [/: address: template \{\{\.peername\}\} needs key "peername", which CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG does not have/],
  },
  {
    name: 'the variable quoted once too often',
    files: { 'connection.json': { address: '{{.peername}}:9999' } },
    env: { [BUILDER_CONFIG]: JSON.stringify('{"peername":"peer0org1"}') },
    lines: [/^build: error: CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: it holds a JSON string, not an object: one level of quoting too many .*the value must start with '\{'$/],
  },
  {
    name: 'a bad CCAAS_BUILDER_DIAL_TIMEOUT',
    files: { 'connection.json': { address: 'cc:9999' } },
    env: { CCAAS_BUILDER_DIAL_TIMEOUT: '30' },
    lines: [/^build: error: CCAAS_BUILDER_DIAL_TIMEOUT: "30" has no unit/],
  },
  {
    name: 'duplicate keys',
    files: { 'connection.json': '{"address":"a:1","address":"b:2"}' },
    lines: [/connection\.json: key "address" appears twice in one object: keep one$/],
  },
  {
    name: 'connection.json over 1 MiB',
    files: { 'connection.json': JSON.stringify({ address: 'cc:1', note: 'x'.repeat(1024 * 1024) }) },
    lines: [new RegExp(`connection\\.json: is ${JSON.stringify({ address: 'cc:1', note: 'x'.repeat(1024 * 1024) }).length} bytes; the limit is 1048576$`)],
  },
];

for (const row of BUILD_FAILURES) {
  test(`build refuses: ${row.name}`, () => {
    const { result } = install(row.files, { env: row.env, propagate: row.propagate });
    assert.equal(result.detect.code, 0);
    assert.equal(result.build.code, 1, result.build.stderr);
    assert.equal(result.build.lines.length, row.lines.length, result.build.stderr);
    row.lines.forEach((re, i) => assert.match(result.build.lines[i], re));
    assert.deepEqual(result.bldEntries, [], 'nothing half-written in BUILD_OUTPUT_DIR');
    assert.equal(result.release, undefined);
  });
}

test('templates render from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, unknown keys survive', () => {
  const { peer, pkg, result } = install({
    'connection.json': {
      address: '{{.peername}}_assettransfer_ccaas:{{ .port }}', dial_timeout: '{{.timeout}}', tls_required: false,
      domain: '{{.peername}}.example.com', owner_note: 'team-a',
    },
  }, { env: { [BUILDER_CONFIG]: '{"peername":"peer0org1","port":9999,"timeout":"15s"}' } });
  assert.equal(result.ok, true, result.build.stderr);
  const written = JSON.parse(fs.readFileSync(peer.serverConnectionPath(pkg.id), 'utf8'));
  assert.deepEqual(written, {
    address: 'peer0org1_assettransfer_ccaas:9999', dial_timeout: '15s', tls_required: false,
    domain: 'peer0org1.example.com', owner_note: 'team-a',
  });
  assert.equal(peer.chaincodeServerInfo(pkg.id, { fabric3: true }).domain, 'peer0org1.example.com');
});

test('dial_timeout: absent stays absent (peer default 3s) unless CCAAS_BUILDER_DIAL_TIMEOUT is set', () => {
  const files = { 'connection.json': { address: 'cc:9999' } };
  const plain = install(files);
  assert.equal(plain.result.ok, true);
  const written = JSON.parse(fs.readFileSync(plain.peer.serverConnectionPath(plain.pkg.id), 'utf8'));
  assert.equal('dial_timeout' in written, false, 'never "dial_timeout": ""');
  assert.equal(plain.peer.chaincodeServerInfo(plain.pkg.id).dialTimeout, 3000000000n);
  assert.match(plain.result.build.lines[0], /dial_timeout 3s \(the peer's default\), plaintext/);

  const withDefault = install(files, { env: { CCAAS_BUILDER_DIAL_TIMEOUT: '7s' } });
  assert.equal(withDefault.result.ok, true);
  assert.equal(withDefault.peer.chaincodeServerInfo(withDefault.pkg.id).dialTimeout, 7000000000n);

  const own = install({ 'connection.json': { address: 'cc:9999', dial_timeout: 2500000000 } }, { env: { CCAAS_BUILDER_DIAL_TIMEOUT: '7s' } });
  assert.equal(own.peer.chaincodeServerInfo(own.pkg.id).dialTimeout, 2500000000n, 'the package wins');
});

test('TLS and mutual TLS material is validated; key-bearing files are 0600', () => {
  const pki = new Pki();
  const ca = pki.makeCa();
  const client = pki.issue('ca', 'peer0-client', { clientAuth: true });
  const other = pki.issue('ca', 'other-client', { clientAuth: true });
  const expired = pki.issue('ca', 'expired', { startdate: '20200101000000Z', enddate: '20200201000000Z' });
  const soon = pki.issue('ca', 'soon', { enddate: isoDaysFromNow(10) });
  const mtls = {
    address: 'cc.org1.example.com:9999', dial_timeout: '5s', tls_required: true, client_auth_required: true,
    root_cert: ca.cert, client_cert: client.cert, client_key: client.key,
  };

  const good = install({ 'connection.json': mtls });
  assert.equal(good.result.ok, true, good.result.build.stderr);
  const info = good.peer.chaincodeServerInfo(good.pkg.id);
  assert.equal(info.tlsRequired, true);
  assert.equal(info.clientKey, client.key);
  assert.equal(fs.statSync(good.peer.serverConnectionPath(good.pkg.id)).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(good.result.durable, 'bld/connection.json')).mode & 0o777, 0o600);
  assert.match(good.result.release.lines[0], /the peer will dial cc\.org1\.example\.com:9999, dial_timeout 5s, TLS with client authentication$/);

  const table = [
    { change: { client_key: other.key }, line: /: client_key: does not match client_cert \(the key belongs to another certificate\)$/ },
    { change: { client_cert: client.key }, line: /: client_cert: block 1 is a private key, not a certificate: a private key does not belong here$/ },
    { change: { root_cert: Buffer.from(ca.cert).toString('base64') }, line: /: root_cert: holds no PEM block: it is base64-encoded PEM; put the decoded PEM text here \(base64 -d\)$/ },
    { change: { client_cert: expired.cert, client_key: expired.key }, line: /: client_cert: certificate \(CN=expired\) expired on 2020-02-01 00:00 UTC$/ },
    { change: { client_key: undefined }, line: /: client_key: missing: with client_auth_required the peer needs the private key of client_cert \(PEM\)$/ },
  ];
  for (const row of table) {
    const doc = { ...mtls, ...row.change };
    const bad = install({ 'connection.json': doc });
    assert.equal(bad.result.build.code, 1, JSON.stringify(row.change && Object.keys(row.change)));
    assert.equal(bad.result.build.lines.length, 1, bad.result.build.stderr);
    assert.match(bad.result.build.lines[0], row.line);
  }

  const warn = install({ 'connection.json': { ...mtls, client_cert: soon.cert, client_key: soon.key } });
  assert.equal(warn.result.ok, true);
  assert.match(warn.result.build.lines[0], /^build: warning: \S+: client_cert: certificate \(CN=soon\) expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC, within 30 days$/);
});

test('PEM in a JSON string with raw line breaks is named without echoing the key', () => {
  const pki = new Pki();
  pki.makeCa();
  const client = pki.issue('ca', 'c', { clientAuth: true });
  const raw = `{"address":"cc:9999","tls_required":true,"client_key":"${client.key}"}`;
  const { result } = install({ 'connection.json': raw });
  assert.equal(result.build.code, 1);
  assert.equal(result.build.lines.length, 1);
  assert.match(result.build.lines[0], /not valid JSON: .*control character.*\(inside a JSON string a PEM needs \\n escapes, not line breaks\)$/);
});

test('each program checks its argument count exactly and names the contract arguments', () => {
  const peer = new Peer();
  const table = [
    ['detect', ['/a'], 'detect: error: usage: expected CHAINCODE_SOURCE_DIR and CHAINCODE_METADATA_DIR arguments, got 1 (see --help)'],
    ['detect', ['/a', '/b', '/c'], 'detect: error: usage: expected CHAINCODE_SOURCE_DIR and CHAINCODE_METADATA_DIR arguments, got 3 (see --help)'],
    ['build', ['/a', '/b'], 'build: error: usage: expected CHAINCODE_SOURCE_DIR, CHAINCODE_METADATA_DIR and BUILD_OUTPUT_DIR arguments, got 2 (see --help)'],
    ['build', ['/a', '/b', '/c', '/d'], 'build: error: usage: expected CHAINCODE_SOURCE_DIR, CHAINCODE_METADATA_DIR and BUILD_OUTPUT_DIR arguments, got 4 (see --help)'],
    ['release', [], 'release: error: usage: expected BUILD_OUTPUT_DIR and RELEASE_OUTPUT_DIR arguments, got 0 (see --help)'],
    ['run', ['/a'], 'run: error: usage: expected BUILD_OUTPUT_DIR and RUN_METADATA_DIR arguments, got 1 (see --help)'],
  ];
  for (const [step, args, line] of table) {
    const r = peer.exec(step, args);
    assert.equal(r.code, 2, `${step} ${args.length}`);
    assert.deepEqual(r.lines, [line]);
    assert.equal(r.stdout, '');
  }
});

test('release fails clearly when build output is missing, and writes nothing', () => {
  const peer = new Peer();
  const dir = fs.mkdtempSync(path.join(peer.tmpdir, 'x-'));
  fs.mkdirSync(path.join(dir, 'bld'));
  fs.mkdirSync(path.join(dir, 'release'));
  const r = peer.exec('release', [path.join(dir, 'bld'), path.join(dir, 'release')]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.lines, [
    `release: error: ${dir}/bld/connection.json not found: the build step did not complete, or BUILD_OUTPUT_DIR was built by another builder`,
  ]);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'release')), []);
});
