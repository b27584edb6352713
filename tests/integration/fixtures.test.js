'use strict';
// The bundled packages that bin/demo installs, with the outcome the README promises.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackageFromFixture } = require('./harness/peer');
const { Pki } = require('./harness/certs');

const fixtures = path.resolve(__dirname, '../../fixtures/packages');

function peerWithConfig() {
  const pki = new Pki();
  const ca = pki.makeCa();
  const client = pki.issue('ca', 'client', { clientAuth: true });
  const config = { peername: 'peer1org1', cc_root_cert: ca.cert, cc_client_cert: client.cert, cc_client_key: client.key };
  return { peer: new Peer({ env: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify(config) } }), client };
}

test('fixture asset-transfer installs; the address is rendered for this peer', () => {
  const { peer } = peerWithConfig();
  const pkg = makePackageFromFixture(path.join(fixtures, 'asset-transfer'));
  const result = peer.install(pkg);
  assert.equal(result.ok, true, result.steps.map((s) => s.stderr).join(''));
  assert.equal(peer.chaincodeServerInfo(pkg.id).address, 'peer1org1-asset-transfer.org1.svc.cluster.local:9999');
});

test('fixture asset-transfer-mtls installs with the PEMs templated from the environment', () => {
  const { peer, client } = peerWithConfig();
  const pkg = makePackageFromFixture(path.join(fixtures, 'asset-transfer-mtls'));
  const result = peer.install(pkg);
  assert.equal(result.ok, true, result.steps.map((s) => s.stderr).join(''));
  const info = peer.chaincodeServerInfo(pkg.id, { fabric3: true });
  assert.equal(info.clientKey, client.key);
  assert.equal(info.domain, 'asset-transfer.org1.example.com');
  for (const step of result.steps) assert.doesNotMatch(step.stderr, /BEGIN|PRIVATE KEY/);
});

test('fixture docs-example fails with one line per problem', () => {
  const { peer } = peerWithConfig();
  const result = peer.install(makePackageFromFixture(path.join(fixtures, 'docs-example')));
  assert.equal(result.build.code, 1);
  const fields = result.build.lines.map((l) => /connection\.json: (\w+): /.exec(l)?.[1]);
  assert.deepEqual(fields, ['dial_timeout', 'tls_required', 'client_auth_required', 'root_cert', 'client_cert', 'client_key']);
  assert.match(result.build.lines[3], /root_cert: block 1 is not well-formed PEM \(damaged base64 or a missing END line\)$/);
  assert.match(result.build.lines[5], /client_key: does not parse as a PEM private key$/);
  assert.doesNotMatch(result.build.stderr, /BEGIN|PRIVATE KEY/);
});

// fabric-samples' sampleBuilder layout (asset-transfer-basic/chaincode-external): type external,
// connection.json at the root of code.tar.gz, indexes under metadata/ (its build copies
// metadata/ into BLD, its release copies BLD/metadata/* into RELEASE, so statedb/ lands where
// the peer reads it). Claimed only where CCAAS_BUILDER_TYPES names it; the default is unchanged.
test('fixture sample-external: installs with CCAAS_BUILDER_TYPES=ccaas,external, refused silently without', () => {
  const pkg = makePackageFromFixture(path.join(fixtures, 'sample-external'));
  const peer = new Peer({ env: { CCAAS_BUILDER_TYPES: 'ccaas,external' } });
  const result = peer.install(pkg);
  assert.equal(result.ok, true, result.steps.map((s) => s.stderr).join(''));
  assert.deepEqual(result.steps.map((s) => [s.step, s.code]), [['detect', 0], ['build', 0], ['release', 0]]);
  assert.equal(peer.chaincodeServerInfo(pkg.id).address, 'asset-transfer-basic.org1.example.com:9999');
  assert.match(result.build.lines[0], /^build: connection asset-transfer-basic\.org1\.example\.com:9999, dial_timeout 10s, plaintext; wrote \S+\/bld\/connection\.json and 1 metadata file\(s\)$/);
  assert.ok(result.release.lines.some((l) => /^release: copied 1 file\(s\) of metadata\/statedb to \S+\/release\/statedb$/.test(l)), result.release.stderr);
  const index = path.join(result.durable, 'release', 'statedb', 'couchdb', 'indexes', 'indexOwner.json');
  assert.equal(fs.readFileSync(index, 'utf8'), fs.readFileSync(path.join(fixtures, 'sample-external/code/metadata/statedb/couchdb/indexes/indexOwner.json'), 'utf8'));

  // Without the variable: detect exits 1 and says nothing, as for any package not ours.
  const plain = new Peer().install(pkg);
  assert.equal(plain.detect.code, 1);
  assert.equal(plain.detect.stderr, '');
  assert.equal(plain.detected, false);
  // Only external: a ccaas package is not ours then.
  const onlyExternal = new Peer({ env: { CCAAS_BUILDER_TYPES: 'external' } }).install(makePackageFromFixture(path.join(fixtures, 'asset-transfer')));
  assert.equal(onlyExternal.detect.code, 1);
  assert.equal(onlyExternal.detect.stderr, '');
  // A value that names no type: one line naming the variable, and nothing claimed.
  const bad = new Peer({ env: { CCAAS_BUILDER_TYPES: 'ccaas,golang' } }).install(pkg);
  assert.equal(bad.detect.code, 1);
  assert.equal(bad.detect.stderr, 'detect: error: CCAAS_BUILDER_TYPES: "ccaas,golang": "golang" is not a type this builder claims (ccaas, external; comma-separated)\n');
});
