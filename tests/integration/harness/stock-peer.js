'use strict';
// A stock peer's container, for `run --doctor --pid`. No image registry answers here, so each
// root is made from Debian's own programs, with the real image's layout around the builder:
//   debianRoot: hyperledger/fabric-peer 2.5 is built on Ubuntu: /bin/sh is dash, the tools are
//     GNU's on glibc, /bin is /usr/bin. Here: Debian's dash, coreutils, sed and grep, copied with
//     the shared libraries ldd names and their loader.
//   alpineRoot: images built on Alpine (fabric-peer 2.4 and earlier, many custom ones): busybox
//     is /bin/sh and every tool, musl's loader, no bash and no glibc. Here: Debian's
//     busybox-static with its applets as links.
// Both hold what Fabric's images hold for the peer (images/peer/Dockerfile, sampleconfig/core.yaml
// at v2.5): FABRIC_CFG_PATH=/etc/hyperledger/fabric with a core.yaml whose one external builder
// is Fabric's ccaas_builder at /opt/hyperledger/ccaas_builder (propagating
// CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG), a stand-in of that builder there (harness/builders.js:
// Fabric's detect, argv and release layout), /var/hyperledger/production, /tmp, /etc/hosts,
// /etc/resolv.conf, an empty /proc, and /usr/local/bin/peer, which stays alive as the peer does.
//
// StockPeer runs a root as the peer process: in a test's network namespace (the pod's), in PID
// and mount namespaces of its own, /proc mounted for its PID namespace, chrooted, optionally as
// another user. doctor() runs `run --doctor --pid` from outside it as a debug container does
// (`kubectl debug --target=peer`, `docker run --pid container:PEER --network container:PEER`):
// in the peer's PID and network namespaces, with a mount namespace and a /proc of its own, and
// this machine's root (the debug image's) as its root.

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { BIN_DIR, Peer } = require('./peer');
const { fabricCcaasBuilder } = require('./builders');

const FABRIC_BUILDER = '/opt/hyperledger/ccaas_builder';
const FILE_SYSTEM_PATH = '/var/hyperledger/production';
const PEER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const TOOLS = ['tr', 'sed', 'cp', 'mkdir', 'cat', 'sleep', 'grep', 'rm', 'ls', 'env', 'true', 'id', 'setsid', 'ln'];
// The capabilities a container gets when nothing asks for others: Docker's default set (moby's
// oci/caps/defaults.go), which containerd and CRI-O give a pod's container too. A peer runs with
// these, as root or, as another user, with none effective; `privileged` gives every one.
const DEFAULT_CAPS = ['chown', 'dac_override', 'fsetid', 'fowner', 'mknod', 'net_raw', 'setgid', 'setuid', 'setfcap', 'setpcap',
  'net_bind_service', 'sys_chroot', 'kill', 'audit_write'];
// setpriv's words for a container's process: its bounding set, then (allowPrivilegeEscalation:
// false) no_new_privs.
const containerCaps = ({ privileged = false, noNewPrivs = false } = {}) => (privileged ? [] : ['setpriv',
  `--bounding-set=-all,${DEFAULT_CAPS.map((c) => `+${c}`).join(',')}`, '--inh-caps=-all', ...(noNewPrivs ? ['--no-new-privs'] : [])]);

// sampleconfig/core.yaml's keys the peer and the doctor read, as Fabric's image has them.
function stockCoreYaml({ builders = [['ccaas_builder', FABRIC_BUILDER]], vmEndpoint = 'unix:///var/run/docker.sock', fsPath = FILE_SYSTEM_PATH } = {}) {
  const list = builders.map(([name, dir, env = '[CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]']) => `    - name: ${name}\n      path: ${dir}\n      propagateEnvironment: ${env}`);
  return `peer:\n  id: jdoe\n  fileSystemPath: ${fsPath}\nvm:\n  endpoint: ${vmEndpoint}\nchaincode:\n  startuptimeout: 300s\n  executetimeout: 30s\n  externalBuilders:\n${list.length ? list.join('\n') : '    []'}\n`;
}

