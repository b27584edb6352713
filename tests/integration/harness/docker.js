'use strict';
// A Docker engine of the test's own, for the image test: Debian's dockerd with a private data
// root, exec root, socket, pid file and configuration under the test's temporary directory, a
// bridge of its own and no iptables rules, and a registry
// proxy that does not exist, so that any pull fails at once: what builds here builds with no
// registry. Containers run with --network none; image builds use the host's network for
// Debian's packages only (docker build --network host), as bin/setup does on a machine.
// Driven with the engine's own client, /usr/bin/docker: another client earlier on PATH may
// lack BuildKit.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const DOCKER = '/usr/bin/docker';
const DOCKERD = '/usr/sbin/dockerd';
const NO_REGISTRY = 'http://127.0.0.1:9'; // the discard port: nothing answers there
// The engine's own bridge, with an address of the benchmarking range that nothing else uses
// (containers run with --network none, builds with the host's network): dockerd started with
// --bridge=none deletes a docker0 that an earlier dockerd left (libnetwork removes the default
// bridge when bridging is off), so it is given this one instead, and docker0 is never touched.
const BRIDGE_ADDRESS = '198.18.255.1/30';

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processesMentioning(text) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmdline.includes(text) && Number(pid) !== process.pid) found.push({ pid: Number(pid), cmdline: cmdline.replace(/\0/g, ' ').trim() });
  }
  return found;
}

function mountsUnder(dir) {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((p) => p && (p === dir || p.startsWith(`${dir}/`)));
}

// Another engine on this machine: a dockerd process (any), whose bridge a second daemon could
// take away. The test never starts one beside it.
function runningDaemons() {
  return processesMentioning('').filter((p) => path.basename(p.cmdline.split(' ')[0]) === 'dockerd');
}

class Engine {
  constructor(root) {
    this.root = root;
    this.socket = path.join(root, 'docker.sock');
    this.pidfile = path.join(root, 'dockerd.pid');
    this.log = path.join(root, 'dockerd.log');
    this.env = {
      PATH: process.env.PATH, HOME: root, DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '1',
      DOCKER_CONFIG: path.join(root, 'client'),
    };
    this.pid = null;
    this.bridge = `ccaasbr${process.pid % 100000}`;
  }

