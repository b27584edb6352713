'use strict';
// bin/demo: installs the packages in fixtures/packages through the peer-style harness and shows
// what an operator sees in the peer log, and what the peer then reads at launch.

const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackageFromFixture, tempDir } = require('./peer');
const { Pki } = require('./certs');

const top = path.resolve(__dirname, '../../..');
const fixtures = path.join(top, 'fixtures', 'packages');
const say = (text = '') => process.stdout.write(`${text}\n`);

function peerLog(result) {
  // session.go logs each stderr line at INFO, with the builder's name and the command
  for (const step of result.steps) {
    for (const line of step.lines) {
      say(`    INFO [chaincode.externalbuilder.ccaas-builder] waitForExit -> ${line} command=${step.step}`);
    }
  }
}

function describe(info) {
  const tls = !info.tlsRequired ? 'plaintext' : info.clientAuthRequired ? 'mutual TLS' : 'TLS';
  return `address=${info.address} dial_timeout=${Number(info.dialTimeout) / 1e9}s ${tls}`;
}

function main() {
  const pki = new Pki();
  pki.makeCa('ca', 'org1 chaincode CA');
  const client = pki.issue('ca', 'peer0-org1-client', { clientAuth: true });
  const ca = pki.read('ca');

  // The peer's environment: the per-peer values that the packages' templates use.
  const config = { peername: 'peer0org1', cc_root_cert: ca.cert, cc_client_cert: client.cert, cc_client_key: client.key };
  const peer = new Peer({ env: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify(config) } });
  say(`peer: propagateEnvironment [${peer.propagate.join(', ')}]; builder ${peer.binDir}`);
  say('peer: CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG={"peername":"peer0org1","cc_root_cert":"<PEM>",...}');

  const installed = [];
  for (const scenario of ['asset-transfer', 'asset-transfer-mtls', 'docs-example']) {
    const pkg = makePackageFromFixture(path.join(fixtures, scenario), { dir: tempDir('ccaas-demo-') });
    say();
    say(`== ${scenario}: peer lifecycle chaincode install ${path.basename(pkg.file)}`);
    const result = peer.install(pkg);
    peerLog(result);
    if (result.ok) {
      say(`  installed: package ID ${pkg.id}`);
      say(`  at launch the peer reads ${path.relative(peer.fileSystemPath, peer.serverConnectionPath(pkg.id))}:`);
      say(`    ${describe(peer.chaincodeServerInfo(pkg.id, { fabric3: true }))}`);
      installed.push({ pkg, result });
    } else {
      const failed = result.steps[result.steps.length - 1];
      say(`  Error: chaincode install failed with status: 500 - ... could not build chaincode: external builder failed: `
        + `external builder '${peer.name}' failed: exit status ${failed.code}`);
      say('  (the lines above are the whole diagnosis: one per problem, at install, not at the first invoke)');
    }
  }

  // The run path: a release that lost its connection file.
  const { pkg, result } = installed[0];
  fs.rmSync(peer.serverConnectionPath(pkg.id));
  say();
  say(`== ${pkg.label}: the release connection file is gone, so the peer calls run instead of dialling`);
  const run = peer.exec('run', [path.join(result.durable, 'bld'), peer.runMetadataDir(pkg.id)]);
  peerLog({ steps: [run] });
  say(`  run exited ${run.code} after ${run.ms.toFixed(0)} ms (the peer would otherwise wait chaincode.startuptimeout, 300s)`);
  say(`  the next launch reads: ${describe(peer.chaincodeServerInfo(pkg.id))}`);
}

main();
