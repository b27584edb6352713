'use strict';
// Names and refusals the way a pod meets them, seen by `run --doctor --pid` on a stock peer
// (harness/stock-peer.js):
//   - dnsmasq in the pod's network namespace as the cluster DNS, and the peer's resolv.conf as
//     kubelet writes it (search org1.svc.cluster.local svc.cluster.local cluster.local, ndots:5):
//     a short name that resolves in the peer's own namespace to another chaincode (a same-named
//     Service there), a name that resolves nowhere, host.docker.internal;
//   - a stale address on a veth subnet: no host answers ARP for it;
//   - a router namespace that rejects a Service address with ICMP (as kube-proxy does for a
//     Service with no ready endpoints), beside a server address that resets (nothing listens).

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');
const { debianRoot, StockPeer, rootInstaller, write } = require('./harness/stock-peer');

const PORT = 7952;
const SEARCH = 'org1.svc.cluster.local svc.cluster.local cluster.local';
const ADDR = { peer: '198.18.0.1', router: '198.18.0.2', stale: '198.18.0.77', service: '198.18.5.10' };
const dnsmasq = ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'].find((p) => fs.existsSync(p));
const skip = available() ?? servers.commandsAvailable() ?? (dnsmasq ? false : 'dnsmasq is not installed');

let ns;
let router;
let peer;
let report;
const pkgs = {};

function probeOf(name) {
  const found = report.findings.filter((f) => f.subject === 'probe' && f.group === `chaincode ${pkgs[name].id}`);
  assert.equal(found.length, 1, JSON.stringify(report.findings, null, 1));
  return found[0];
}