function write(root, file, text, mode = 0o644) {
  const p = path.join(root, file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  fs.chmodSync(p, mode);
  return p;
}

function commonLayout(root, { hosts = {} } = {}) {
  for (const d of ['tmp', 'proc', 'etc/hyperledger/fabric', 'var/hyperledger/production', 'usr/local/bin']) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  // /dev/null, as every container runtime makes it (a shell sends a background job's input there)
  fs.mkdirSync(path.join(root, 'dev'), { recursive: true });
  spawnSync('mknod', ['-m', '666', path.join(root, 'dev', 'null'), 'c', '1', '3']);
  write(root, 'etc/hyperledger/fabric/core.yaml', stockCoreYaml());
  const lines = ['127.0.0.1 localhost', ...Object.entries(hosts).map(([name, ip]) => `${ip} ${name}`)];
  write(root, 'etc/hosts', `${lines.join('\n')}\n`);
  write(root, 'etc/resolv.conf', 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  write(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  // The peer: `peer node start` stays alive; this one does nothing else. Its process is named
  // peer, as Fabric's is (the kernel names a script's process after the script), and waits.
  write(root, 'usr/local/bin/peer', '#!/bin/sh\nwhile :; do sleep 100000; done\n', 0o755);
  fabricCcaasBuilder(path.join(root, FABRIC_BUILDER));
  return root;
}

// Copies a program of this machine into root at the same path, with every shared library ldd
// names and the loader, at their paths.
function copyWithLibraries(root, program) {
  const ldd = spawnSync('ldd', [program], { encoding: 'utf8' });
  const files = [program];
  for (const line of ldd.stdout.split('\n')) {
    const m = line.match(/=>\s+(\/\S+)/) || line.match(/^\s+(\/\S+)\s+\(/);
    if (m) files.push(m[1]);
  }
  for (const file of files) {
    const target = path.join(root, file);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(fs.realpathSync(file), target);
    fs.chmodSync(target, 0o755);
  }
}

function debianRoot(root, opts = {}) {
  fs.mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
  for (const d of ['lib', 'lib64', 'sbin']) fs.mkdirSync(path.join(root, 'usr', d), { recursive: true });
  // merged /usr, as in Ubuntu and Debian
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) fs.symlinkSync(`usr/${d}`, path.join(root, d));
  copyWithLibraries(root, '/usr/bin/dash');
  fs.symlinkSync('dash', path.join(root, 'usr', 'bin', 'sh'));
  for (const tool of TOOLS) copyWithLibraries(root, `/usr/bin/${tool}`);
  return commonLayout(root, opts);
}

function alpineRoot(root, opts = {}) {
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const tool of ['sh', ...TOOLS]) {
    const dir = tool === 'env' ? 'usr/bin' : 'bin';
    fs.symlinkSync('/bin/busybox', path.join(root, dir, tool));
  }
  return commonLayout(root, opts);
}

// Every entry under root but /proc, with what could change: type, mode, owner, size, times,
// content hash, link target. Equal before and after: nothing was written there.
function listing(root) {
  const out = {};
  const rootBytes = Buffer.from(root);
  // Names as bytes (a hostile root may hold names that are not UTF-8), keyed by their latin1 text.
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare)) {
      const p = Buffer.concat([dir, Buffer.from('/'), name]);
      const rel = p.subarray(rootBytes.length + 1).toString('latin1');
      if (rel === 'proc') continue;
      const st = fs.lstatSync(p, { bigint: true });
      const entry = { mode: st.mode.toString(8), uid: Number(st.uid), gid: Number(st.gid), size: Number(st.size), mtime: st.mtimeNs.toString(), ctime: st.ctimeNs.toString() };
      if (st.isSymbolicLink()) entry.link = fs.readlinkSync(p, { encoding: 'buffer' }).toString('latin1');
      else if (st.isFile()) entry.sha256 = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      out[rel] = entry;
      if (st.isDirectory()) walk(p);
    }
  };
  walk(rootBytes);
  return out;
}

// A listing without the times of the peer's TMPDIR folder itself: the doctor lays packages out for
// detect in a folder of its own there, as the peer's user, and removes it, as the peer does at an
// install; every entry, the TMPDIR's own included, must be as it was.
function withoutScratchTimes(entries, tmpdir = 'tmp') {
  const out = { ...entries };
  if (out[tmpdir]) out[tmpdir] = { ...out[tmpdir], mtime: 'any', ctime: 'any' };
  return out;
}

