'use strict';
// Network namespaces made by the tests: their own loopback, their own /etc/hosts and
// /etc/resolv.conf (ip netns exec bind-mounts /etc/netns/<name>/*), their own iptables rules.
// Every server and every probe of a test runs inside one, so no packet leaves it.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const cleanup = require('./cleanup');

let counter = 0;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function available() {
  if (process.getuid() !== 0) return 'network namespaces need root';
  const ip = spawnSync('ip', ['netns', 'list']);
  if (ip.error || ip.status !== 0) return 'ip netns is not available';
  return null;
}

class Netns {
  constructor({ hosts = {} } = {}) {
    this.name = `ccaas-${process.pid}-${++counter}`;
    this.etc = path.join('/etc/netns', this.name);
    this.children = [];
    run('ip', ['netns', 'add', this.name]);
    cleanup.namespace(this.name, this.etc);
    run('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
    fs.mkdirSync(this.etc, { recursive: true });
    // DNS goes to a resolver on this namespace's own loopback (see DnsServer), quickly.
    fs.writeFileSync(path.join(this.etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    this.setHosts(hosts);
  }

  // Another namespace as another node: a veth pair between the two, an address on each end
  // (the benchmarking range 198.18.0.0/15, inside these namespaces only), both ends up.
  link(other, { local, remote, prefix = 24, mtu = 1500 }) {
    const a = `ve${process.pid % 100000}x${++counter}`;
    const b = `${a}p`;
    run('ip', ['link', 'add', a, 'mtu', String(mtu), 'netns', this.name, 'type', 'veth', 'peer', 'name', b, 'mtu', String(mtu), 'netns', other.name]);
    run('ip', ['-n', this.name, 'addr', 'add', `${local}/${prefix}`, 'dev', a]);
    run('ip', ['-n', other.name, 'addr', 'add', `${remote}/${prefix}`, 'dev', b]);
    run('ip', ['-n', this.name, 'link', 'set', a, 'up']);
    run('ip', ['-n', other.name, 'link', 'set', b, 'up']);
    return { local: a, remote: b };
  }

  // Runs a command inside and fails the test set-up when it fails (ip, iptables).
  must(cmd, args) {
    return run('ip', this.argv(cmd, args));
  }

  setResolver(text) {
    fs.writeFileSync(path.join(this.etc, 'resolv.conf'), text);
  }

  setHosts(hosts) {
    const lines = ['127.0.0.1 localhost', '::1 localhost'];
    for (const [name, ips] of Object.entries(hosts)) {
      for (const ip of [].concat(ips)) lines.push(`${ip} ${name}`);
    }
    fs.writeFileSync(path.join(this.etc, 'hosts'), `${lines.join('\n')}\n`);
  }

  argv(cmd, args) {
    return ['netns', 'exec', this.name, cmd, ...args];
  }

  // Runs a command inside and waits for it.
  exec(cmd, args, opts = {}) {
    const started = process.hrtime.bigint();
    const r = spawnSync('ip', this.argv(cmd, args), { encoding: 'utf8', ...opts });
    if (r.error) throw r.error;
    if (/-----BEGIN|PRIVATE KEY/.test(`${r.stdout}${r.stderr}`)) throw new Error(`${cmd} printed PEM: ${r.stderr}`);
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  // Starts a long-running command inside; it is killed by close(). child.exited: its exit code,
  // signal and the time it exited (process.hrtime.bigint()).
  spawn(cmd, args, opts = {}) {
    const child = spawn('ip', this.argv(cmd, args), { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: process.hrtime.bigint() })));
    child.output = '';
    child.stdout?.on('data', (d) => { child.output += d; });
    child.stderr?.on('data', (d) => { child.output += d; });
    this.children.push(child);
    cleanup.child(child);
    return child;
  }

  // Packets to this port on loopback vanish: a connect neither succeeds nor fails.
  blackhole(port) {
    run('ip', this.argv('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'DROP']));
  }

  // Waits until something accepts TCP connections on host:port inside.
  async waitForPort(port, timeoutMs = 15000, host = '127.0.0.1') {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const r = spawnSync('ip', this.argv('bash', ['-c', `exec 3<>/dev/tcp/${host}/${port}`]), { stdio: 'ignore' });
      if (r.status === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
  }

  async close() {
    const exited = (child) => child.exitCode !== null || child.signalCode !== null;
    const waitExit = (child, ms) => new Promise((resolve) => {
      if (exited(child)) return resolve();
      const timer = setTimeout(resolve, ms);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
    for (const child of this.children) {
      if (exited(child)) continue;
      child.kill('SIGTERM');
      await waitExit(child, 1000);
      if (!exited(child)) {
        child.kill('SIGKILL');
        await waitExit(child, 1000);
      }
    }
    spawnSync('ip', ['netns', 'del', this.name]);
    fs.rmSync(this.etc, { recursive: true, force: true });
    cleanup.namespaceGone(this.name);
  }
}

module.exports = { Netns, available };
