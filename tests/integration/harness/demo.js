'use strict';
// bin/demo: installs the packages in fixtures/packages through the peer-style harness, starts
// real chaincode servers (fabric-shim) for them, and shows what an operator sees: the peer's
// log lines, what the peer reads at launch, and the probe's diagnosis, green and broken. The
// peer, the servers and their names live in a network namespace made for the demo.

const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackage, makePackageFromFixture, tempDir } = require('./peer');
const { Pki } = require('./certs');
const { Netns, available } = require('./netns');
const { waitForRuns } = require('./scrape');
const servers = require('./servers');
const { debianRoot, StockPeer, rootInstaller, FABRIC_BUILDER } = require('./stock-peer');

const top = path.resolve(__dirname, '../../..');
const fixtures = path.join(top, 'fixtures', 'packages');
const say = (text = '') => process.stdout.write(`${text}\n`);
const SERVICE = 'peer0org1-asset-transfer.org1.svc.cluster.local';

function peerLog(steps) {
  // session.go logs each stderr line at INFO, with the builder's name and the command
  for (const step of steps) {
    for (const line of step.lines) {
      say(`    INFO [chaincode.externalbuilder.ccaas-builder] waitForExit -> ${line} command=${step.step}`);
    }
  }
}

function describe(info) {
  const tls = !info.tlsRequired ? 'plaintext' : info.clientAuthRequired ? 'mutual TLS' : 'TLS';
  return `address=${info.address} dial_timeout=${Number(info.dialTimeout) / 1e9}s ${tls}`;
}

function install(peer, scenario) {
  const pkg = makePackageFromFixture(path.join(fixtures, scenario), { dir: tempDir('ccaas-demo-') });
  say();
  say(`== ${scenario}: peer lifecycle chaincode install ${path.basename(pkg.file)}`);
  const result = peer.install(pkg);
  peerLog(result.steps);
  if (result.ok) {
    say(`  installed: package ID ${pkg.id}`);
    say(`  at launch the peer reads ${path.relative(peer.fileSystemPath, peer.serverConnectionPath(pkg.id))}:`);
    say(`    ${describe(peer.chaincodeServerInfo(pkg.id, { fabric3: true }))}`);
  } else {
    const failed = result.steps[result.steps.length - 1];
    say('  Error: chaincode install failed with status: 500 - ... could not build chaincode: external builder failed: '
      + `external builder '${peer.name}' failed: exit status ${failed.code}`);
    say('  (the lines above are the whole diagnosis: one per problem, at install, not at the first invoke)');
  }
  return { pkg, result };
}

// What an operator runs with kubectl exec in the peer's pod.
function check(ns, peer, target, extra = []) {
  say(`  $ kubectl exec peer0 -- /opt/hyperledger/ccaas-builder/bin/run --check ${target}${extra.length ? ` ${extra.join(' ')}` : ''}`);
  const r = ns.exec(path.join(peer.binDir, 'run'), ['--check', target, ...extra], { env: peer.builderEnv() });
  for (const line of r.stderr.trim().split('\n')) say(`    ${line}`);
  say(`  exit ${r.code}`);
}