  // Starts dockerd and waits until it answers and can run a container (busybox must be loaded
  // first for that, so this only checks the API). Returns null, or why it cannot run here.
  start({ timeoutMs = 60000 } = {}) {
    for (const d of ['data', 'exec', 'client']) fs.mkdirSync(path.join(this.root, d), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.root, 'daemon.json'), '{}\n');
    for (const args of [['link', 'add', this.bridge, 'type', 'bridge'], ['addr', 'add', BRIDGE_ADDRESS, 'dev', this.bridge]]) {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0) return `cannot make the engine's bridge: ip ${args.join(' ')}: ${r.stderr.trim()}`;
    }
    const out = fs.openSync(this.log, 'a');
    const child = spawn(DOCKERD, [
      '--config-file', path.join(this.root, 'daemon.json'),
      '--data-root', path.join(this.root, 'data'), '--exec-root', path.join(this.root, 'exec'),
      '--pidfile', this.pidfile, '-H', `unix://${this.socket}`,
      `--bridge=${this.bridge}`, '--iptables=false', '--ip6tables=false', '--ip-masq=false',
    ], {
      detached: true, stdio: ['ignore', out, out],
      env: { PATH: process.env.PATH, HTTP_PROXY: NO_REGISTRY, HTTPS_PROXY: NO_REGISTRY, NO_PROXY: '' },
    });
    fs.closeSync(out);
    child.unref();
    this.pid = child.pid;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive()) return `dockerd exited at start: ${this.lastError()}`;
      if (this.docker(['version', '--format', '{{.Server.Version}}']).status === 0) return null;
      sleep(250);
    }
    return `dockerd did not answer within ${timeoutMs / 1000}s: ${this.lastError()}`;
  }

  alive() {
    try { process.kill(this.pid, 0); } catch { return false; }
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  }

  lastError() {
    const lines = fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').split('\n') : [];
    const errors = lines.filter((l) => /level=(error|fatal)|failed to start/i.test(l));
    return (errors.at(-1) ?? lines.filter(Boolean).at(-1) ?? '(no log)').slice(0, 400);
  }

  // env: variables for this call on top of the engine's (DOCKER_BUILDKIT=0: the classic builder).
  docker(args, { input, timeoutMs = 900000, env = {} } = {}) {
    const r = spawnSync(DOCKER, args, { env: { ...this.env, ...env }, encoding: 'utf8', input, timeout: timeoutMs, maxBuffer: 256 << 20 });
    if (r.error) throw r.error;
    return r;
  }

  must(args, opts) {
    const r = this.docker(args, opts);
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return r.stdout;
  }

  // A root file system (a tarball of one) as an image, as `docker import` makes one.
  importTarball(file, tag, changes) {
    return this.must(['import', ...changes.flatMap((c) => ['--change', c]), file, tag]).trim();
  }

  // docker build with BuildKit and plain progress; the steps as BuildKit reported them.
  // platform: the target platform (linux/arm64), the engine's own when not given; classic: the
  // classic builder instead of BuildKit (its log has no steps to list).
  build({ context, dockerfile, target, tag, buildArgs = {}, platform, classic = false }) {
    const args = ['build', '--network', 'host', '--progress', 'plain', '-t', tag];
    if (platform) args.push('--platform', platform);
    if (dockerfile) args.push('-f', dockerfile);
    if (target) args.push('--target', target);
    for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
    const started = Date.now();
    if (classic) args.splice(args.indexOf('--progress'), 2);
    const r = this.docker([...args, context], { env: classic ? { DOCKER_BUILDKIT: '0' } : {} });
    return { status: r.status, log: r.stderr + r.stdout, seconds: (Date.now() - started) / 1000, steps: buildSteps(r.stderr + r.stdout) };
  }

  // docker run --rm with no network; the result as spawnSync gives it.
  run(image, command, options = {}) {
    return this.docker(runArgs(image, command, options));
  }

  // A launcher for harness/peer.js: each builder program runs in a new container of image, in /,
  // with exactly the environment the peer passes (env -i), and the volumes given.
  launcher(image, volumes, { user, extra = [] } = {}) {
    return (program, args, env) => ({
      cmd: DOCKER, env: this.env,
      argv: runArgs(image, ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), program, ...args], { volumes, workdir: '/', user, extra }),
    });
  }

  imageSize(tag) {
    return Number(this.must(['image', 'inspect', '--format', '{{.Size}}', tag]).trim());
  }

  // "linux/arm64": the platform the image says it is for.
  imagePlatform(tag) {
    return this.must(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', tag]).trim();
  }

  imageConfig(tag) {
    return JSON.parse(this.must(['image', 'inspect', '--format', '{{json .Config}}', tag]));
  }

  // The files of a directory in an image, copied out to dest (a tar stream, modes kept).
  copyOut(image, dir, dest) {
    const id = this.must(['create', image, 'true']).trim();
    try {
      fs.mkdirSync(dest, { recursive: true });
      const tar = spawnSync(DOCKER, ['cp', `${id}:${dir}`, '-'], { env: this.env, maxBuffer: 1 << 30 });
      if (tar.status !== 0) throw new Error(`docker cp ${dir}: ${tar.stderr}`);
      const r = spawnSync('tar', ['-C', dest, '-xf', '-'], { input: tar.stdout });
      if (r.status !== 0) throw new Error(`untar: ${r.stderr}`);
    } finally {
      this.docker(['rm', '-f', id]);
    }
  }

  // Stops the engine by its PID and removes everything it made; returns what was left (should
  // be nothing): processes naming the root, mounts under it.
  stop() {
    if (this.pid && this.alive()) {
      const ids = this.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
      if (ids.length) this.docker(['rm', '-f', ...ids]);
      process.kill(this.pid, 'SIGTERM');
      const deadline = Date.now() + 30000;
      while (this.alive() && Date.now() < deadline) sleep(100);
      if (this.alive()) process.kill(this.pid, 'SIGKILL');
    }
    for (const p of processesMentioning(this.root)) {
      try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    for (const m of mountsUnder(this.root).reverse()) spawnSync('umount', ['-l', m]);
    spawnSync('ip', ['link', 'del', this.bridge]);
    const left = {
      processes: processesMentioning(this.root).map((p) => p.cmdline),
      mounts: mountsUnder(this.root),
      bridge: spawnSync('ip', ['link', 'show', this.bridge]).status === 0,
    };
    fs.rmSync(this.root, { recursive: true, force: true });
    return left;
  }
}

// extra: more docker-run options (--read-only, --tmpfs ...); no network unless extra names one.
function runArgs(image, command, { user, volumes = [], env = {}, workdir, extra = [] } = {}) {
  const args = ['run', '--rm', ...(extra.includes('--network') ? [] : ['--network', 'none']), ...extra];
  if (user) args.push('--user', user);
  if (workdir) args.push('-w', workdir);
  for (const v of volumes) args.push('-v', v);
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  return [...args, image, ...command];
}

// BuildKit's plain progress: "#7 [deps 4/4] RUN bin/setup --deps-only", later "#7 CACHED" or
// "#7 DONE 91.9s".
function buildSteps(log) {
  const steps = new Map();
  for (const line of log.split('\n')) {
    let m = /^#(\d+) (\[.*)$/.exec(line);
    if (m && !steps.has(m[1])) { steps.set(m[1], { name: m[2], cached: false, seconds: null }); continue; }
    m = /^#(\d+) CACHED$/.exec(line);
    if (m && steps.has(m[1])) { steps.get(m[1]).cached = true; continue; }
    m = /^#(\d+) DONE ([\d.]+)s$/.exec(line);
    if (m && steps.has(m[1])) steps.get(m[1]).seconds = Number(m[2]);
  }
  return [...steps.values()];
}

module.exports = { Engine, DOCKER, DOCKERD, runningDaemons };
