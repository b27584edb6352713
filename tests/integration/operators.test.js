'use strict';
// The operators' resources in packaging/kubernetes/operators/: a FabricPeer for
// bevel-operator-fabric and an IBPPeer for hyperledger-labs' fabric-operator. Each field path
// they use must exist in that operator's CRD, as recorded below from the operator's own files
// (no cluster and no copy of the CRDs here: the facts, with their source), with a value of the
// schema's type; the spec's required fields must be there; and the builder they register must be
// the one our other manifests register (the same name, path and propagateEnvironment, the
// side-by-side image of packaging/Dockerfile).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { parseBuilders } = require('./harness/registration');

const top = path.resolve(__dirname, '../..');
const dir = path.join(top, 'packaging/kubernetes/operators');

// Leaf field paths of spec and their schema types; "open" marks a field with
// x-kubernetes-preserve-unknown-fields, whose keys the operator reads into a Go struct (noted).
const CRDS = {
  'bevel-fabricpeer.yaml': {
    source: 'hyperledger/bevel-operator-fabric v1.10.1 (d400c548), config/crd/bases/hlf.kungfusoftware.es_fabricpeers.yaml',
    apiVersion: 'hlf.kungfusoftware.es/v1alpha1',
    kind: 'FabricPeer',
    required: ['couchdb', 'discovery', 'dockerSocketPath', 'externalEndpoint', 'external_chaincode_builder', 'gossip', 'hosts',
      'image', 'logging', 'mspID', 'replicas', 'resources', 'secret', 'service', 'stateDb', 'storage', 'tag'],
    fields: {
      'spec.image': 'string', 'spec.tag': 'string', 'spec.imagePullPolicy': 'string', 'spec.mspID': 'string', 'spec.replicas': 'integer',
      'spec.stateDb': 'string', 'spec.dockerSocketPath': 'string', 'spec.external_chaincode_builder': 'boolean',
      'spec.externalBuilders[].name': 'string', 'spec.externalBuilders[].path': 'string', 'spec.externalBuilders[].propagateEnvironment[]': 'string',
      'spec.env[].name': 'string', 'spec.env[].value': 'string', 'spec.externalEndpoint': 'string', 'spec.hosts[]': 'string',
      'spec.gossip.externalEndpoint': 'string', 'spec.gossip.bootstrap': 'string', 'spec.gossip.endpoint': 'string',
      'spec.gossip.useLeaderElection': 'boolean', 'spec.gossip.orgLeader': 'boolean',
      'spec.discovery.period': 'string', 'spec.discovery.touchPeriod': 'string',
      'spec.logging.level': 'string', 'spec.logging.peer': 'string', 'spec.logging.cauthdsl': 'string', 'spec.logging.gossip': 'string',
      'spec.logging.grpc': 'string', 'spec.logging.ledger': 'string', 'spec.logging.msp': 'string', 'spec.logging.policies': 'string',
      'spec.couchdb.user': 'string', 'spec.couchdb.password': 'string', 'spec.couchdb.image': 'string', 'spec.couchdb.tag': 'string',
      'spec.resources.peer.requests.cpu': 'quantity', 'spec.resources.peer.requests.memory': 'quantity',
      'spec.resources.couchdb.requests.cpu': 'quantity', 'spec.resources.couchdb.requests.memory': 'quantity',
      'spec.resources.chaincode.requests.cpu': 'quantity', 'spec.resources.chaincode.requests.memory': 'quantity',
      'spec.service.type': 'string',
      'spec.storage.peer.accessMode': 'string', 'spec.storage.peer.size': 'string', 'spec.storage.peer.storageClass': 'string',
      'spec.storage.couchdb.accessMode': 'string', 'spec.storage.couchdb.size': 'string', 'spec.storage.couchdb.storageClass': 'string',
      'spec.storage.chaincode.accessMode': 'string', 'spec.storage.chaincode.size': 'string', 'spec.storage.chaincode.storageClass': 'string',
      'spec.secret.enrollment.component.cahost': 'string', 'spec.secret.enrollment.component.caname': 'string',
      'spec.secret.enrollment.component.caport': 'integer', 'spec.secret.enrollment.component.catls.cacert': 'string',
      'spec.secret.enrollment.component.enrollid': 'string', 'spec.secret.enrollment.component.enrollsecret': 'string',
      'spec.secret.enrollment.tls.cahost': 'string', 'spec.secret.enrollment.tls.caname': 'string',
      'spec.secret.enrollment.tls.caport': 'integer', 'spec.secret.enrollment.tls.catls.cacert': 'string',
      'spec.secret.enrollment.tls.csr.hosts[]': 'string',
      'spec.secret.enrollment.tls.enrollid': 'string', 'spec.secret.enrollment.tls.enrollsecret': 'string',
    },
  },
  'fabric-operator-ibppeer.yaml': {
    source: 'hyperledger-labs/fabric-operator v1.0.9 (10283a69), config/crd/bases/ibp.com_ibppeers.yaml; configoverride read into '
      + 'pkg/apis/peer/v2/peer.go (Chaincode.ExternalBuilders: path, name, propagateEnvironment)',
    apiVersion: 'ibp.com/v1beta1',
    kind: 'IBPPeer',
    required: ['license', 'version'],
    fields: {
      'spec.version': 'string', 'spec.license.accept': 'boolean', 'spec.domain': 'string', 'spec.peerExternalEndpoint': 'string',
      'spec.mspID': 'string', 'spec.mspSecret': 'string', 'spec.stateDb': 'string',
      'spec.images.peerImage': 'string', 'spec.images.peerTag': 'string', 'spec.images.peerInitImage': 'string', 'spec.images.peerInitTag': 'string',
      'spec.chaincodeBuilderConfig.*': 'string', // additionalProperties: string, serialized into CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
      'spec.configoverride.chaincode.externalBuilders[].name': 'open:string', 'spec.configoverride.chaincode.externalBuilders[].path': 'open:string',
      'spec.configoverride.chaincode.externalBuilders[].propagateEnvironment[]': 'open:string',
      'spec.secret.enrollment.component.caname': 'string', 'spec.secret.enrollment.component.cahost': 'string',
      'spec.secret.enrollment.component.caport': 'string', 'spec.secret.enrollment.component.catls.cacert': 'string',
      'spec.secret.enrollment.component.enrollid': 'string', 'spec.secret.enrollment.component.enrollsecret': 'string',
      'spec.secret.enrollment.tls.caname': 'string', 'spec.secret.enrollment.tls.cahost': 'string',
      'spec.secret.enrollment.tls.caport': 'string', 'spec.secret.enrollment.tls.catls.cacert': 'string',
      'spec.secret.enrollment.tls.csr.hosts[]': 'string',
      'spec.secret.enrollment.tls.enrollid': 'string', 'spec.secret.enrollment.tls.enrollsecret': 'string',
      'spec.storage.peer.class': 'string', 'spec.storage.peer.size': 'string', 'spec.storage.statedb.class': 'string', 'spec.storage.statedb.size': 'string',
    },
  },
};

