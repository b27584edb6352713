'use strict';
// The doctor as a Prometheus exporter: `run --doctor --metrics` and `run --doctor --serve`, on a
// peer made by the test, with real fabric-shim servers in a network namespace: a healthy TLS
// chaincode, one behind a blackholed port, one whose server registers another ID, one whose
// server certificate expires in 3 days, one whose client certificate expires in 5 days. The
// output is checked with Debian's promtool (`check metrics`), and the alerts of
// packaging/kubernetes/monitoring/prometheus-rule.yaml with `promtool test rules` on the series
// these runs produced: each alert fires for its case and stays silent for the others.

const { describe, test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { PodMonitor } = require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor');
const { PrometheusRule } = require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule');
const { BIN_DIR, Peer, makePackage, tempDir } = require('./harness/peer');
const { Netns, available } = require('./harness/netns');
const { Pki, isoDaysFromNow } = require('./harness/certs');
const { fabricCcaasBuilder, hangingBuilder, hangs, untilHangs } = require('./harness/builders');
const { coreYaml, plainConfig } = require('./harness/core-yaml');
const { parseExposition, select, only, seriesText } = require('./harness/exposition');
const { scrapeIn, waitForRuns: waitForExporterRuns } = require('./harness/scrape');
const servers = require('./harness/servers');

const TOP = path.resolve(__dirname, '../..');
const BUILDER = path.dirname(BIN_DIR);
const HOST = 'cc.org1.test';
const PORT = { healthy: 7501, blackholed: 7502, otherid: 7503, expiring: 7504, mtls: 7505 };
const EXPORTER = 9464;
const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = available() ?? servers.commandsAvailable() ?? (promtool ? false : 'promtool is missing (bin/setup installs prometheus)');

let ns;
let fsPath;
let pki;
const pkgs = {};
const chaincodes = {};
const running = []; // exporters, killed after each test whatever it asserted

async function stopExporters() {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await child.exited;
    }
  }
}

function metrics(configDir, env = {}) {
  const r = ns.exec(path.join(BIN_DIR, 'run'), ['--doctor', '--config', configDir, '--metrics'], { env: { PATH: process.env.PATH, ...env } });
  assert.equal(r.signal, null);
  return r;
}

