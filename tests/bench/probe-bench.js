'use strict';
// The probe's cost, for bin/bench: run --check against a reachable plaintext and TLS fabric-shim
// server, a refused port and a blackholed port, inside a network namespace made here. Prints a
// Markdown table: the probe's own time (median of its reported total) and the wall time of the
// whole `run --check` process (hyperfine median). Reported, never asserted.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = path.resolve(__dirname, '../integration/harness');
const { BIN_DIR, makePackage, tempDir, writeTree } = require(path.join(h, 'peer'));
const { fabricCcaasBuilder } = require(path.join(h, 'builders'));
const { Pki } = require(path.join(h, 'certs'));
const { Netns, available } = require(path.join(h, 'netns'));
const { waitForRuns } = require(path.join(h, 'scrape'));
const servers = require(path.join(h, 'servers'));

const CCID = `bench_1.0:${'b'.repeat(64)}`;
const runs = Number(process.env.CCAAS_BUILDER_BENCH_PROBE_RUNS ?? 50);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const unavailable = available() ?? servers.commandsAvailable();
  if (unavailable) {
    console.log(`probe benchmark skipped: ${unavailable}`);
    return;
  }
  const ns = new Netns({ hosts: { 'cc.bench': '127.0.0.1' } });
  try {
    const pki = new Pki();
    const ca = pki.makeCa('ca', 'bench CA');
    const server = pki.issue('ca', 'server', { sans: ['DNS:cc.bench'] });
    servers.startChaincode(ns, 7251, CCID);
    servers.startChaincode(ns, 7252, CCID, { cert: server.certFile, key: server.keyFile });
    ns.blackhole(7253);
    await ns.waitForPort(7251);
    await ns.waitForPort(7252);
    const cases = [
      ['reachable, plaintext', { address: 'cc.bench:7251', dial_timeout: '3s' }, runs],
      ['reachable, TLS', { address: 'cc.bench:7252', dial_timeout: '3s', tls_required: true, root_cert: ca.cert }, runs],
      ['refused', { address: 'cc.bench:7254', dial_timeout: '3s' }, runs],
      ['blackholed, dial_timeout 1s', { address: 'cc.bench:7253', dial_timeout: '1s' }, 5],
    ];
    const work = tempDir('ccaas-bench-');
    console.log('| endpoint | probe median ms | run --check wall median ms | verdict |');
    console.log('|---|---|---|---|');
    for (const [name, connection, n] of cases) {
      const dir = tempDir('ccaas-bench-pkg-');
      writeTree(dir, { 'metadata.json': { type: 'ccaas', label: 'bench_1.0' }, 'connection.json': connection });
      const args = ['--check', dir, '--ccid', CCID, '--json'];
      const totals = [];
      let verdict = '';
      for (let i = 0; i < n; i++) {
        const r = ns.exec(path.join(BIN_DIR, 'run'), args);
        const report = JSON.parse(r.stdout);
        totals.push(report.stages.reduce((sum, s) => sum + s.ms, 0));
        verdict = report.ok ? 'ok' : `failed at ${report.failed_stage}`;
      }
      const json = path.join(work, 'h.json');
      const command = [path.join(BIN_DIR, 'run'), ...args].join(' ');
      const hf = spawnSync('ip', ns.argv('hyperfine', ['-N', '-i', '--style', 'none', '--warmup', '2', '--runs', String(n), '--export-json', json, command]), { encoding: 'utf8' });
      const wall = hf.status === 0 ? (JSON.parse(fs.readFileSync(json, 'utf8')).results[0].median * 1000).toFixed(1) : 'n/a';
      console.log(`| ${name} | ${median(totals).toFixed(1)} | ${wall} | ${verdict} |`);
    }
    await doctorBench(ns, work);
    await pidBench(ns);
    await exporterBench(ns, work);
  } finally {
    await ns.close();
  }
}

// 20 chaincodes installed on a peer at fsPath as the peer leaves them: each package in the store
// (<label>.<hash>.tar.gz) and its durable build by ccaas-builder, connection.json from connectionOf(i).
function installChaincodes(fsPath, prefix, connectionOf) {
  const store = path.join(fsPath, 'lifecycle', 'chaincodes');
  fs.mkdirSync(store, { recursive: true });
  for (let i = 0; i < 20; i++) {
    const connection = connectionOf(i);
    const pkg = makePackage({ label: `${prefix}${i}_1.0`, files: { 'connection.json': connection }, dir: tempDir('ccaas-bench-pkg-') });
    fs.copyFileSync(pkg.file, path.join(store, `${pkg.id.replace(':', '.')}.tar.gz`));
    writeTree(path.join(fsPath, 'externalbuilder', 'builds', pkg.id.replace(':', '-')), {
      'build-info.json': { builder_name: 'ccaas-builder' },
      'bld/connection.json': connection,
      'release/chaincode/server/connection.json': connection,
    });
  }
}