// Every leaf of an object, as "spec.a.b[].c" with its value.
function leaves(value, at = 'spec', out = []) {
  if (Array.isArray(value)) value.forEach((v) => leaves(v, `${at}[]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, `${at}.${k}`, out);
  else out.push([at, value]);
  return out;
}

function typeMatches(type, value) {
  const t = type.replace(/^open:/, '');
  if (t === 'quantity') return typeof value === 'string' || Number.isInteger(value);
  if (t === 'integer') return Number.isInteger(value);
  return typeof value === t; // string, boolean
}

function load(file) {
  return YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}

// Our registration elsewhere: the StatefulSet's CORE_CHAINCODE_EXTERNALBUILDERS and its env.
function ourManifest() {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(top, 'packaging/kubernetes/peer.yaml'), 'utf8')).map((d) => d.toJS());
  const container = docs.find((d) => d.kind === 'StatefulSet').spec.template.spec.containers.find((c) => c.name === 'peer');
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  return { builders: parseBuilders(env.CORE_CHAINCODE_EXTERNALBUILDERS), env };
}

for (const [file, crd] of Object.entries(CRDS)) {
  test(`${file}: every field exists in the ${crd.kind} CRD as recorded, with a value of its type, and the required ones are there`, () => {
    const resource = load(file);
    assert.equal(resource.apiVersion, crd.apiVersion);
    assert.equal(resource.kind, crd.kind);
    for (const name of crd.required) assert.ok(name in resource.spec, `spec.${name} is required (${crd.source})`);
    for (const [at, value] of leaves(resource.spec)) {
      const key = Object.keys(crd.fields).find((f) => f === at || (f.endsWith('.*') && at.startsWith(f.slice(0, -1))));
      assert.ok(key, `${file}: ${at} is not a field of ${crd.kind} (${crd.source})`);
      assert.ok(typeMatches(crd.fields[key], value), `${file}: ${at} = ${JSON.stringify(value)} is not a ${crd.fields[key]}`);
    }
    // The check itself fails on a field that is not there, and on a value of the wrong type.
    assert.equal(Object.keys(crd.fields).includes('spec.initContainers[].image'), false);
    assert.equal(typeMatches('integer', '7054'), false);
  });
}

test('the operators register the builder our other manifests register, from the side-by-side image', () => {
  const ours = ourManifest();
  const readme = fs.readFileSync(path.join(top, 'README.md'), 'utf8');
  const sideBySide = /-t (fabric-peer-ccaas):(2\.5) \.\n/.exec(readme);
  assert.ok(sideBySide, 'the README builds the side-by-side image as fabric-peer-ccaas:2.5');

  const bevel = load('bevel-fabricpeer.yaml').spec;
  assert.deepEqual(bevel.externalBuilders, ours.builders, 'FabricPeer: the same builders, in the same order');
  assert.deepEqual([bevel.image, bevel.tag], [sideBySide[1], sideBySide[2]]);
  const bevelEnv = Object.fromEntries(bevel.env.map((e) => [e.name, e.value]));
  for (const name of ours.builders[0].propagateEnvironment) {
    assert.ok(name in bevelEnv, `FabricPeer sets ${name}`);
    if (name !== 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG') assert.equal(bevelEnv[name], ours.env[name], name);
  }
  assert.equal(typeof JSON.parse(bevelEnv.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG), 'object');

  const ibp = load('fabric-operator-ibppeer.yaml').spec;
  assert.deepEqual(ibp.configoverride.chaincode.externalBuilders, ours.builders, 'IBPPeer: the same builders, in the same order');
  assert.deepEqual([ibp.images.peerImage, ibp.images.peerTag], [sideBySide[1], sideBySide[2]]);
  assert.equal(typeof ibp.chaincodeBuilderConfig.peername, 'string', 'the template values, as CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG');
});