async function main() {
  const unavailable = available() ?? servers.commandsAvailable();
  if (unavailable) {
    say(`bin/demo needs root, iproute2, iptables, nghttp2-server and the npm packages (bin/setup): ${unavailable}`);
    process.exitCode = 1;
    return;
  }
  const ns = new Netns({ hosts: { [SERVICE]: '127.0.0.1', 'asset-transfer.org1.example.com': '127.0.0.1' } });
  try {
    const pki = new Pki();
    const ca = pki.makeCa('ca', 'org1 chaincode CA');
    const serverCert = pki.issue('ca', 'server', { cn: 'asset-transfer', sans: [`DNS:${SERVICE}`, 'DNS:asset-transfer.org1.example.com'] });
    pki.makeCa('client-ca', 'org1 peer client CA');
    const client = pki.issue('client-ca', 'peer0-org1-client', { clientAuth: true });

    // The peer's environment: the per-peer values that the packages' templates use.
    const config = { peername: 'peer0org1', cc_root_cert: ca.cert, cc_client_cert: client.cert, cc_client_key: client.key };
    const peer = new Peer({ netns: ns, env: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify(config), CCAAS_BUILDER_PROBE: 'warn' } });
    say(`peer: builder ${peer.binDir}, propagateEnvironment [${peer.propagate.join(', ')}]`);
    say('peer: CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG={"peername":"peer0org1","cc_root_cert":"<PEM>",...}');
    say(`peer: ${SERVICE} resolves to 127.0.0.1 in the demo's network namespace`);

    // 1. Install before the chaincode server runs: the probe warns, the install succeeds.
    const plain = install(peer, 'asset-transfer');

    // 2. Start the chaincode server with the package ID, then check as an operator would.
    say();
    say(`== start the chaincode server: fabric-chaincode-node server --chaincode-address 127.0.0.1:9999 --chaincode-id ${plain.pkg.id}`);
    let server = servers.startChaincode(ns, 9999, plain.pkg.id);
    await ns.waitForPort(9999);
    check(ns, peer, plain.pkg.file);

    // 3. The classic five-minute timeout: the server runs with another chaincode ID.
    say();
    say('== the same server restarted with the chaincode ID of an older package');
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    server = servers.startChaincode(ns, 9999, `asset-transfer_1.0:${'0'.repeat(64)}`);
    await ns.waitForPort(9999);
    check(ns, peer, plain.result.durable);

    // 4. Mutual TLS, with the PEMs templated from the peer's environment.
    say();
    say('== mutual TLS');
    servers.startChaincode(ns, 9443, `asset-transfer-mtls_1.0:${'0'.repeat(64)}`, {
      cert: serverCert.certFile, key: serverCert.keyFile, clientCa: pki.file('client-ca.crt'),
    });
    await ns.waitForPort(9443);
    const mtls = install(peer, 'asset-transfer-mtls');
    say('  (the server was started with a placeholder chaincode ID, so the probe says which one to use)');

    // 5. The connection.json of Fabric's docs, as written there.
    install(peer, 'docs-example');

    // 6. The run path: a release that lost its connection file.
    say();
    say(`== ${mtls.pkg.label}: the release connection file is gone, so the peer calls run instead of dialling`);
    fs.rmSync(peer.serverConnectionPath(mtls.pkg.id));
    const run = peer.exec('run', [path.join(mtls.result.durable, 'bld'), peer.runMetadataDir(mtls.pkg.id)]);
    peerLog([run]);
    say(`  run exited ${run.code} after ${run.ms.toFixed(0)} ms (without it the peer waits chaincode.startuptimeout, 5m)`);
    say(`  the next launch reads: ${describe(peer.chaincodeServerInfo(mtls.pkg.id))}`);

    // 7. The doctor, on this peer: its configuration, its builder, every installed chaincode.
    await twoNodes();
    say();
    say('== run --doctor on the demo\'s peer: its core.yaml, its builders, every installed chaincode');
    const configDir = tempDir('ccaas-demo-config-');
    fs.writeFileSync(path.join(configDir, 'core.yaml'), [
      'peer:', `  fileSystemPath: ${peer.fileSystemPath}`,
      'chaincode:', '  startuptimeout: 300s', '  externalBuilders:',
      `    - name: ${peer.name}`, `      path: ${path.dirname(peer.binDir)}`,
      `      propagateEnvironment: [${peer.propagate.join(', ')}]`, '',
    ].join('\n'));
    say(`  $ kubectl exec peer0 -- /opt/hyperledger/ccaas-builder/bin/run --doctor --config ${configDir}`);
    const doctor = ns.exec(path.join(peer.binDir, 'run'), ['--doctor', '--config', configDir], { env: { ...peer.peerEnv } });
    for (const line of doctor.stderr.trim().split('\n')) say(`    ${line}`);
    say(`  exit ${doctor.code}`);

    // 8. The same doctor as the peer pod's exporter sidecar, scraped once as Prometheus would.
    await watch(ns, peer, configDir, plain.pkg.id);
  } finally {
    await ns.close();
  }
  // 9. A stock peer nobody has changed yet, read from outside.
  await stockPeer();
  // 10. Two orgs package the same inputs themselves, and get one package ID.
  await twoOrgs();
}