// run --doctor on a peer with 20 installed chaincodes (each in the package store, with its durable
// build), half of them behind a blackholed port: every build is probed at once, so the answer
// should come within one dial timeout (2s) + 1s. Twice: this builder first (no detect to run), and
// Fabric's ccaas_builder (a stand-in, harness/builders.js) listed first, whose bin/detect the
// doctor then runs on a minimal ccaas package and on each installed package.
// CCAAS_BUILDER_BENCH_DOCTOR_BIN: another build's bin/ to time on the same peer (an older one).
async function doctorBench(ns, work) {
  const fsPath = path.join(work, 'peer');
  installChaincodes(fsPath, 'doc', (i) => ({ address: `cc.bench:${i % 2 ? 7253 : 7251}`, dial_timeout: '2s' }));
  const fabric = fabricCcaasBuilder(path.join(work, 'fabric-ccaas'));
  const entry = (name, dir) => `    - name: ${name}\n      path: ${dir}\n`;
  const configs = {
    'this builder first': entry('ccaas-builder', path.dirname(BIN_DIR)),
    'fabric-ccaas first (21 detect runs)': entry('fabric-ccaas', fabric) + entry('ccaas-builder', path.dirname(BIN_DIR)),
  };
  const bins = { 'this build': BIN_DIR };
  if (process.env.CCAAS_BUILDER_BENCH_DOCTOR_BIN) bins['the other build'] = process.env.CCAAS_BUILDER_BENCH_DOCTOR_BIN;
  console.log('');
  console.log('| run --doctor, 20 chaincodes, 10 blackholed, dial_timeout 2s | build | wall median ms | bound ms | report |');
  console.log('|---|---|---|---|---|');
  for (const [label, builders] of Object.entries(configs)) {
    const config = path.join(work, `config-${Object.keys(configs).indexOf(label)}`);
    writeTree(config, { 'core.yaml': `peer:\n  fileSystemPath: ${fsPath}\nchaincode:\n  externalBuilders:\n${builders}` });
    for (const [which, bin] of Object.entries(bins)) {
      const times = [];
      let summary = '';
      for (let i = 0; i < 5; i++) {
        const r = ns.exec(path.join(bin, 'run'), ['--doctor', '--config', config], { env: { PATH: process.env.PATH, TMPDIR: tempDir('ccaas-bench-tmp-') } });
        times.push(r.ms);
        summary = r.stderr.trim().split('\n').pop();
      }
      console.log(`| ${label} | ${which} | ${median(times).toFixed(0)} | 3000 | ${summary.replace(/^doctor: /, '')} |`);
    }
  }
}

// run --doctor --pid on a stock peer (harness/stock-peer.js: Fabric's layout and builder, in PID
// and mount namespaces of its own, Docker's default capabilities) with 20 chaincodes installed by
// that builder, 10 behind a blackholed port: the doctor reads the peer from outside, lays each
// package out in the peer's TMPDIR and runs Fabric's detect inside its root 21 times (a minimal
// ccaas package and each installed one), each confined to the peer's own power, and probes every
// build at once; then the same peer privileged, whose programs the doctor does not run (files only).
async function pidBench(ns) {
  const { debianRoot, StockPeer, rootInstaller } = require(path.join(h, 'stock-peer'));
  const root = debianRoot(tempDir('ccaas-bench-stock-'), { hosts: { 'cc.bench': '127.0.0.1' } });
  fs.chmodSync(root, 0o755);
  const installer = rootInstaller(root);
  for (let i = 0; i < 20; i++) {
    const pkg = makePackage({ label: `pid${i}_1.0`, dir: tempDir('ccaas-bench-pkg-'),
      files: { 'connection.json': { address: `cc.bench:${i % 2 ? 7253 : 7251}`, dial_timeout: '2s' } } });
    if (!installer.install(pkg).ok) throw new Error(`could not install ${pkg.label} in the stock peer`);
  }
  console.log('');
  console.log('| run --doctor --pid, stock peer, 20 chaincodes by Fabric\'s builder, 10 blackholed, dial_timeout 2s | wall median ms | bound ms | report |');
  console.log('|---|---|---|---|');
  for (const [name, caps] of [['from a debug container (nsenter into its PID namespace, /proc of its own): 21 confined detect runs', {}],
    ['the same peer privileged: files only, no detect run', { privileged: true }]]) {
    const peer = await new StockPeer(ns, root, { caps }).start();
    try {
      const times = [];
      let summary = '';
      for (let i = 0; i < 5; i++) {
        const r = peer.doctor([]);
        times.push(r.ms);
        summary = r.stderr.trim().split('\n').pop();
      }
      console.log(`| ${name} | ${median(times).toFixed(0)} | 3000 | ${summary.replace(/^doctor: /, '')} |`);
    } finally {
      await peer.stop();
    }
  }
}