const inRoot = (root, p) => (p.startsWith(`${root}/`) ? p.slice(root.length) : p);

// The peer's environment: the image's (PATH, FABRIC_CFG_PATH), the pod's, and env over them.
const peerEnvironment = (env) => ({ PATH: PEER_PATH, FABRIC_CFG_PATH: '/etc/hyperledger/fabric', CORE_PEER_ID: 'peer0.org1.example.com', ...env });

// `run --doctor ...` from a debug or sidecar container: nsenter's arguments for it in the PID
// namespace of process target, with a mount namespace and a /proc of its own and this machine's
// root (the binaries image's); before: a command it runs through (setpriv for another user).
const doctorIn = (target, args, before = []) => ['-t', String(target), '--pid', '--', 'unshare', '--mount', '--mount-proc', '--',
  ...before, path.join(BIN_DIR, 'run'), '--doctor', ...args];

// Ends a PID namespace: its first process (pid, started by child) goes, and the kernel ends every
// process there.
async function endNamespace(child, pid) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ }
  child.kill('SIGKILL');
  await child.exited;
}

class StockPeer {
  // root: a debianRoot or alpineRoot; env: the peer's environment (the image's and the pod's);
  // user: [uid, gid] the peer runs as; mounts: shell lines run in the peer's mount namespace
  // before it starts (e.g. a noexec bind mount), with $ROOT set.
  // caps: { privileged, noNewPrivs } of the container (default: Docker's capabilities); rawEnv:
  // printf formats of NAME=value entries added to its environment byte for byte (bytes that are
  // not UTF-8, which a string of this harness cannot carry).
  constructor(ns, root, { env = {}, user = null, mounts = [], caps = {}, rawEnv = [] } = {}) {
    this.rawEnv = rawEnv;
    this.ns = ns;
    this.root = root;
    this.env = peerEnvironment(env);
    this.user = user;
    this.mounts = mounts;
    this.caps = caps;
  }

  async start() {
    const chroot = this.user ? `chroot --userspec=${this.user[0]}:${this.user[1]}${this.user[2] ? ` --groups=${this.user[2].join(',')}` : ''}` : 'chroot';
    const raw = this.rawEnv.map((format) => `"$(printf '${format}')"`);
    const prefix = raw.length ? ['env', ...raw] : [];
    const script = [...this.mounts, 'mount -t proc proc "$ROOT/proc"', `exec ${[...prefix, ...containerCaps(this.caps), chroot].join(' ')} "$ROOT" /usr/local/bin/peer node start`].join(' && ');
    // The host's /bin/sh sets up the namespace, then execs into the peer's root.
    this.child = this.ns.spawn('unshare', ['--pid', '--mount', '--fork', '--kill-child', '--propagation', 'private', '/bin/sh', '-c', script], {
      env: { ...this.env, ROOT: this.root },
    });
    this.pid = await childNamed(this.child.pid, 'peer', () => this.child.output);
    return this;
  }

  // The environment the peer really has, as /proc shows it (what the doctor reads).
  environ() {
    return fs.readFileSync(`/proc/${this.pid}/environ`, 'utf8').split('\0').filter(Boolean);
  }

  // run --doctor --pid 1 (the peer is PID 1 of its namespace) from a debug container; as: setpriv
  // arguments for another user.
  doctor(args = ['--json'], { as = null, env = {} } = {}) {
    return this.ns.exec('nsenter', doctorIn(this.pid, ['--pid', '1', ...args], as ? ['setpriv', ...as] : []), { env: { PATH: process.env.PATH, ...env } });
  }

  // The peer is PID 1 of its namespace.
  stop() {
    return endNamespace(this.child, this.pid);
  }
}

// A pod with `shareProcessNamespace: true` (what kubelet asks of the runtime): its pause process
// is PID 1 of the one PID namespace its containers share, and the peer's container is a process
// there, chrooted into root (its /proc mounted for that namespace), restarted as kubelet restarts
// a container that died: a new process, with a new PID. sidecar() runs `run --doctor` in the same
// PID and network namespaces, with a mount namespace and a /proc of its own and this machine's
// root (the binaries image's), as a sidecar container of the pod.
class SharedPidPod {
  constructor(ns, root, { env = {} } = {}) {
    this.ns = ns;
    this.root = root;
    this.env = peerEnvironment(env);
  }

