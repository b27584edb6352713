'use strict';
// A peer-style harness: builds chaincode packages and installs them through the builder exactly
// as a Fabric peer does (core/container/externalbuilder/externalbuilder.go and
// core/chaincode/persistence/chaincode_package.go at v2.5.11):
//   - the package is a .tar.gz of regular files metadata.json and code.tar.gz; its ID is
//     "<label>:<sha256 of the file>";
//   - the build happens in $TMPDIR/fabric-<SanitizeCCIDPath(id)><random digits>, mode 0700, with
//     src/ (code.tar.gz unpacked), metadata/ (metadata.json), bld/ and release/;
//   - the builder gets only PATH, TMPDIR, LD_LIBRARY_PATH, LIBPATH and the propagateEnvironment
//     list, runs with the peer's cwd (/), stdin from /dev/null, stdout discarded;
//   - detect, build, then release; bld/ and release/ are copied to the durable
//     builds/<sanitized id>/ with build-info.json; the scratch directory is removed.

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseConnectionLikePeer } = require('./go');

const BIN_DIR = process.env.CCAAS_BUILDER_BIN_DIR
  || path.resolve(__dirname, '../../../builder/bin');
const DEFAULT_PROPAGATE = ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', 'CCAAS_BUILDER_DIAL_TIMEOUT', 'CCAAS_BUILDER_PROBE', 'CCAAS_BUILDER_TYPES'];
const ALWAYS_PROPAGATED = ['LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR'];
// Test-only: sanitizer settings reach the builder so that an ASan/UBSan finding fails the test.
const SANITIZER_ENV = ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'];
const LABEL_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

// Every temporary directory of a test process lies in one of its own, removed when it exits.
let sessionDir = null;
function tempDir(prefix = 'ccaas-it-') {
  if (sessionDir === null) {
    sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), `ccaas-test-${process.pid}-`));
    fs.chmodSync(sessionDir, 0o755); // as /tmp is: a test may hand a directory to another user
    process.on('exit', () => fs.rmSync(sessionDir, { recursive: true, force: true }));
    require('./cleanup').dir(sessionDir); // and on a signal or a closed output
  }
  return fs.mkdtempSync(path.join(sessionDir, prefix));
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function writeTree(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const bytes = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2);
    fs.writeFileSync(p, bytes);
  }
}

// Packages like fabric-samples' deployCCAAS.sh: code.tar.gz of the code files, then
// tar -czf pkg.tar.gz metadata.json code.tar.gz.
function makePackage({ label = 'basic_1.0', type = 'ccaas', metadata, files, dir = tempDir('ccaas-pkg-') }) {
  const work = fs.mkdtempSync(path.join(dir, 'work-'));
  const code = path.join(work, 'code');
  fs.mkdirSync(code);
  writeTree(code, files);
  const meta = metadata ?? JSON.stringify({ type, label });
  fs.writeFileSync(path.join(work, 'metadata.json'), meta);
  sh('tar', ['-C', code, '-czf', path.join(work, 'code.tar.gz'), '.']);
  const file = path.join(dir, `${label}.tar.gz`);
  sh('tar', ['-C', work, '-czf', file, 'metadata.json', 'code.tar.gz']);
  fs.rmSync(work, { recursive: true });
  return { file, label, id: packageIdOf(file, label) };
}

function packageIdOf(file, label) {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return `${label}:${hash}`;
}