// run --doctor --serve with 20 installed chaincodes, all reachable (one fabric-shim server, which
// registers another ID than each package's, so every probe goes through all its stages), at
// --interval 1ms: runs back to back. The exporter's RSS and CPU time from /proc at the 100th and
// the 1,000th run; flat RSS means no growth between the two.
// CCAAS_BUILDER_BENCH_EXPORTER_RUNS: the last run to measure at (default 1000).
async function exporterBench(ns, work) {
  const last = Number(process.env.CCAAS_BUILDER_BENCH_EXPORTER_RUNS ?? 1000);
  const fsPath = path.join(work, 'exporter-peer');
  installChaincodes(fsPath, 'watch', () => ({ address: 'cc.bench:7251', dial_timeout: '2s' }));
  const config = path.join(work, 'exporter-config');
  writeTree(config, { 'core.yaml': `peer:\n  fileSystemPath: ${fsPath}\nchaincode:\n  externalBuilders:\n    - name: ccaas-builder\n      path: ${path.dirname(BIN_DIR)}\n` });
  const port = 9465;
  const exporter = ns.spawn(path.join(BIN_DIR, 'run'), ['--doctor', '--config', config, '--serve', `127.0.0.1:${port}`, '--interval', '1ms'], { env: { PATH: process.env.PATH } });
  const value = (text, name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const status = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${exporter.pid}/status`, 'utf8'))[1]);
  const cpuMs = () => {
    const fields = fs.readFileSync(`/proc/${exporter.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 1000 / 100; // utime + stime, in clock ticks of 10 ms
  };
  const at = async (runs) => {
    const body = await waitForRuns(ns, `http://127.0.0.1:${port}/metrics`, runs, { timeoutMs: 3600000, pauseMs: 200 });
    return { runs: value(body, 'ccaas_builder_exporter_runs_total'), rssKb: status('VmRSS'), cpuMs: cpuMs(), at: Date.now(), run: value(body, 'ccaas_builder_doctor_run_duration_seconds'), errors: /ccaas_builder_doctor_findings\{severity="error"\} (\d+)/.exec(body)[1] };
  };
  try {
    const first = await at(100);
    const trend = [first];
    for (const mark of [250, 500, 750].filter((m) => m < last)) trend.push(await at(mark));
    const second = await at(last);
    trend.push(second);
    const runs = second.runs - first.runs;
    console.log('');
    console.log(`exporter RSS KiB by run: ${trend.map((p) => `${p.runs}: ${p.rssKb}`).join(', ')}`);
    console.log(`| run --doctor --serve, 20 chaincodes, --interval 1ms | at run ${first.runs} | at run ${second.runs} |`);
    console.log('|---|---|---|');
    console.log(`| exporter RSS KiB | ${first.rssKb} | ${second.rssKb} (${second.rssKb >= first.rssKb ? '+' : ''}${second.rssKb - first.rssKb}) |`);
    console.log(`| exporter peak RSS KiB (VmHWM) | | ${status('VmHWM')} |`);
    console.log(`| one run: wall ms (from the runs between) | | ${((second.at - first.at) / runs).toFixed(1)} |`);
    console.log(`| one run: CPU ms (utime + stime, from the runs between) | | ${((second.cpuMs - first.cpuMs) / runs).toFixed(1)} |`);
    console.log(`| one run: the doctor's own duration, last run, ms | ${(first.run * 1000).toFixed(1)} | ${(second.run * 1000).toFixed(1)} |`);
    console.log(`| errors found (20 ID mismatches) | ${first.errors} | ${second.errors} |`);
  } finally {
    exporter.kill('SIGTERM');
  }
}

main();