// 10. run --package by two orgs: the same connection.json and indexes in different folders, as
// different users, with other file times, seconds apart; one package ID, written down before
// anything is installed, and one chaincode server that serves both orgs' peers.
async function twoOrgs() {
  const { spawnSync } = require('node:child_process');
  const { BIN_DIR } = require('./peer');
  const ns = new Netns({ hosts: { 'asset-transfer.shared.example.com': '127.0.0.1' } });
  try {
    say();
    say('== two orgs package the same inputs themselves: run --package, one package ID for both');
    const inputs = (org) => {
      const dir = path.join(tempDir(`ccaas-demo-${org}-`), 'asset-transfer');
      fs.mkdirSync(path.join(dir, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'connection.json'), `${JSON.stringify({ address: 'asset-transfer.shared.example.com:9997', dial_timeout: '10s' }, null, 2)}\n`);
      fs.copyFileSync(path.join(fixtures, 'asset-transfer', 'code', 'META-INF', 'statedb', 'couchdb', 'indexes', 'indexOwner.json'),
        path.join(dir, 'META-INF', 'statedb', 'couchdb', 'indexes', 'indexOwner.json'));
      fs.chmodSync(path.dirname(dir), 0o777);
      return dir;
    };
    const org1 = inputs('org1');
    const r1 = spawnSync(path.join(BIN_DIR, 'run'), ['--package', org1, '--label', 'asset-transfer_2.0', '--output', path.join(path.dirname(org1), 'asset-transfer_2.0.tar.gz')], { encoding: 'utf8' });
    say(`  org1 (root, umask 022): $ run --package ${path.basename(org1)} --label asset-transfer_2.0`);
    for (const line of r1.stderr.trim().split('\n')) say(`    ${line}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const org2 = inputs('org2');
    spawnSync('touch', ['-d', '2020-01-01 00:00', path.join(org2, 'connection.json')]);
    const r2 = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', 'umask 077; exec "$@"', 'sh',
      path.join(BIN_DIR, 'run'), '--package', org2, '--label', 'asset-transfer_2.0', '--output', path.join(path.dirname(org2), 'asset-transfer_2.0.tar.gz')],
    { encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'Asia/Kolkata' } });
    say(`  org2 (uid 65534, umask 077, TZ Asia/Kolkata, connection.json dated 2020, 1.5 s later): $ run --package ${path.basename(org2)} --label asset-transfer_2.0`);
    for (const line of r2.stderr.trim().split('\n')) say(`    ${line}`);
    const id = /CHAINCODE_ID=(\S+)/.exec(r1.stderr)[1];
    say(`  the same package ID on both sides: ${id === /CHAINCODE_ID=(\S+)/.exec(r2.stderr)[1]}`);
    say(`== one chaincode server, started with CHAINCODE_ID=${id} before any install`);
    servers.startChaincode(ns, 9997, id);
    await ns.waitForPort(9997);
    for (const [org, dir] of [['org1', org1], ['org2', org2]]) {
      const peer = new Peer({ netns: ns, env: { CCAAS_BUILDER_PROBE: 'warn' } });
      const pkg = { file: path.join(path.dirname(dir), 'asset-transfer_2.0.tar.gz'), label: 'asset-transfer_2.0', id };
      const result = peer.install(pkg);
      say(`  ${org}'s peer installs its own file: ${verdictOf(result.release.stderr)}`);
    }
  } finally {
    await ns.close();
  }
}