function sanitizeCcidPath(ccid) {
  return ccid.replace(/[<>:"/\\|?*&]/g, '-');
}

function mkdirPrivate(p) {
  fs.mkdirSync(p, { mode: 0o700 });
  fs.chmodSync(p, 0o700);
  return p;
}

function randomDigits() {
  return String(crypto.randomInt(0, 2 ** 32 - 1));
}

// The peer's os.MkdirTemp(dir, pattern): pattern + random decimal digits.
function makeTempLikeGo(dir, pattern) {
  for (;;) {
    const p = path.join(dir, pattern + randomDigits());
    try { return mkdirPrivate(p); } catch (e) { if (e.code !== 'EEXIST') throw e; }
  }
}

class Peer {
  // netns: a harness/netns.js namespace to run the builder in (the peer's network).
  // launcher: (program, args, env) => { cmd, argv, env }, to run the builder elsewhere (a
  // container): it gets the program's path there and the environment the peer passes.
  // owner: { uid, gid } the peer runs as (a pod's runAsUser): its scratch and durable
  // directories belong to that user, as when the peer makes them.
  constructor({ binDir = BIN_DIR, name = 'ccaas-builder', env = {}, propagate = DEFAULT_PROPAGATE,
                fileSystemPath = tempDir('ccaas-peer-'), tmpdir = tempDir('ccaas-tmp-'), netns = null,
                launcher = null, owner = null } = {}) {
    this.owner = owner;
    this.binDir = binDir;
    this.netns = netns;
    this.launcher = launcher;
    this.name = name;
    this.propagate = propagate;
    this.fileSystemPath = fileSystemPath;
    this.tmpdir = tmpdir;
    // The peer process's own environment; the builder sees only the propagated part of it.
    // The probe is off unless a test asks for it: a test never looks up a name outside the
    // network namespaces it makes.
    this.peerEnv = {
      PATH: process.env.PATH, TMPDIR: tmpdir, HOME: '/root', CORE_PEER_ID: 'peer0.org1', CCAAS_BUILDER_PROBE: 'off', ...env,
    };
    this.buildsDir = path.join(fileSystemPath, 'externalbuilder', 'builds');
    this.packagesDir = path.join(fileSystemPath, 'lifecycle', 'chaincodes');
    fs.mkdirSync(this.buildsDir, { recursive: true, mode: 0o700 });
  }

  builderEnv() {
    const env = {};
    for (const key of [...this.propagate, ...ALWAYS_PROPAGATED]) {
      if (this.peerEnv[key] !== undefined) env[key] = this.peerEnv[key];
    }
    for (const key of SANITIZER_ENV) {
      if (process.env[key] !== undefined) env[key] = process.env[key];
    }
    return env;
  }

  // Runs one builder program the way Session does: cwd /, pruned env, stdout discarded by the
  // peer (captured here only to assert that it stays empty).
  exec(step, args, { timeout = 20000 } = {}) {
    const started = process.hrtime.bigint();
    const program = path.join(this.binDir, step);
    let [cmd, argv, env] = [program, args, this.builderEnv()];
    if (this.netns) [cmd, argv] = ['ip', this.netns.argv(program, args)];
    else if (this.launcher) ({ cmd, argv, env } = this.launcher(program, args, env));
    const r = spawnSync(cmd, argv, {
      cwd: '/', env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout,
    });
    if (r.error) throw r.error;
    // Whatever the test, no builder program ever prints key material.
    if (/-----BEGIN|PRIVATE KEY/.test(r.stdout + r.stderr)) throw new Error(`${step} printed PEM: ${r.stderr}`);
    return {
      step, args, code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr,
      lines: r.stderr.split('\n').filter((l) => l !== ''),
      ms: Number(process.hrtime.bigint() - started) / 1e6,
    };
  }

  // Unpacks a package file as the peer does; refuses what the peer refuses.
  unpack(file, scratch) {
    const listing = sh('tar', ['-tvzf', file]).split('\n').filter(Boolean);
    for (const line of listing) {
      if (!line.startsWith('-')) throw new Error(`tar entry ${line} is not a regular file`);
    }
    const outer = fs.mkdtempSync(path.join(this.tmpdir, 'outer-'));
    sh('tar', ['-xzf', file, '-C', outer, '--no-same-owner']);
    const metadata = fs.readFileSync(path.join(outer, 'metadata.json'));
    const { label } = JSON.parse(metadata);
    if (!LABEL_RE.test(label ?? '')) throw new Error(`invalid label '${label}'`);
    const codeListing = sh('tar', ['-tvzf', path.join(outer, 'code.tar.gz')]).split('\n').filter(Boolean);
    for (const line of codeListing) {
      if (!line.startsWith('-') && !line.startsWith('d')) throw new Error(`invalid file type in archive: ${line}`);
    }
    const src = mkdirPrivate(path.join(scratch, 'src'));
    const meta = mkdirPrivate(path.join(scratch, 'metadata'));
    mkdirPrivate(path.join(scratch, 'bld'));
    mkdirPrivate(path.join(scratch, 'release'));
    sh('tar', ['-xzf', path.join(outer, 'code.tar.gz'), '-C', src, '--no-same-owner']);
    fs.writeFileSync(path.join(meta, 'metadata.json'), metadata, { mode: 0o700 });
    fs.rmSync(outer, { recursive: true });
    return label;
  }

  // peer lifecycle chaincode install: detect, build, release, persist.
  install(pkg, { keepScratch = false } = {}) {
    const ccid = pkg.id;
    const scratch = makeTempLikeGo(this.tmpdir, `fabric-${sanitizeCcidPath(ccid)}`);
    const result = { ccid, scratch, steps: [], detected: false, ok: false };
    try {
      this.unpack(pkg.file, scratch);
      this.own(scratch);
      const dirs = ['src', 'metadata', 'bld', 'release'].map((d) => path.join(scratch, d));
      const [src, meta, bld, rel] = dirs;
      result.detect = this.exec('detect', [src, meta]);
      result.steps.push(result.detect);
      if (result.detect.code !== 0) return result;
      result.detected = true;
      result.build = this.exec('build', [src, meta, bld]);
      result.steps.push(result.build);
      if (result.build.code !== 0) {
        result.bldEntries = fs.readdirSync(bld);
        return result;
      }
      result.release = this.exec('release', [bld, rel]);
      result.steps.push(result.release);
      if (result.release.code !== 0) {
        result.releaseEntries = fs.readdirSync(rel);
        return result;
      }
      const durable = path.join(this.buildsDir, sanitizeCcidPath(ccid));
      mkdirPrivate(durable);
      fs.writeFileSync(path.join(durable, 'build-info.json'), JSON.stringify({ builder_name: this.name }), { mode: 0o600 });
      fs.cpSync(rel, path.join(durable, 'release'), { recursive: true, preserveTimestamps: true });
      fs.cpSync(bld, path.join(durable, 'bld'), { recursive: true, preserveTimestamps: true });
      // The package store (core/chaincode/persistence: CCFileName, "<label>.<hash>.tar.gz"): the
      // peer saves the package before it builds and deletes it when the build fails.
      fs.mkdirSync(this.packagesDir, { recursive: true, mode: 0o750 });
      fs.copyFileSync(pkg.file, this.packagePath(ccid));
      this.own(this.fileSystemPath);
      result.durable = durable;
      result.ok = true;
      return result;
    } finally {
      if (!keepScratch) fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  own(dir) {
    if (!this.owner) return;
    const walk = (p) => {
      fs.lchownSync(p, this.owner.uid, this.owner.gid);
      if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    walk(dir);
  }

  packagePath(ccid) {
    return path.join(this.packagesDir, `${ccid.replace(':', '.')}.tar.gz`);
  }

  serverConnectionPath(ccid) {
    return path.join(this.buildsDir, sanitizeCcidPath(ccid), 'release', 'chaincode', 'server', 'connection.json');
  }

  // What the peer's launch reads: null means "call run" (no server connection file).
  chaincodeServerInfo(ccid, opts) {
    const p = this.serverConnectionPath(ccid);
    if (!fs.existsSync(p)) return null;
    return parseConnectionLikePeer(fs.readFileSync(p, 'utf8'), opts);
  }

  // The run path: RUN_METADATA_DIR = MkdirTemp("", "fabric-run") with chaincode.json (0600).
  runMetadataDir(ccid, { tls = false, certs = {} } = {}) {
    const dir = makeTempLikeGo(this.tmpdir, 'fabric-run');
    fs.writeFileSync(path.join(dir, 'chaincode.json'), JSON.stringify({
      chaincode_id: ccid, peer_address: 'peer0.org1.example.com:7052',
      client_cert: tls ? certs.cert : '', client_key: tls ? certs.key : '', root_cert: tls ? certs.ca : '',
      mspid: 'Org1MSP',
    }), { mode: 0o600 });
    return dir;
  }
}

module.exports = {
  BIN_DIR, Peer, makePackage, packageIdOf, sanitizeCcidPath, tempDir, writeTree, sh, makeTempLikeGo, mkdirPrivate,
};

// The files of a directory tree, as makePackage takes them.
function filesOf(root) {
  const files = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else files[path.relative(root, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return files;
}

// A package from fixtures/packages/<scenario>: metadata.json and code/.
function makePackageFromFixture(dir, opts = {}) {
  const metadata = fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8');
  const { label } = JSON.parse(metadata);
  return makePackage({ label, metadata, files: filesOf(path.join(dir, 'code')), ...opts });
}

// Lays a package out in <tmp>/fabric-<id><digits>/{src,metadata,bld,release} as the peer does,
// for tests that run the steps somewhere the harness cannot (an empty root). Returns the name.
function stageScratch(pkg, tmp) {
  const name = `fabric-${sanitizeCcidPath(pkg.id)}${randomDigits()}`;
  const scratch = path.join(tmp, name);
  for (const d of ['src', 'metadata', 'bld', 'release']) fs.mkdirSync(path.join(scratch, d), { recursive: true, mode: 0o700 });
  const outer = tempDir('ccaas-outer-');
  sh('tar', ['-xzf', pkg.file, '-C', outer]);
  sh('tar', ['-xzf', path.join(outer, 'code.tar.gz'), '-C', path.join(scratch, 'src')]);
  fs.copyFileSync(path.join(outer, 'metadata.json'), path.join(scratch, 'metadata/metadata.json'));
  fs.rmSync(outer, { recursive: true });
  return name;
}

// Measured durations ("0.4 ms", "12 ms") as "<ms>": tests compare lines, never timings, as text.
function maskMs(text) {
  return text.replace(/\d+(?:\.\d+)? ms\b/g, '<ms>');
}

module.exports.maskMs = maskMs;
module.exports.filesOf = filesOf;
module.exports.stageScratch = stageScratch;
module.exports.makePackageFromFixture = makePackageFromFixture;