describe('run --doctor --pid: names and refusals as the pod meets them', { skip }, () => {
  before(async () => {
    ns = new Netns();
    router = new Netns();
    ns.link(router, { local: ADDR.peer, remote: ADDR.router });
    ns.must('ip', ['route', 'add', '198.18.5.0/24', 'via', ADDR.router]);
    router.must('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    // The Service range has a route on the router (a node), so that its FORWARD rules decide.
    router.must('ip', ['addr', 'add', '198.18.6.1/24', 'dev', 'lo']);
    router.must('ip', ['route', 'add', '198.18.5.0/24', 'via', '198.18.6.9']);
    // kube-proxy's answer for a Service with no ready endpoints: REJECT, icmp-port-unreachable.
    router.must('iptables', ['-A', 'FORWARD', '-p', 'tcp', '-d', ADDR.service, '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable']);
    // The cluster DNS: Services of org1 (the peer's namespace) and org2 (the chaincode's); every
    // other name NXDOMAIN.
    ns.spawn(dnsmasq, ['--no-daemon', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=127.0.0.1', '--port=53',
      '--address=/cc.org1.svc.cluster.local/127.0.0.1', '--address=/cc.org2.svc.cluster.local/127.0.0.2', '--address=/#/', '--log-facility=-']);
    for (let i = 0; i < 100 && !spawnSync('ip', ns.argv('ss', ['-ulnH', 'sport = :53']), { encoding: 'utf8' }).stdout.trim(); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const root = debianRoot(tempDir('ccaas-names-'));
    fs.chmodSync(root, 0o755);
    write(root, 'etc/resolv.conf', `search ${SEARCH}\nnameserver 127.0.0.1\noptions ndots:5 timeout:1 attempts:1\n`);
    const conn = (address, dial = '2s') => ({ 'connection.json': { address, dial_timeout: dial } });
    pkgs.short = makePackage({ label: 'short_1.0', files: conn(`cc:${PORT}`) });
    pkgs.qualified = makePackage({ label: 'qualified_1.0', files: conn(`cc.org2:${PORT}`) });
    pkgs.missing = makePackage({ label: 'missing_1.0', files: conn(`asset-cc:${PORT}`) });
    pkgs.docker = makePackage({ label: 'docker_1.0', files: conn(`host.docker.internal:${PORT}`) });
    pkgs.stale = makePackage({ label: 'stale_1.0', files: conn(`${ADDR.stale}:${PORT}`, '5s') });
    pkgs.rejected = makePackage({ label: 'rejected_1.0', files: conn(`${ADDR.service}:${PORT}`) });
    pkgs.reset = makePackage({ label: 'reset_1.0', files: conn(`${ADDR.router}:${PORT}`) });
    const installer = rootInstaller(root);
    for (const pkg of Object.values(pkgs)) assert.equal(installer.install(pkg).ok, true);
    // org1's cc is another chaincode; org2's is the one the package means.
    servers.startChaincode(ns, PORT, `other_1.0:${'a'.repeat(64)}`, { host: '127.0.0.1' });
    servers.startChaincode(ns, PORT, pkgs.qualified.id, { host: '127.0.0.2' });
    await ns.waitForPort(PORT, 15000, '127.0.0.1');
    await ns.waitForPort(PORT, 15000, '127.0.0.2');

    peer = await new StockPeer(ns, root).start();
    const r = peer.doctor();
    assert.equal(r.signal, null);
    report = JSON.parse(r.stdout);
    assert.equal(r.code, 1);
  });

  after(async () => {
    await peer?.stop();
    await ns?.close();
    await router?.close();
  });

  test('a short name resolved in the peer\'s own namespace: where it went is said with the failure', () => {
    const short = probeOf('short');
    assert.match(short.message, /failed at ccid: /);
    assert.match(short.hint, /; cc resolved as cc\.org1\.svc\.cluster\.local through the peer's search list \(\/proc\/1\/root\/etc\/resolv\.conf\)|; cc resolved as cc\.org1\.svc\.cluster\.local through the peer's search list \(\/etc\/resolv\.conf\)/);
    assert.match(short.hint, /which tries the peer's own namespace first: a chaincode in another namespace needs cc\.<namespace> in address$/);
    const qualified = probeOf('qualified');
    assert.equal(qualified.severity, 'ok', `cc.org2 is completed by the search list to org2's Service: ${qualified.message}`);
    const stages = report.builds.find((b) => b.package_id === pkgs.qualified.id).stages;
    assert.match(stages.find((s) => s.stage === 'dns').detail, /^cc\.org2 resolves to 127\.0\.0\.2 as cc\.org2\.svc\.cluster\.local \(the search list of /);
  });

  test('a name that resolves nowhere: every name tried; host.docker.internal: where it exists', () => {
    const missing = probeOf('missing');
    assert.equal(missing.message, 'probe of asset-cc:7952 failed at dns: asset-cc does not resolve (NXDOMAIN): tried asset-cc.org1.svc.cluster.local, asset-cc.svc.cluster.local, asset-cc.cluster.local, asset-cc (the search list and ndots of /etc/resolv.conf), and none answered');
    const docker = probeOf('docker');
    assert.match(docker.message, /failed at dns: host\.docker\.internal does not resolve \(NXDOMAIN\)/);
    assert.equal(docker.hint, 'host.docker.internal exists only where Docker Desktop adds it: elsewhere add it (docker run --add-host host.docker.internal:host-gateway, compose extra_hosts, Kubernetes hostAliases), or use the chaincode server\'s own name');
  });

  test('no host has the address; a router\'s ICMP refusal named as such; a server\'s own reset as before', () => {
    const stale = probeOf('stale');
    assert.equal(stale.message, `probe of ${ADDR.stale}:${PORT} failed at tcp: no host has this address: ${ADDR.stale} is on this node's network and nothing answers for it (no ARP or neighbour answer)`);
    assert.match(stale.hint, /^an address left by a pod that is gone/);
    const rejected = probeOf('rejected');
    assert.equal(rejected.message, `probe of ${ADDR.service}:${PORT} failed at tcp: connection to ${ADDR.service} port ${PORT} refused by ${ADDR.router}, not by the server: a router, a node or a firewall rejected it (ICMP), so nothing is known of the server itself`);
    assert.match(rejected.hint, /^a Service with no ready endpoints \(kube-proxy rejects its address with ICMP\)/);
    const reset = probeOf('reset');
    assert.equal(reset.message, `probe of ${ADDR.router}:${PORT} failed at tcp: connection refused on port ${PORT}: nothing listens there`);
  });
});