  async start() {
    this.pause = this.ns.spawn('unshare', ['--pid', '--mount', '--fork', '--kill-child', '--propagation', 'private', '/bin/sh', '-c',
      'mount -t proc proc "$ROOT/proc" && exec sleep 100000'], { env: { PATH: process.env.PATH, ROOT: this.root } });
    this.pausePid = await childNamed(this.pause.pid, 'sleep', () => this.pause.output);
    return this;
  }

  // Starts the peer's container (again); resolves with its PID on this machine and in the pod.
  async startPeer() {
    this.peer = this.ns.spawn('nsenter', ['-t', String(this.pausePid), '--pid', '--mount', '--', ...containerCaps(), 'chroot', this.root,
      '/usr/local/bin/peer', 'node', 'start'], { env: this.env });
    const pid = await childNamed(this.peer.pid, 'peer', () => this.peer.output);
    return { pid, inPod: podPid(pid) };
  }

  // The next process started in the pod gets this PID (ns_last_pid, which acts on the PID
  // namespace of the process that writes it): a PID reused, as a busy node reuses them.
  reusePid(inPod) {
    const r = this.ns.exec('nsenter', ['-t', String(this.pausePid), '--pid', '--', 'sh', '-c', `echo ${inPod - 1} > /proc/sys/kernel/ns_last_pid`]);
    if (r.code !== 0) throw new Error(`ns_last_pid: ${r.stderr}`);
  }

  // The peer's container dies (SIGKILL, as an OOM kill or a crash ends it).
  async killPeer() {
    const { peer } = this;
    // nsenter's child is the container's process: a child of nsenter here, of none in the pod
    const inside = descendants(peer.pid);
    for (const pid of inside) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await peer.exited;
    for (const end = Date.now() + 5000; inside.some(running) && Date.now() < end;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // nsenter forks the sidecar's process into the pod and exits with its status; stop() sends it
  // SIGTERM, as kubelet stops a container.
  sidecar(args) {
    const child = this.ns.spawn('nsenter', doctorIn(this.pausePid, args), { env: { PATH: process.env.PATH } });
    child.stop = async () => {
      for (const pid of descendants(child.pid)) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
      return child.exited;
    };
    return child;
  }

  // The pause process is PID 1 of the pod.
  stop() {
    return endNamespace(this.pause, this.pausePid);
  }
}

// Running: there, and not a zombie (the pause process here reaps none).
function running(pid) {
  try { return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

// The PIDs of pid's children and their children.
function descendants(pid) {
  const kids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return kids.flatMap((kid) => [kid, ...descendants(kid)]);
}

// The first process under parent (its descendants) named comm, within 10 s.
async function childNamed(parent, comm, output) {
  for (const end = Date.now() + 10000; Date.now() < end;) {
    for (const pid of descendants(parent)) {
      let name = '';
      try { name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { /* gone */ }
      if (name === comm) return pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no process named ${comm} started: ${output()}`);
}

// A process's PID in the innermost PID namespace it is in (the NSpid line of /proc/PID/status).
function podPid(pid) {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
  return Number(line.trim().split(/\s+/).pop());
}

// Installs packages as this peer does, with its own builder, inside its root: the peer-style
// harness (harness/peer.js) with each builder program run by chroot, its arguments the peer's
// paths. fileSystemPath and TMPDIR are the root's.
function rootInstaller(root, { builder = FABRIC_BUILDER, name = 'ccaas_builder', owner = null } = {}) {
  return new Peer({
    binDir: path.join(root, builder, 'bin'),
    name,
    owner,
    fileSystemPath: path.join(root, FILE_SYSTEM_PATH),
    tmpdir: path.join(root, 'tmp'),
    propagate: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'],
    env: { PATH: PEER_PATH },
    launcher: (program, args, env) => ({ cmd: 'chroot', argv: [root, inRoot(root, program), ...args.map((a) => inRoot(root, a))], env }),
  });
}

module.exports = { debianRoot, alpineRoot, StockPeer, SharedPidPod, rootInstaller, listing, withoutScratchTimes, stockCoreYaml, write, doctorIn, containerCaps, FABRIC_BUILDER, PEER_PATH, DEFAULT_CAPS };
