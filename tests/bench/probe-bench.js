'use strict';
// The probe's cost, for bin/bench: run --check against a reachable plaintext and TLS fabric-shim
// server, a refused port and a blackholed port, inside a network namespace made here. Prints a
// Markdown table: the probe's own time (median of its reported total) and the wall time of the
// whole `run --check` process (hyperfine median). Reported, never asserted.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = path.resolve(__dirname, '../integration/harness');
const { BIN_DIR, tempDir, writeTree } = require(path.join(h, 'peer'));
const { Pki } = require(path.join(h, 'certs'));
const { Netns, available } = require(path.join(h, 'netns'));
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
  } finally {
    await ns.close();
  }
}

// run --doctor on a peer with 20 installed chaincodes, half of them behind a blackholed port:
// every build is probed at once, so the answer should come within one dial timeout (2s) + 1s.
async function doctorBench(ns, work) {
  const fsPath = path.join(work, 'peer');
  for (let i = 0; i < 20; i++) {
    const hash = String(i).padStart(64, 'd');
    const connection = { address: `cc.bench:${i % 2 ? 7253 : 7251}`, dial_timeout: '2s' };
    writeTree(path.join(fsPath, 'externalbuilder', 'builds', `doc${i}_1.0-${hash}`), {
      'build-info.json': { builder_name: 'ccaas-builder' },
      'bld/connection.json': connection,
      'release/chaincode/server/connection.json': connection,
    });
  }
  const config = path.join(work, 'config');
  writeTree(config, { 'core.yaml': `peer:\n  fileSystemPath: ${fsPath}\nchaincode:\n  externalBuilders:\n    - name: ccaas-builder\n      path: ${path.dirname(BIN_DIR)}\n` });
  const times = [];
  let summary = '';
  for (let i = 0; i < 5; i++) {
    const r = ns.exec(path.join(BIN_DIR, 'run'), ['--doctor', '--config', config]);
    times.push(r.ms);
    summary = r.stderr.trim().split('\n').pop();
  }
  console.log('');
  console.log('| run --doctor | wall median ms | bound ms | report |');
  console.log('|---|---|---|---|');
  console.log(`| 20 chaincodes, 10 blackholed, dial_timeout 2s | ${median(times).toFixed(0)} | 3000 | ${summary.replace(/^doctor: /, '')} |`);
}

main();