function promtoolCheck(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const scrape = (url, count, spacing) => scrapeIn(ns, url, count, spacing);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function startExporter(configDir, args = [], env = {}) {
  const child = ns.spawn(path.join(BIN_DIR, 'run'), ['--doctor', '--config', configDir, '--serve', `127.0.0.1:${EXPORTER}`, ...args],
    { env: { PATH: process.env.PATH, ...env } });
  running.push(child);
  return child;
}

// SIGTERM: out within a second, exit 0 (the sidecar's stop in a pod).
async function stopsOnSigterm(exporter) {
  const sent = process.hrtime.bigint();
  exporter.kill('SIGTERM');
  const { code, signal, at } = await exporter.exited;
  const ms = Number(at - sent) / 1e6;
  assert.deepEqual([code, signal], [0, null]);
  assert.ok(ms <= 1000, `SIGTERM to exit: ${ms} ms`);
}

// The samples of the first scrape after the exporter completed `runs` runs.
const waitForRuns = async (runs) => parseExposition(await waitForExporterRuns(ns, `http://127.0.0.1:${EXPORTER}/metrics`, runs));
// The samples of the second run to complete from now: the first may have started before now.
const waitForRunAfterNow = async () => waitForRuns(only(await waitForRuns(0), 'ccaas_builder_exporter_runs_total').value + 2);

describe('the doctor as a Prometheus exporter', { skip }, () => {
  before(async () => {
    ns = new Netns({ hosts: { [HOST]: '127.0.0.1' } });
    fsPath = tempDir('ccaas-watch-fs-');
    pki = new Pki();
    const ca = pki.makeCa('ca', 'org1 chaincode CA');
    const sans = [`DNS:${HOST}`];
    const serverCert = pki.issue('ca', 'server', { sans });
    const soonCert = pki.issue('ca', 'soon', { sans, enddate: isoDaysFromNow(3) });
    const clientCert = pki.issue('ca', 'client', { clientAuth: true, enddate: isoDaysFromNow(5) });
    const conn = (port, extra = {}) => ({ 'connection.json': { address: `${HOST}:${port}`, dial_timeout: '2s', ...extra } });
    const tls = { tls_required: true, root_cert: ca.cert };
    const files = {
      healthy: conn(PORT.healthy, tls),
      blackholed: conn(PORT.blackholed),
      otherid: conn(PORT.otherid),
      expiring: conn(PORT.expiring, tls),
      mtls: conn(PORT.mtls, { ...tls, client_auth_required: true, client_cert: clientCert.cert, client_key: clientCert.key }),
    };
    const peer = new Peer({ netns: ns, fileSystemPath: fsPath });
    for (const name of Object.keys(PORT)) {
      pkgs[name] = makePackage({ label: `${name}_1.0`, files: files[name] });
      const installed = peer.install(pkgs[name]);
      assert.equal(installed.ok, true, installed.stderr);
    }
    ns.blackhole(PORT.blackholed);
    const serverTls = { cert: serverCert.certFile, key: serverCert.keyFile };
    chaincodes.healthy = servers.startChaincode(ns, PORT.healthy, pkgs.healthy.id, serverTls);
    servers.startChaincode(ns, PORT.otherid, `old_1.0:${'0'.repeat(64)}`);
    servers.startChaincode(ns, PORT.expiring, pkgs.expiring.id, { cert: soonCert.certFile, key: soonCert.keyFile });
    servers.startChaincode(ns, PORT.mtls, pkgs.mtls.id, { ...serverTls, clientCa: ca.certFile });
    for (const port of [PORT.healthy, PORT.otherid, PORT.expiring, PORT.mtls]) await ns.waitForPort(port);
  });

  afterEach(stopExporters);
  after(async () => { await ns?.close(); });

  const config = () => plainConfig(coreYaml({ fsPath, list: [['ccaas-builder', BUILDER]] }));
  const series = {}; // what the rules' test reads: each case's scraped samples and its run's start

  test('--metrics: the findings as series promtool accepts, per chaincode and per peer, no PEM', () => {
    const r = metrics(config());
    assert.equal(r.code, 1, 'the blackholed and other-ID chaincodes are errors');
    assert.equal(r.stderr, '');
    assert.deepEqual(promtoolCheck(r.stdout), { code: 0, out: '' }, 'promtool check metrics: no problem');
    assert.doesNotMatch(r.stdout, /BEGIN|PRIVATE|MII/, 'no PEM or key material in a label');
    for (const family of r.stdout.match(/^# TYPE (\S+)/gm)) {
      assert.match(family, /^# TYPE ccaas_builder_/);
      assert.ok(r.stdout.includes(`# HELP ${family.slice(7)} `), `${family}: HELP`);
    }
    const samples = parseExposition(r.stdout);
    const of = (name) => ({ package_id: pkgs[name].id, label: `${name}_1.0`, address: `${HOST}:${PORT[name]}`, builder: 'ccaas-builder' });
    for (const name of ['healthy', 'expiring', 'mtls']) assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', of(name)).value, 1, name);
    for (const name of ['blackholed', 'otherid']) assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', of(name)).value, 0, name);
    const failed = (name) => select(samples, 'ccaas_builder_chaincode_probe_failed_stage', of(name)).filter((s) => s.value === 1).map((s) => s.labels.stage);
    assert.deepEqual(failed('blackholed'), ['tcp']);
    assert.deepEqual(failed('otherid'), ['ccid']);
    assert.deepEqual(failed('healthy'), []);
    assert.equal(select(samples, 'ccaas_builder_chaincode_probe_failed_stage', of('healthy')).length, 8, 'every stage, 0 or 1');
    assert.deepEqual(only(samples, 'ccaas_builder_chaincode_id_match', of('otherid')),
      { name: 'ccaas_builder_chaincode_id_match', labels: { ...of('otherid'), registered_id: `old_1.0:${'0'.repeat(64)}` }, value: 0 });
    assert.equal(only(samples, 'ccaas_builder_chaincode_id_match', of('healthy')).value, 1);
    assert.equal(select(samples, 'ccaas_builder_chaincode_id_match', of('blackholed')).length, 0, 'no ID from a server never reached');
    // Stage times: the blackholed dial waits its 2s dial timeout; the others' stages are each far less.
    const stages = (name) => Object.fromEntries(select(samples, 'ccaas_builder_chaincode_probe_stage_duration_seconds', of(name)).map((s) => [s.labels.stage, s.value]));
    assert.deepEqual(Object.keys(stages('healthy')).sort(), ['ccid', 'dns', 'grpc', 'http2', 'mtu', 'tcp', 'tls']);
    assert.ok(stages('blackholed').tcp >= 1.9 && stages('blackholed').tcp <= 2.8, `blackholed tcp ${stages('blackholed').tcp}`);
    for (const [stage, seconds] of Object.entries(stages('healthy'))) assert.ok(seconds >= 0 && seconds < 2, `${stage} ${seconds}`);
    // Expiry: as the certificates say (3 and 5 days from their issue, a year for the others).
    const run = only(samples, 'ccaas_builder_doctor_run_timestamp_seconds').value;
    const days = (metric, name) => (only(samples, metric, of(name)).value - run) / 86400;
    const server = 'ccaas_builder_chaincode_server_certificate_expiry_timestamp_seconds';
    assert.ok(Math.abs(days(server, 'expiring') - 3) < 0.01, `expiring: ${days(server, 'expiring')} days`);
    assert.ok(days(server, 'healthy') > 300);
    assert.equal(select(samples, server, of('otherid')).length, 0, 'no TLS, no server certificate');
    const client = 'ccaas_builder_chaincode_client_certificate_expiry_timestamp_seconds';
    assert.ok(Math.abs(days(client, 'mtls') - 5) < 0.01, `mtls: ${days(client, 'mtls')} days`);
    assert.deepEqual(select(samples, client).map((s) => s.labels.label), ['mtls_1.0'], 'only where the peer presents one');
    // Per peer.
    assert.deepEqual(select(samples, 'ccaas_builder_builder_info').map((s) => s.labels),
      [{ builder: 'ccaas-builder', path: BUILDER, position: '1', ours: 'true', usable: 'true' }]);
    assert.deepEqual(only(samples, 'ccaas_builder_ccaas_first_claimant').labels, { builder: 'ccaas-builder', ours: 'true' });
    assert.equal(only(samples, 'ccaas_builder_doctor_findings', { severity: 'error' }).value, 2);
    assert.equal(only(samples, 'ccaas_builder_doctor_findings', { severity: 'warning' }).value, 1, 'the client certificate expires within 30 days');
    assert.equal(only(samples, 'ccaas_builder_doctor_unchecked').value, 0);
    assert.equal(select(samples, 'ccaas_builder_chaincode_build_info').length, 5);
    series.chaincodes = { samples, run };
  });

  test('--metrics: another builder listed first that claims ccaas packages, found by running its detect', () => {
    const fabric = fabricCcaasBuilder(path.join(tempDir('ccaas-watch-builders-'), 'fabric-ccaas'));
    const r = metrics(plainConfig(coreYaml({ fsPath, list: [['fabric-ccaas', fabric], ['ccaas-builder', BUILDER]] })));
    assert.deepEqual(promtoolCheck(r.stdout), { code: 0, out: '' });
    const samples = parseExposition(r.stdout);
    assert.deepEqual(only(samples, 'ccaas_builder_ccaas_first_claimant').labels, { builder: 'fabric-ccaas', ours: 'false' });
    assert.deepEqual(select(samples, 'ccaas_builder_builder_info').map((s) => [s.labels.builder, s.labels.position, s.labels.ours]),
      [['fabric-ccaas', '1', 'false'], ['ccaas-builder', '2', 'true']]);
    series.claimant = { samples: samples.filter((s) => s.name.startsWith('ccaas_builder_builder') || s.name.startsWith('ccaas_builder_ccaas')), run: only(samples, 'ccaas_builder_doctor_run_timestamp_seconds').value };
  });

  test('--serve: a scrape shows the next interval\'s change; scrapes during a run get the last complete one at once', async (t) => {
    const exporter = startExporter(config(), ['--interval', '1s']);
    let samples = await waitForRuns(1);
    const healthy = { label: 'healthy_1.0' };
    assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', healthy).value, 1);
    assert.equal(only(samples, 'ccaas_builder_exporter_last_run_success').value, 1);
    assert.equal(only(samples, 'ccaas_builder_exporter_interval_seconds').value, 1);
    const [health] = scrape(`http://127.0.0.1:${EXPORTER}/healthz`);
    assert.deepEqual([health.status, health.body], [200, 'ok\n']);
    const [missing] = scrape(`http://127.0.0.1:${EXPORTER}/nothing`);
    assert.equal(missing.status, 404);

    // Scrapes every 50 ms over 3 s: each run takes the blackholed port's 2s dial timeout, and no
    // scrape waits for it or sees half of one.
    const answers = scrape(`http://127.0.0.1:${EXPORTER}/metrics`, 60, 50);
    const seen = new Set();
    let runDuration = 0;
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.error);
      assert.equal(answer.type, 'text/plain; version=0.0.4; charset=utf-8');
      const s = parseExposition(answer.body);
      assert.equal(select(s, 'ccaas_builder_chaincode_probe_success').length, 5, 'a whole run, every chaincode');
      assert.ok(answer.body.endsWith('ccaas_builder_exporter_interval_seconds 1\n'));
      seen.add(only(s, 'ccaas_builder_doctor_run_timestamp_seconds').value);
      runDuration = Math.max(runDuration, only(s, 'ccaas_builder_doctor_run_duration_seconds').value);
    }
    assert.ok(runDuration >= 2, `a run waits for the blackholed dial: ${runDuration} s`);
    assert.ok(seen.size >= 2, 'the scrapes span a run that completed in between');
    const slowest = Math.max(...answers.map((a) => a.ms));
    assert.ok(slowest < runDuration * 1000 / 4, `the slowest scrape took ${slowest} ms, a run ${runDuration} s`);
    t.diagnostic(`the slowest of ${answers.length} scrapes during runs: ${slowest.toFixed(1)} ms; a run: ${(runDuration * 1000).toFixed(0)} ms`);

    // The healthy chaincode's server stops: a run that started after it exited says so (runs
    // counted before it exited may all have ended before it did); started again, it is back.
    chaincodes.healthy.kill('SIGTERM');
    await new Promise((resolve) => chaincodes.healthy.once('exit', resolve));
    samples = await waitForRunAfterNow();
    assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', healthy).value, 0);
    assert.equal(only(samples, 'ccaas_builder_chaincode_probe_failed_stage', { ...healthy, stage: 'tcp' }).value, 1);
    const serverTls = { cert: pki.file('server.crt'), key: pki.file('server.key') };
    chaincodes.healthy = servers.startChaincode(ns, PORT.healthy, pkgs.healthy.id, serverTls);
    await ns.waitForPort(PORT.healthy);
    samples = await waitForRunAfterNow();
    assert.equal(only(samples, 'ccaas_builder_chaincode_probe_success', healthy).value, 1);
    assert.equal(only(samples, 'ccaas_builder_exporter_run_failures_total').value, 0);

    // SIGTERM in the middle of a run (its blackholed dial): out within a second, exit 0.
    await sleep(1200);
    await stopsOnSigterm(exporter);
    const lines = exporter.output.trim().split('\n');
    assert.equal(lines[0], 'doctor: serving the doctor\'s metrics on 127.0.0.1:9464 (GET /metrics, GET /healthz), a run every 1s');
    assert.match(lines[1], /^doctor: run 1: 2 error\(s\), 1 warning\(s\), \d+ ok$/);
    assert.match(lines.at(-1), /^doctor: stopped on a termination signal after \d+ run\(s\)$/);
    assert.ok(lines.some((l) => /^doctor: run \d+: 3 error\(s\)/.test(l)), 'the log says when the findings change');
  });

  test('--serve: runs whose checks cannot all run (no scratch space) count as failures, and the series stay', async () => {
    const fabric = fabricCcaasBuilder(path.join(tempDir('ccaas-watch-builders-'), 'fabric-ccaas'));
    const dir = plainConfig(coreYaml({ fsPath, list: [['fabric-ccaas', fabric], ['ccaas-builder', BUILDER]] }));
    const exporter = startExporter(dir, ['--interval', '200ms'], { TMPDIR: '/nonexistent/tmp' });
    const samples = await waitForRuns(2);
    assert.equal(only(samples, 'ccaas_builder_exporter_last_run_success').value, 0);
    assert.ok(only(samples, 'ccaas_builder_exporter_run_failures_total').value >= 2);
    assert.equal(only(samples, 'ccaas_builder_exporter_last_success_timestamp_seconds').value, 0);
    assert.equal(only(samples, 'ccaas_builder_doctor_unchecked').value, 1);
    exporter.kill('SIGTERM');
    assert.equal((await exporter.exited).code, 0);
    // The sidecar's log prints no findings: its line for a run says what could not be checked.
    assert.equal(exporter.output.trim().split('\n')[1], 'doctor: run 1: 2 error(s), 2 warning(s), 14 ok; could not check builders: '
      + 'could not run the bin/detect of fabric-ccaas, listed before ccaas-builder: /nonexistent/tmp: cannot create a temporary directory: '
      + 'No such file or directory (set TMPDIR to a writable directory): the doctor\'s own trouble, not the peer\'s; which builder claims '
      + 'ccaas packages is not known');
    series.failing = { samples: samples.filter((s) => s.name.startsWith('ccaas_builder_exporter') || s.name === 'ccaas_builder_doctor_unchecked'), run: 0 };
  });

  test('--serve: SIGTERM while the detect of a builder listed first hangs: out within a second, the detect killed', async () => {
    const hanging = hangingBuilder(path.join(tempDir('ccaas-watch-builders-'), 'hanging'), 63);
    const exporter = startExporter(plainConfig(coreYaml({ fsPath, list: [['hanging', hanging], ['ccaas-builder', BUILDER]] })));
    assert.ok(await untilHangs(63), 'the hanging detect runs');
    await stopsOnSigterm(exporter);
    assert.equal(hangs(63), false, 'the hanging detect was killed with the run');
    assert.equal(exporter.output.trim().split('\n').at(-1), 'doctor: stopped on a termination signal after 0 run(s)');
  });

  test('--serve and --metrics refuse bad arguments in one line, exit 2; a port in use is exit 1', async () => {
    const run = (args) => ns.exec(path.join(BIN_DIR, 'run'), ['--doctor', ...args], { env: { PATH: process.env.PATH } });
    const usage = '(usage: run --doctor [--config DIR] [--pid PID|NAME] [--json | --metrics | --serve ADDRESS [--interval DURATION]])';
    for (const [args, message] of [
      [['--serve'], '--serve needs a value'],
      [['--serve', '9464'], '--serve 9464: "9464" has no port: write 9464:PORT'],
      [['--serve', ':0'], '--serve :0: port 0 is outside 1-65535'],
      [['--metrics', '--json'], '--json, --metrics and --serve exclude each other (--json)'],
      [['--interval', '5s'], '--interval goes with --serve'],
      [['--serve', ':9464', '--interval', '10'], '--interval 10: "10" has no unit (write "10s" for seconds; units are ns, us, ms, s, m, h) (a Go duration, such as 60s)'],
    ]) {
      const r = run(args);
      assert.deepEqual([r.code, r.stderr], [2, `doctor: error: ${message} ${usage}\n`], args.join(' '));
    }
    const first = startExporter(config(), ['--interval', '1h']);
    await waitForRuns(1);
    const second = run(['--config', config(), '--serve', `127.0.0.1:${EXPORTER}`]);
    assert.deepEqual([second.code, second.stderr], [1, `doctor: error: --serve 127.0.0.1:${EXPORTER}: cannot listen there: Address already in use\n`]);
    first.kill('SIGTERM');
    assert.equal((await first.exited).code, 0);
  });

  test('the alerts: promtool checks the rules, and each fires for its case and stays silent for the others', (t) => {
    if (!series.chaincodes || !series.claimant || !series.failing) return t.skip('the tests above did not run');
    const dir = tempDir('ccaas-watch-rules-');
    const rule = YAML.parse(fs.readFileSync(path.join(TOP, 'packaging/kubernetes/monitoring/prometheus-rule.yaml'), 'utf8'));
    assert.equal(rule.kind, 'PrometheusRule');
    fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rule.spec));
    const check = spawnSync('promtool', ['check', 'rules', path.join(dir, 'rules.yaml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /SUCCESS: 7 rules found/);

    // promtool's clock starts at 0: each timestamp becomes its distance from the run that wrote
    // it, to the hour (what the alerts compare with time()), so the expected text is exact.
    const input = [];
    for (const { samples, run } of Object.values(series)) {
      for (const s of samples) {
        const value = s.name.endsWith('_timestamp_seconds') && s.value > 0 ? Math.round((s.value - run) / 3600) * 3600 : s.value;
        input.push({ series: seriesText(s), values: `${value}x20` });
      }
    }
    // Prometheus' own series for a target it cannot scrape (the PodMonitor's labels).
    input.push({ series: 'up{container="ccaas-builder-exporter",namespace="org1",pod="peer0-org1-0"}', values: '0x20' });
    input.push({ series: 'up{container="peer",namespace="org1",pod="peer0-org1-0"}', values: '0x20' });
    const cc = (name, extra = {}) => ({ package_id: pkgs[name].id, label: `${name}_1.0`, address: `${HOST}:${PORT[name]}`, builder: 'ccaas-builder', ...extra });
    const expected = {
      ChaincodeNotLaunchable: [{
        exp_labels: { ...cc('blackholed'), stage: 'tcp', severity: 'critical' },
        exp_annotations: {
          summary: `The peer could not launch chaincode blackholed_1.0 now: the probe of ${HOST}:${PORT.blackholed} fails at tcp`,
          description: `${HOST}:${PORT.blackholed} refuses or does not answer within the dial timeout: check that the chaincode server runs and listens on 0.0.0.0 at that port, the Service's port and targetPort, and any NetworkPolicy or firewall between the peer and the chaincode. The first transaction would wait for chaincode.startuptimeout and fail with "timeout expired while starting chaincode". Run \`run --doctor\` in the peer's container for the full verdict.`,
        },
      }],
      ChaincodeIdMismatch: [{
        exp_labels: { ...cc('otherid'), registered_id: `old_1.0:${'0'.repeat(64)}`, severity: 'critical' },
        exp_annotations: {
          summary: `Chaincode server ${HOST}:${PORT.otherid} registers as old_1.0:${'0'.repeat(64)}, but the peer launches ${pkgs.otherid.id}`,
          description: `chaincode ID mismatch: the server registers as old_1.0:${'0'.repeat(64)}, but the peer launches ${pkgs.otherid.id}; the launch fails after chaincode.startuptimeout with "timeout expired while starting chaincode". Restart the server with CHAINCODE_ID=${pkgs.otherid.id}, or install and approve the package the server was started for; where each org packaged the chaincode itself, package the same inputs with \`run --package\` on each side (one package ID for all), or share one file.`,
        },
      }],
      ChaincodeServerCertificateExpiresSoon: [{
        exp_labels: { ...cc('expiring'), severity: 'warning' },
        exp_annotations: {
          summary: `The TLS certificate of chaincode server ${HOST}:${PORT.expiring} expires in 2d 23h 45m 0s`,
          description: `The certificate chaincode expiring_1.0's server presents at ${HOST}:${PORT.expiring} expires in 2d 23h 45m 0s; after that every launch fails at tls. Renew the server's certificate under the same CA as connection.json's root_cert, and restart the server.`,
        },
      }],
      ChaincodeClientCertificateExpiresSoon: [{
        exp_labels: { ...cc('mtls'), severity: 'warning' },
        exp_annotations: {
          summary: `The client certificate the peer presents to chaincode server ${HOST}:${PORT.mtls} expires in 4d 23h 45m 0s`,
          description: `connection.json's client_cert for ${pkgs.mtls.id} expires in 4d 23h 45m 0s; after that the server refuses the peer's handshake. Issue a new client certificate and key, package the chaincode again with them, and install and approve that package.`,
        },
      }],
      OtherBuilderClaimsCcaasPackages: [{
        exp_labels: { builder: 'fabric-ccaas', ours: 'false', severity: 'critical' },
        exp_annotations: {
          summary: 'Builder fabric-ccaas claims ccaas packages before ccaas-builder',
          description: 'builder fabric-ccaas is listed before ccaas-builder and claims ccaas packages (its bin/detect exits 0 for one): the peer builds every new ccaas package with it, and ours never sees one. List ccaas-builder before fabric-ccaas (keep Fabric\'s after it, for its own old builds).',
        },
      }],
      CcaasBuilderExporterDown: [{
        exp_labels: { container: 'ccaas-builder-exporter', namespace: 'org1', pod: 'peer0-org1-0', severity: 'warning' },
        exp_annotations: {
          summary: 'The ccaas-builder exporter of peer0-org1-0 does not answer',
          description: 'Prometheus cannot scrape the ccaas-builder-exporter sidecar of peer0-org1-0: nothing watches that peer\'s chaincode paths. Check the sidecar\'s log and its restarts (kubectl logs peer0-org1-0 -c ccaas-builder-exporter).',
        },
      }],
      CcaasBuilderExporterFailing: [{
        exp_labels: { severity: 'warning' },
        exp_annotations: {
          summary: 'The doctor runs of the ccaas-builder exporter do not complete',
          description: 'The doctor could not run every check (the doctor\'s own trouble, not the peer\'s): the chaincode series are from its last complete run or incomplete. Its log says why (kubectl logs -c ccaas-builder-exporter); a writable TMPDIR and the peer\'s config and ledger volumes are what it needs.',
        },
      }],
    };
    const unitTest = (alerts) => ({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: input,
        alert_rule_test: Object.entries(alerts).flatMap(([alertname, exp]) => [
          { eval_time: '4m', alertname, exp_alerts: [] }, // pending: none fires before its `for`
          { eval_time: '15m', alertname, exp_alerts: exp },
        ]),
      }],
    });
    const promtoolTest = (alerts) => {
      fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify(unitTest(alerts), { lineWidth: 0 }));
      return spawnSync('promtool', ['test', 'rules', path.join(dir, 'test.yaml')], { encoding: 'utf8' });
    };
    const passed = promtoolTest(expected);
    assert.equal(passed.status, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /SUCCESS/);
    // The test can fail: the healthy chaincode expected to alert, or an alert expected silent.
    const wrong = structuredClone(expected);
    wrong.ChaincodeNotLaunchable[0].exp_labels = { ...cc('healthy'), stage: 'tcp', severity: 'critical' };
    wrong.ChaincodeIdMismatch = [];
    wrong.ChaincodeServerCertificateExpiresSoon[0].exp_annotations.summary += '!'; // the words are compared too
    const failed = promtoolTest(wrong);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr + failed.stdout, /alertname: ChaincodeNotLaunchable/);
    assert.match(failed.stderr + failed.stdout, /alertname: ChaincodeIdMismatch/);
    assert.match(failed.stderr + failed.stdout, /alertname: ChaincodeServerCertificateExpiresSoon/);
    assert.doesNotMatch(failed.stderr + failed.stdout, /alertname: (OtherBuilderClaimsCcaasPackages|CcaasBuilderExporter)/);
  });

  test('the manifests: the sidecar sees what the peer sees, and the PodMonitor scrapes its port', () => {
    // The monitoring resources against the Prometheus operator's CRD schemas (the models of
    // @kubernetes-models/prometheus-operator, generated from its CRDs), which reject a wrong one.
    const monitoring = (f) => YAML.parse(fs.readFileSync(path.join(TOP, 'packaging/kubernetes/monitoring', f), 'utf8'));
    const monitor = monitoring('pod-monitor.yaml');
    const rule = monitoring('prometheus-rule.yaml');
    assert.doesNotThrow(() => new PodMonitor(monitor).validate());
    assert.doesNotThrow(() => new PrometheusRule(rule).validate());
    const badMonitor = structuredClone(monitor);
    badMonitor.spec.podMetricsEndpoints[0].port = 9464;
    assert.throws(() => new PodMonitor(badMonitor).validate(), /podMetricsEndpoints\/0\/port must be string/);
    const badRule = structuredClone(rule);
    delete badRule.spec.groups[0].rules[0].expr;
    assert.throws(() => new PrometheusRule(badRule).validate(), /rules\/0 must have required property expr/);

    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(TOP, 'packaging/kubernetes/peer.yaml'), 'utf8')).map((d) => d.toJS());
    const set = docs.find((d) => d.kind === 'StatefulSet');
    const pod = set.spec.template.spec;
    const peer = pod.containers.find((c) => c.name === 'peer');
    const sidecar = pod.containers.find((c) => c.name === 'ccaas-builder-exporter');
    assert.ok(sidecar, 'the exporter sidecar');
    assert.equal(sidecar.image, peer.image, 'the peer\'s image: the builders it lists are where the doctor looks');
    assert.deepEqual(sidecar.env, peer.env, 'the peer\'s environment, the same list');
    const builderPath = sidecar.volumeMounts.find((m) => m.name === pod.initContainers[0].volumeMounts[0].name).mountPath;
    assert.deepEqual(sidecar.command, [`${builderPath}/bin/run`, '--doctor', '--serve', ':9464', '--interval', '60s']);
    const peerMounts = Object.fromEntries(peer.volumeMounts.map((m) => [m.name, m.mountPath]));
    const env = Object.fromEntries(peer.env.map((e) => [e.name, e.value]));
    for (const m of sidecar.volumeMounts) {
      assert.equal(m.mountPath, peerMounts[m.name], `${m.name} where the peer has it`);
      assert.equal(m.readOnly, m.mountPath === env.TMPDIR ? undefined : true, `${m.name}: read-only unless TMPDIR`);
    }
    const core = YAML.parse(docs.find((d) => d.kind === 'ConfigMap').data['core.yaml']);
    const mounted = sidecar.volumeMounts.map((m) => m.mountPath);
    for (const needed of [env.FABRIC_CFG_PATH, core.peer.fileSystemPath, env.TMPDIR, builderPath]) assert.ok(mounted.includes(needed), needed);
    assert.equal(sidecar.ports[0].containerPort, 9464);
    assert.equal(sidecar.livenessProbe.httpGet.path, '/healthz');
    assert.equal(monitor.kind, 'PodMonitor');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) assert.equal(set.spec.template.metadata.labels[k], v, `the pod has ${k}`);
    assert.equal(monitor.spec.podMetricsEndpoints[0].port, sidecar.ports[0].name);
    assert.equal(monitor.spec.podMetricsEndpoints[0].path, '/metrics');
    // The manual's section names the sidecar, a scrape config and every alert of the rule file.
    const manual = `${fs.readFileSync(path.join(TOP, 'docs', 'doctor.md'), 'utf8')}\n## `;
    const section = /\n## Watching the chaincode path\n([\s\S]*?)\n## /.exec(manual)?.[1];
    assert.ok(section, 'docs/doctor.md has the section');
    assert.ok(section.includes('ccaas-builder-exporter') && section.includes('env: *peer-env'), 'the sidecar');
    assert.ok(section.includes('scrape_configs:') && section.includes('pod-monitor.yaml'), 'the scrape config');
    for (const { alert, expr } of rule.spec.groups[0].rules) assert.ok(section.includes(`| \`${alert}\` |`), `${alert} in the README's table (${expr})`);
  });
});
