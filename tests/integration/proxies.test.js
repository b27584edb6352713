'use strict';
// Real proxies between the nodes, each in front of a backend that is missing, refuses, or never
// answers: haproxy, nginx's stream module and socat from Debian's packages (harness/proxies.js),
// on the chaincode's host of a two-host fixture (network namespaces joined by a veth pair). Each
// verdict must name the proxy case, and come within the dial timeout plus the probe's stated
// margin (500 ms) in run --check, in release and in run: the peer gives up at the dial timeout,
// and so must the probe. Bounds are numbers parsed from the reports, never text.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Peer, makePackage } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const servers = require('./harness/servers');
const proxies = require('./harness/proxies');
const { assertProbeWithin, assertProcessWithin, verdictMs } = require('./harness/bounds');

const PEER_IP = '198.18.0.1';
const CC_IP = '198.18.0.2';
const DEAD_IP = '198.18.0.9'; // on the chaincode host, every packet to it dropped
const REFUSED = `${CC_IP}:7599`; // nothing listens there
const BLACKHOLE = `${DEAD_IP}:7598`;
const skip = available() ?? servers.commandsAvailable() ?? proxies.proxiesAvailable() ?? false;

const CLOSED = 'the connection was accepted, then closed or reset before the server said anything: what a proxy or load balancer with no ready backend does';
const RESET = CLOSED; // which came first depends on the proxy and the timing: one verdict
const SILENT = (dial) => `the connection was accepted, but nothing came back within the dial timeout (${dial})`;
const PROXY_HINT = /^a Service with no ready endpoints behind a service mesh sidecar, an ingress TCP route or a cloud load balancer/;
const SILENT_HINT = /^a proxy or load balancer still trying a backend that does not answer \(haproxy retries a refused backend for about 3s, nginx waits out its proxy_connect_timeout\), a hung chaincode process/;

// name, listen port, dial_timeout, the verdict: [error, hint]
const CASES = [
  ['haproxy, no server in the backend', 7501, '2s', CLOSED, PROXY_HINT],
  ['haproxy, a refused server, retried past the dial timeout', 7502, '2s', SILENT('2s'), SILENT_HINT],
  ['haproxy, a blackholed server, retried past the dial timeout', 7503, '2s', SILENT('2s'), SILENT_HINT],
  ['haproxy, a blackholed server given up within the dial timeout', 7504, '5s', CLOSED, PROXY_HINT],
  ['nginx stream, every upstream server down', 7511, '2s', RESET, PROXY_HINT],
  ['nginx stream, a refused upstream', 7512, '2s', RESET, PROXY_HINT],
  ['nginx stream, a blackholed upstream (its 1s connect timeout)', 7513, '3s', RESET, PROXY_HINT],
  ['socat, no backend (/dev/null)', 7521, '2s', CLOSED, PROXY_HINT],
  ['socat, a refused backend', 7522, '2s', CLOSED, PROXY_HINT],
  ['socat, a blackholed backend (connect-timeout 1s)', 7523, '3s', CLOSED, PROXY_HINT],
];

let peerHost;
let ccHost;
const pkgs = {};

describe('proxies in front of no backend, a refused one, a blackholed one', { skip }, () => {
  before(async () => {
    peerHost = new Netns({ hosts: { 'cc.org1.test': CC_IP } });
    ccHost = new Netns();
    peerHost.link(ccHost, { local: PEER_IP, remote: CC_IP });
    ccHost.must('ip', ['addr', 'add', `${DEAD_IP}/32`, 'dev', 'lo']);
    ccHost.must('iptables', ['-A', 'INPUT', '-d', DEAD_IP, '-j', 'DROP']);
    const at = (port) => `${CC_IP}:${port}`;
    proxies.startHaproxy(ccHost, [
      { listen: at(7501), backend: null },
      { listen: at(7502), backend: REFUSED },
      { listen: at(7503), backend: BLACKHOLE },
      { listen: at(7504), backend: BLACKHOLE },
    ]);
    proxies.startNginxStream(ccHost, [
      { listen: at(7511), backend: null },
      { listen: at(7512), backend: REFUSED },
      { listen: at(7513), backend: BLACKHOLE },
    ]);
    proxies.startSocat(ccHost, at(7521), '/dev/null');
    proxies.startSocat(ccHost, at(7522), `TCP:${REFUSED}`);
    proxies.startSocat(ccHost, at(7523), `TCP:${BLACKHOLE},connect-timeout=1`);
    for (const [name, port, dial] of CASES) {
      pkgs[name] = makePackage({ label: `proxy${port}_1.0`, files: { 'connection.json': { address: `cc.org1.test:${port}`, dial_timeout: dial } } });
    }
    for (const [, port] of CASES) await ccHost.waitForPort(port, 15000, CC_IP);
  });

  after(async () => {
    await peerHost?.close();
    await ccHost?.close();
  });

  for (const [name, , dial, error, hint] of CASES) {
    test(`${name}: the proxy's verdict, within the dial timeout (${dial}) and the margin`, () => {
      const pkg = pkgs[name];
      const run = path.join(new Peer().binDir, 'run');
      const check = peerHost.exec(run, ['--check', pkg.file, '--json'], { env: { PATH: process.env.PATH } });
      assert.equal(check.signal, null);
      assert.equal(check.code, 1, check.stderr);
      const report = JSON.parse(check.stdout);
      assert.equal(report.failed_stage, 'http2', JSON.stringify(report.stages));
      assert.ok(report.stages.find((s) => s.stage === 'tcp').ok, 'the proxy accepted the connection');
      assert.equal(report.error, error);
      assert.match(report.hint, hint);
      assertProbeWithin(report.ms, dial, 'run --check');
      assertProcessWithin(check.ms, dial, 'run --check');

      // release under require: one line, nothing published, within the same bound.
      const peer = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'require' } });
      const required = peer.install(pkg);
      assert.equal(required.release.signal, null);
      assert.equal(required.release.code, 1);
      assert.equal(required.release.lines.length, 1, required.release.stderr);
      assert.ok(required.release.lines[0].includes(`failed at http2 after `) && required.release.lines[0].includes(`: ${error}; fix: `), required.release.lines[0]);
      assertProbeWithin(verdictMs(required.release.lines[0]), dial, 'release');
      assertProcessWithin(required.release.ms, dial, 'release');

      // release under warn: the same verdict as a warning, and the install goes on.
      const warn = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'warn' } }).install(pkg);
      assert.equal(warn.ok, true, warn.release?.stderr);
      const warning = warn.release.lines.find((l) => l.startsWith('release: warning: probe of '));
      assert.ok(warning?.includes(`: ${error}; fix: `) && warning.endsWith('(the install goes on: the server may start later)'), warn.release.stderr);
      assertProbeWithin(verdictMs(warning), dial, 'release under warn');

      // run on the run path: the release output lost, the probe in run, the same verdict.
      const warned = new Peer({ netns: peerHost, env: { CCAAS_BUILDER_PROBE: 'off' } });
      const installed = warned.install(pkg);
      assert.equal(installed.ok, true);
      fs.rmSync(warned.serverConnectionPath(pkg.id));
      const ran = warned.exec('run', [path.join(installed.durable, 'bld'), warned.runMetadataDir(pkg.id)]);
      assert.equal(ran.signal, null);
      assert.equal(ran.code, 1);
      const verdict = ran.lines.find((l) => l.startsWith('run: warning: probe of '));
      assert.ok(verdict?.includes(`: ${error}; fix: `), ran.stderr);
      assertProbeWithin(verdictMs(verdict), dial, 'run');
      assertProcessWithin(ran.ms, dial, 'run');
    });
  }
});