// 9. run --doctor --pid on a stock peer (Fabric's layout and builder, nothing of ours), from a
// debug container in its PID and network namespaces; then the same peer with its builder's path
// written at its bin/, the commonest set-up mistake.
async function stockPeer() {
  const ns = new Netns();
  const peers = [];
  try {
    const root = debianRoot(tempDir('ccaas-demo-stock-'), { hosts: { 'asset-transfer.org1.svc.cluster.local': '127.0.0.1' } });
    fs.chmodSync(root, 0o755);
    const pkg = makePackage({ label: 'asset-transfer_3.0', dir: tempDir('ccaas-demo-'),
      files: { 'connection.json': { address: 'asset-transfer.org1.svc.cluster.local:9998', dial_timeout: '2s' } } });
    rootInstaller(root).install(pkg);
    servers.startChaincode(ns, 9998, pkg.id);
    await ns.waitForPort(9998);
    const show = async (title, env) => {
      const peer = await new StockPeer(ns, root, { env }).start();
      peers.push(peer);
      say();
      say(`== ${title}`);
      say('  $ kubectl debug -it peer0-org1-0 --target=peer --profile=general --image=ccaas-builder:<version> -- /opt/ccaas-builder/bin/run --doctor --pid 1');
      const r = peer.doctor([]);
      for (const line of r.stderr.trim().split('\n')) say(`    ${line}`);
      say(`  exit ${r.code}`);
    };
    await show('a stock peer, read from outside: Fabric\'s image and builder, a chaincode it built, nothing of ours', {});
    await show('the same peer with its builder\'s path written at bin/', {
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas_builder, path: ${FABRIC_BUILDER}/bin, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]`,
    });
  } finally {
    for (const peer of peers) await peer.stop();
    await ns.close();
  }
}

// 8. run --doctor --serve: one scrape of /metrics, and the series of the broken chaincode.
async function watch(ns, peer, configDir, brokenId) {
  say();
  say('== the doctor as an exporter (the ccaas-builder-exporter sidecar of packaging/kubernetes/peer.yaml)');
  const args = ['--doctor', '--config', configDir, '--serve', '127.0.0.1:9464', '--interval', '60s'];
  say(`  $ run ${args.join(' ')}`);
  const exporter = ns.spawn(path.join(peer.binDir, 'run'), args, { env: { ...peer.peerEnv } });
  const exited = new Promise((resolve) => exporter.once('exit', (code) => resolve(code)));
  const body = await waitForRuns(ns, 'http://127.0.0.1:9464/metrics', 1);
  say(`  $ curl -s http://127.0.0.1:9464/metrics | grep '${brokenId.slice(0, 28)}'   # of ${body.split('\n').length - 1} lines; the stages that did not fail (0) left out`);
  for (const line of body.split('\n')) {
    if (line.includes(`package_id="${brokenId}"`) && !/_failed_stage\{.* 0$/.test(line)) say(`    ${line}`);
  }
  for (const line of body.split('\n')) if (/^ccaas_builder_(doctor_findings|ccaas_first_claimant|exporter_runs_total)/.test(line)) say(`    ${line}`);
  exporter.kill('SIGTERM');
  say(`  SIGTERM: exit ${await exited}; ${exporter.output.trim().split('\n').pop()}`);
}

// The verdict line of a probe, as release logs it and as the operator reads it.
function verdictOf(stderr) {
  const line = stderr.split('\n').find((l) => / probe of .* (ok in|failed at) /.test(l)) ?? stderr.trim();
  return line.replace(/^(release|check): (warning: |error: )?/, '');
}

// 7. Two nodes: the peer on one, the chaincode server on another, and what breaks between them.
async function twoNodes() {
  const node1 = new Netns({ hosts: { 'asset-transfer.node2.test': '198.18.0.2' } });
  const node2 = new Netns();
  try {
    node1.link(node2, { local: '198.18.0.1', remote: '198.18.0.2' });
    say();
    say('== two nodes: the peer on node1 (198.18.0.1), the chaincode server on node2 (198.18.0.2), MTU 1500 on both');
    const pkg = makePackage({ label: 'asset-transfer_2.0', dir: tempDir('ccaas-demo-'),
      files: { 'connection.json': { address: 'asset-transfer.node2.test:9999', dial_timeout: '2s' } } });
    const peer = new Peer({ netns: node1, env: { CCAAS_BUILDER_PROBE: 'warn' } });
    const server = servers.startChaincode(node2, 9999, pkg.id, { host: '0.0.0.0' });
    await node2.waitForPort(9999);
    const install = peer.install(pkg);
    say(`  install: ${verdictOf(install.release.stderr)}`);

    say();
    say('== the overlay drops full-size packets (the underlay carries 1450 bytes; the pods think 1500)');
    node2.must('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '9999', '-m', 'length', '--length', '1451:65535', '-j', 'DROP']);
    let r = node1.exec(path.join(peer.binDir, 'run'), ['--check', pkg.file], { env: peer.builderEnv() });
    say(`  $ run --check ${path.basename(pkg.file)}   # exit ${r.code}`);
    say(`    ${verdictOf(r.stderr)}`);
    node2.must('iptables', ['-F', 'INPUT']);

    say();
    say('== a proxy with no ready backend in front of the port (the chaincode pod is gone)');
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    servers.startStandIn(node2, 9999, 'close', '0.0.0.0');
    await node2.waitForPort(9999);
    r = node1.exec(path.join(peer.binDir, 'run'), ['--check', pkg.file], { env: peer.builderEnv() });
    say(`  $ run --check ${path.basename(pkg.file)}   # exit ${r.code}`);
    say(`    ${verdictOf(r.stderr)}`);
  } finally {
    await node1.close();
    await node2.close();
  }
}

main();
