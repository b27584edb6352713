'use strict';
// packaging/Dockerfile built and run for real: a Docker engine of the test's own
// (harness/docker.js), base images made here (harness/base-images.js), every target built with
// BuildKit and no registry, the images checked from the inside, the builder run in them as the
// peer runs it, the Kubernetes manifests validated against the API's schemas and their
// init-container flow played with their own values, and a rebuild after a one-line change.
//
// Not a ctest entry: bin/test runs it once, alone, in the machine's network namespace, because
// the image build installs Debian's packages as bin/setup does (docker build --network host).
// Every container runs with --network none. Without root, Docker or a kernel that runs it, the
// suite says why and skips (exit 77 from tests/integration/suite); with
// CCAAS_BUILDER_IMAGE_TEST=require (CI) that is a failure instead.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const YAML = require('yaml');
const { Engine, DOCKER, DOCKERD, runningDaemons } = require('../harness/docker');
const { importBusybox, makeBaseImages, makeArm64BaseImages } = require('../harness/base-images');
const { parseBuilders } = require('../harness/registration');
const { BIN_DIR, Peer, makePackage, makePackageFromFixture, maskMs, tempDir } = require('../harness/peer');
const { Pki } = require('../harness/certs');
const { atomicWriterVolume } = require('../harness/kubelet');

const SHIM = path.resolve(__dirname, '../node_modules/.bin/fabric-chaincode-node');
const CHAINCODE = path.resolve(__dirname, '../chaincode');

// Waits until something accepts connections on 127.0.0.1:port.
async function waitForLoopbackPort(port, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

const top = path.resolve(__dirname, '../../..');
const REQUIRED = process.env.CCAAS_BUILDER_IMAGE_TEST === 'require';
const STEPS = ['build', 'detect', 'release', 'run'];
const FABRIC_STEPS = ['build', 'detect', 'release'];
const PEER_IMAGE = 'hyperledger/fabric-peer:2.5';
const DEBIAN_CACHE = path.join(top, 'build', 'image', 'debian-bookworm-minbase.tar');
// The kernel's handler for AArch64 programs, and the script that registers it for this test.
const BINFMT_AARCH64 = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
const BINFMT = path.join(top, 'tests/integration/qemu-binfmt');

function git(args) {
  const r = spawnSync('git', args, { cwd: top, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

function whyNot() {
  if (process.getuid() !== 0) return 'it needs root (dockerd, debootstrap)';
  for (const tool of [DOCKER, DOCKERD, '/usr/sbin/debootstrap', '/bin/busybox']) {
    if (!fs.existsSync(tool)) return `${tool} is missing (bin/setup installs docker.io, debootstrap and busybox-static)`;
  }
  if (git(['rev-parse', 'HEAD']) === null) return 'it needs a git checkout: the build context is the tracked files';
  const others = runningDaemons();
  if (others.length) return `a Docker daemon runs here already (pid ${others[0].pid}); the test starts its own, never one beside another`;
  return null;
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// A directory tree as {relative path: "mode sha256"}, to compare outputs made in two places.
function treeOf(root) {
  const out = {};
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      const mode = (fs.statSync(p).mode & 0o7777).toString(8);
      if (e.isDirectory()) { out[`${path.relative(root, p)}/`] = mode; walk(p); } else out[path.relative(root, p)] = `${mode} ${sha256(p)}`;
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

// What an install printed and left, for comparing the host's run with the image's (the scratch
// directory's name has random digits in it).
function installView(result) {
  const step = (s) => s && { code: s.code, stdout: s.stdout, lines: s.lines.map((l) => maskMs(l.split(result.scratch).join('<scratch>'))) };
  return {
    detect: step(result.detect), build: step(result.build), release: step(result.release), ok: result.ok,
    durable: result.durable ? treeOf(result.durable) : null,
  };
}

function freePort() {
  // A port that was free a moment ago on the host; nothing listens on it in a container.
  const r = spawnSync(process.execPath, ['-e', "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

// The files a build context needs: what git tracks, plus new files it does not ignore.
function copyContext(dest) {
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
  for (const rel of files) {
    const from = path.join(top, rel);
    if (!fs.existsSync(from) || fs.lstatSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.cpSync(from, path.join(dest, rel), { preserveTimestamps: true, verbatimSymlinks: true });
  }
  return files.length;
}

const timings = {};
const state = {};

// A test that builds on an earlier one's result says so when that one failed.
function needs(key, what) {
  assert.ok(state[key], `needs ${what}, which failed above`);
  return state[key];
}
// Builds the peer image of a mode (side-by-side, drop-in) on a Fabric version for a platform
// (the engine's own, or linux/arm64), and checks it: built on that version for that platform,
// the registration as the peer reads it, our programs those of the binaries image (binaries:
// their sha256 by step), Fabric's kept beside them, and the doctor run inside finding no error.
function checkPeerImage(mode, fabric, { binaries, platform }) {
  const suffix = platform ? `-${platform.split('/')[1]}` : '';
  const tag = `fabric-peer-ccaas:image-test-${mode}-${fabric}${suffix}`;
  const buildArgs = { CCAAS_BUILDER_COMMIT: state.commit, BUILDER_MODE: mode };
  if (fabric !== '2.5') buildArgs.FABRIC_VERSION = fabric; // 2.5: the Dockerfile's default
  const b = engine.build({ context: state.context, dockerfile: path.join(state.context, 'packaging/Dockerfile'), tag, buildArgs, platform });
  assert.equal(b.status, 0, b.log.split('\n').slice(-20).join('\n'));
  assert.ok(b.steps.filter((s) => /^\[(deps|build) .*\] (RUN|COPY)/.test(s.name)).every((s) => s.cached), 'the binaries are the ones built before');
  timings[`${mode} ${fabric}${suffix}`] = `${b.seconds.toFixed(0)} s`;
  assert.equal(engine.imagePlatform(tag), platform ?? engine.imagePlatform('debian:bookworm'), 'the image\'s platform');
  const config = engine.imageConfig(tag);
  assert.equal(config.Labels['org.hyperledger.fabric.version'], fabric, 'built on the Fabric version asked for');
  const value = config.Env.find((e) => e.startsWith('CORE_CHAINCODE_EXTERNALBUILDERS=')).slice('CORE_CHAINCODE_EXTERNALBUILDERS='.length);
  const builders = parseBuilders(value);
  const ours = builders[0];
  if (mode === 'side-by-side') {
    assert.deepEqual(builders.map((x) => [x.name, x.path]), [['ccaas-builder', '/opt/hyperledger/ccaas-builder'], ['ccaas_builder', '/opt/hyperledger/ccaas_builder']]);
  } else {
    assert.deepEqual(builders.map((x) => [x.name, x.path]), [['ccaas_builder', '/opt/hyperledger/ccaas_builder']]);
  }
  const out = path.join(work, `${mode}-${fabric}${suffix}`);
  engine.copyOut(tag, '/opt/hyperledger', out);
  const oursDir = path.join(out, 'hyperledger', path.basename(ours.path), 'bin');
  assert.deepEqual(fs.readdirSync(oursDir).sort(), STEPS);
  for (const s of STEPS) {
    assert.equal(sha256(path.join(oursDir, s)), binaries[s], `${ours.path}/bin/${s} is the binaries image's`);
    assert.equal((fs.statSync(path.join(oursDir, s)).mode & 0o7777).toString(8), '755');
  }
  if (mode === 'side-by-side') {
    const fabricBin = path.join(out, 'hyperledger', 'ccaas_builder', 'bin');
    for (const s of FABRIC_STEPS) assert.match(fs.readFileSync(path.join(fabricBin, s), 'utf8'), /^#!\/bin\/sh\n# Stand-in for Fabric's ccaas_builder/, `Fabric's ${s} kept`);
  }
  const doctor = engine.run(tag, [`${ours.path}/bin/run`, '--doctor', '--json'], { extra: platformFlag(platform) });
  const report = JSON.parse(doctor.stdout);
  assert.deepEqual(report.builders.map((x) => [x.name, x.ours, x.usable]),
    mode === 'side-by-side' ? [['ccaas-builder', true, true], ['ccaas_builder', false, true]] : [['ccaas_builder', true, true]]);
  assert.equal(report.config.core_yaml, '/var/hyperledger/fabric/config/core.yaml');
  assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), []);
  assert.equal(doctor.status, 0, doctor.stderr);
  timings.sizes += `, ${mode} on ${fabric}${suffix} ${mb(engine.imageSize(tag))}`;
  return { tag, ours };
}

// docker run's --platform for an image of another platform (else the engine warns on stderr).
const platformFlag = (platform) => (platform ? ['--platform', platform] : []);

// Five packages installed by the host's programs and by those in the image (tag, our builder at
// ours.path, each program in a container of its own), which must print and write the same:
// success, a package for another builder, bad input and a probe warning.
function installsAsOnHost(tag, ours, platform) {
  const tmp = tempDir('ccaas-image-peer-');
  const port = freePort();
  const packages = [
    makePackageFromFixture(path.join(top, 'fixtures/packages/asset-transfer'), { dir: tmp }),
    makePackageFromFixture(path.join(top, 'fixtures/packages/asset-transfer-mtls'), { dir: tmp }),
    makePackageFromFixture(path.join(top, 'fixtures/packages/docs-example'), { dir: tmp }),
    makePackage({ label: 'gocc_1.0', type: 'golang', files: { 'main.go': 'package main\n' }, dir: tmp }),
    makePackage({ label: 'closed_1.0', files: { 'connection.json': { address: `127.0.0.1:${port}`, dial_timeout: '2s', tls_required: false } }, dir: tmp }),
  ];
  const env = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0org1"}' };
  const peers = (pkg, n) => {
    const options = {
      tmpdir: tmp, fileSystemPath: path.join(tmp, `fs-${n}`),
      env: { ...env, ...(pkg.label === 'closed_1.0' ? { CCAAS_BUILDER_PROBE: 'warn' } : {}) },
    };
    return [new Peer(options), new Peer({
      ...options, fileSystemPath: path.join(tmp, `fs-${n}-image`), binDir: `${ours.path}/bin`,
      launcher: engine.launcher(tag, [`${tmp}:${tmp}`], { extra: platformFlag(platform) }),
    })];
  };
  const views = packages.map((pkg, n) => {
    const [onHost, inImage] = peers(pkg, n);
    const view = installView(onHost.install(pkg));
    assert.deepEqual(installView(inImage.install(pkg)), view, `${pkg.label}: the image's builder does what the host's does`);
    return view;
  });
  // Those covered success, a package for another builder, bad input and a probe warning (so
  // that the comparison compared something).
  assert.deepEqual(views.map((v) => [v.detect.code, v.build?.code ?? null, v.release?.code ?? null]),
    [[0, 0, 0], [0, 1, null], [0, 1, null], [1, null, null], [0, 0, 0]]);
  assert.match(views[4].release.lines.join('\n'), new RegExp(`127\\.0\\.0\\.1:${port}`));
  fs.rmSync(tmp, { recursive: true, force: true });
}

// bin/package --image TAG, with the engine's client: the SBOM's folder, file and contents.
function imageSbom(tag) {
  const out = tempDir('ccaas-image-sbom-');
  const r = spawnSync(path.join(top, 'bin/package'), ['--image', tag, '--out', out], {
    cwd: top, encoding: 'utf8', env: { ...process.env, ...engine.env, DOCKER },
  });
  assert.equal(r.status, 0, r.stderr);
  const file = r.stdout.trim();
  return { out, file, sbom: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

// The four programs of a binaries image, copied out into work/dir: mode 0755 each, and what
// file(1) says of each matching fileRe. Returns their sha256 by step.
function programsOf(tag, dir, fileRe) {
  const out = path.join(work, dir);
  engine.copyOut(tag, '/opt/ccaas-builder/bin', out);
  const bin = path.join(out, 'bin');
  assert.deepEqual(fs.readdirSync(bin).sort(), STEPS);
  for (const step of STEPS) {
    const file = path.join(bin, step);
    assert.equal((fs.statSync(file).mode & 0o7777).toString(8), '755', `${step} mode`);
    const r = spawnSync('file', ['-b', file], { encoding: 'utf8' });
    assert.match(r.stdout, fileRe, `${step}: ${r.stdout}`);
  }
  return Object.fromEntries(STEPS.map((s) => [s, sha256(path.join(bin, s))]));
}

// The image's detect, run by uid 65534 on a missing package, prints and exits as the host's does.
function detectAsOnHost(tag, platform) {
  const who = engine.run(tag, ['sh', '-c', '/opt/ccaas-builder/bin/detect /nonexistent /nonexistent; echo "exit $? as $(id -u)"'],
    { user: '65534:65534', extra: platformFlag(platform) });
  const onHost = spawnSync(path.join(BIN_DIR, 'detect'), ['/nonexistent', '/nonexistent'], { encoding: 'utf8' });
  assert.match(onHost.stderr, /^detect: error: \/nonexistent\/metadata\.json not found/);
  assert.deepEqual([who.stdout, who.stderr], [`exit ${onHost.status} as 65534\n`, onHost.stderr]);
}

// The seconds BuildKit reported for the build's steps whose names match re.
const stepSeconds = (b, re) => b.steps.filter((s) => re.test(s.name)).reduce((sum, s) => sum + (s.seconds ?? 0), 0);

const cannot = whyNot();
const work = cannot === null ? tempDir('ccaas-image-') : null;
const engine = work && new Engine(path.join(work, 'engine'));

// Whether this kernel runs Docker is known only by trying: the engine starts here, before the
// tests are declared, so that the suite can skip when it cannot.
function startEngine() {
  // A machine where Docker ran before keeps the docker0 bridge its dockerd left. Where there is
  // none, the test lays one down the same way (a bridge named docker0, down), so that every run
  // shows the engine leaves it alone; it removes only the one it made.
  state.hadBridge = spawnSync('ip', ['link', 'show', 'docker0']).status === 0;
  if (!state.hadBridge) state.madeBridge = spawnSync('ip', ['link', 'add', 'docker0', 'type', 'bridge']).status === 0;
  state.bridgeBefore = spawnSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' }).stdout.replace(/^\d+: /, '').split(' link/')[0];
  const failed = engine.start();
  if (failed) return `the kernel or machine cannot run Docker here: ${failed}`;
  importBusybox(engine, work);
  const hello = engine.run('busybox:1.36', ['true']);
  if (hello.status !== 0) return `the kernel cannot run a container here: ${hello.stderr.trim().split('\n').at(-1)}`;
  return null;
}

const skipReason = cannot ?? startEngine();
// The docker0 stand-in this run made, if any, goes when the run ends, whichever way it ends.
function removeMadeBridge() {
  if (state.madeBridge) spawnSync('ip', ['link', 'del', 'docker0']);
  state.madeBridge = false;
}

if (skipReason && engine) {
  engine.stop();
  fs.rmSync(work, { recursive: true, force: true });
  removeMadeBridge();
}

describe('the peer image', { skip: !REQUIRED && skipReason ? skipReason : false }, () => {
  before(() => {
    if (skipReason) throw new Error(`CCAAS_BUILDER_IMAGE_TEST=require, but the image test cannot run: ${skipReason}`);
    state.context = path.join(work, 'context');
    state.files = copyContext(state.context);
    state.commit = git(['describe', '--always', '--dirty', '--abbrev=12']).trim();
  });

  after(() => {
    if (state.binfmt) spawnSync(BINFMT, ['unregister']);
    if (engine && !state.stopped) engine.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    removeMadeBridge();
    const report = Object.entries(timings).map(([k, v]) => `${k} ${v}`).join('; ');
    if (report) process.stderr.write(`image test: ${report}\n`);
  });

  test('base images made here: debian:bookworm by debootstrap, busybox, a stand-in fabric-peer', () => {
    const made = makeBaseImages(engine, work, DEBIAN_CACHE);
    state.bases = true;
    timings['base images'] = `${made.seconds.toFixed(0)} s (debootstrap ${made.debootstrapMade ? `${made.debootstrapSeconds.toFixed(0)} s` : 'reused from build/image/'})`;
    const hello = engine.run('busybox:1.36', ['sh', '-c', 'echo "$(id -u) hello"']);  // imported at start
    assert.equal(hello.status, 0, `a container runs: ${hello.stderr}`);
    assert.equal(hello.stdout, '0 hello\n');
    const debian = engine.run('debian:bookworm', ['sh', '-c', 'cat /etc/debian_version; ls /etc/apt/sources.list.d; test ! -e /etc/apt/sources.list && echo no-sources.list']);
    assert.equal(debian.status, 0, debian.stderr);
    assert.match(debian.stdout, /^12\.\d+\ndebian\.sources\nno-sources\.list\n$/);
    const peerEnv = engine.imageConfig(PEER_IMAGE);
    assert.deepEqual(peerEnv.Cmd, ['peer', 'node', 'start']);
    assert.ok(peerEnv.Env.includes('FABRIC_CFG_PATH=/var/hyperledger/fabric/config'), peerEnv.Env.join(' '));
    assert.deepEqual(Object.keys(peerEnv.Volumes).sort(), ['/etc/hyperledger/fabric', '/var/hyperledger']);
  });

  test('--target binaries builds cold with BuildKit and no registry', (t) => {
    needs('bases', 'the base images');
    const b = engine.build({
      context: state.context, dockerfile: path.join(state.context, 'packaging/Dockerfile'), target: 'binaries',
      tag: 'ccaas-builder:image-test', buildArgs: { CCAAS_BUILDER_COMMIT: state.commit },
    });
    assert.equal(b.status, 0, `the build failed:\n${b.log.split('\n').slice(-30).join('\n')}`);
    assert.doesNotMatch(b.log, /docker\/dockerfile|pulling|resolve image config/i, 'no frontend or image was fetched');
    state.cold = { seconds: b.seconds, deps: stepSeconds(b, /^\[deps /), build: stepSeconds(b, /^\[build /) };
    assert.ok(b.steps.some((s) => /^\[deps \d+\/\d+\] RUN bin\/setup --deps-only$/.test(s.name) && !s.cached), 'the dependency step ran');
    timings['cold build'] = `${b.seconds.toFixed(0)} s (deps ${state.cold.deps.toFixed(0)} s, build ${state.cold.build.toFixed(0)} s)`;
    t.diagnostic(timings['cold build']);
  });

  test('the binaries image: four static programs, mode 0755, run by a non-root user, named by commit', () => {
    needs('cold', 'the cold build');
    state.binaries = programsOf('ccaas-builder:image-test', 'binaries', /statically linked/);
    const version = engine.run('ccaas-builder:image-test', ['/opt/ccaas-builder/bin/run', '--version'], { user: '65534:65534' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.split('\n')[0], `ccaas-builder run 0.1.0 (commit ${state.commit})`);
    detectAsOnHost('ccaas-builder:image-test');
    timings.sizes = `binaries ${mb(engine.imageSize('ccaas-builder:image-test'))}`;
  });

  for (const [mode, fabric] of [['side-by-side', '2.5'], ['drop-in', '2.5'], ['side-by-side', '3.1']]) {
    test(`${mode} on Fabric ${fabric}: the peer image registers ours as the peer reads it, and the doctor there agrees`, () => {
      needs('binaries', 'the binaries image');
      const made = checkPeerImage(mode, fabric, { binaries: state.binaries });
      if (fabric === '2.5') state[mode] = made;
    });
  }

  test('the image\'s SBOM: bin/package --image lists what the binaries in the image say of themselves', () => {
    needs('binaries', 'the binaries image');
    const { out, sbom } = imageSbom('ccaas-builder:image-test');
    assert.equal(sbom.metadata.component.type, 'container');
    const id = engine.must(['image', 'inspect', '--format', '{{.Id}}', 'ccaas-builder:image-test']).trim();
    assert.equal(`sha256:${sbom.metadata.component.hashes[0].content}`, id, 'the image it describes');
    const libraries = new Map(sbom.components.filter((c) => c.type === 'library').map((c) => [c.name, c]));
    for (const step of STEPS) {
      assert.equal(sbom.components.find((c) => c.name === `bin/${step}`).hashes[0].content, state.binaries[step], `bin/${step} as in the image`);
      const verbose = engine.run('ccaas-builder:image-test', [`/opt/ccaas-builder/bin/${step}`, '--version', '--verbose'], { user: '65534:65534' });
      assert.equal(verbose.status, 0, verbose.stderr);
      const linked = verbose.stdout.split('\n').filter((l) => l.startsWith('linked: ')).map((l) => /^linked: (\S+) (\S+) \(/.exec(l).slice(1));
      assert.ok(linked.length > 0, verbose.stdout);
      for (const [name, version] of linked) assert.equal(libraries.get(name)?.version, version, `${step}: ${name} in the image's SBOM`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
  test('detect, build and release inside the image print and write what they do on the host', () => {
    const { tag, ours } = needs('side-by-side', 'the side-by-side image');
    installsAsOnHost(tag, ours);
  });

  test('packaging/kubernetes: every object is valid against the Kubernetes API schemas', () => {
    const dir = path.join(top, 'packaging/kubernetes');
    const objects = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) objects.push({ file, obj: doc.toJS() });
    }
    const model = ({ apiVersion, kind }) => require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
    for (const { file, obj } of objects) {
      const Model = model(obj);
      assert.doesNotThrow(() => new Model(obj).validate(), `${file}: ${obj.kind} ${obj.metadata?.name}`);
    }
    assert.deepEqual(objects.map(({ file, obj }) => `${file} ${obj.kind}`).sort(),
      ['chaincode.yaml Deployment', 'chaincode.yaml Service', 'peer.yaml ConfigMap', 'peer.yaml Service', 'peer.yaml StatefulSet']);
    // The validator does reject a wrong object: a port as text, a mount without its path.
    const peer = structuredClone(objects.find((o) => o.file === 'peer.yaml' && o.obj.kind === 'StatefulSet').obj);
    peer.spec.template.spec.containers[0].ports[0].containerPort = '7051';
    assert.throws(() => new (model(peer))(peer).validate(), /containerPort must be integer/);
    delete peer.spec.template.spec.initContainers[0].volumeMounts[0].mountPath;
    assert.throws(() => new (model(peer))(peer).validate(), /volumeMounts\/0 must have required property mountPath/);
  });

  // The pod as the manifest runs it (its runAsUser, runAsGroup and fsGroup), and as OpenShift's
  // restricted-v2 SCC runs any pod: an arbitrary UID from the namespace's range, group 0, the
  // range's first ID as a supplementary group owning the volumes (kubelet's fsGroup: group-owned,
  // setgid, group-writable), whatever the manifest says.
  const OPENSHIFT_UID = 1000650000 + Math.floor(Math.random() * 10000);
  for (const variant of [
    { label: 'the manifest\'s user' },
    { label: 'OpenShift\'s restricted-v2: an arbitrary UID with group 0', uid: OPENSHIFT_UID, gid: 0, fsGroup: 1000650000 },
  ]) {
  test(`the StatefulSet played from the manifests (${variant.label}): the init container fills the volume, an unmodified peer runs ours as the pod would`, async () => {
    needs('binaries', 'the binaries image');
    const docs = (f) => YAML.parseAllDocuments(fs.readFileSync(path.join(top, 'packaging/kubernetes', f), 'utf8')).map((d) => d.toJS());
    const manifest = docs('peer.yaml');
    const set = manifest.find((d) => d.kind === 'StatefulSet');
    const pod = set.spec.template.spec;
    const [init] = pod.initContainers;
    const peerContainer = pod.containers.find((c) => c.name === 'peer');
    const peerEnv = Object.fromEntries(peerContainer.env.map((e) => [e.name, e.value]));
    const builders = parseBuilders(peerEnv.CORE_CHAINCODE_EXTERNALBUILDERS);
    const volumeOf = (mount) => pod.volumes.find((v) => v.name === mount.name);
    const builderMount = peerContainer.volumeMounts.find((m) => m.mountPath === builders[0].path);
    assert.ok(builderMount, 'the first builder is a mounted volume');
    assert.deepEqual(volumeOf(builderMount).emptyDir, {}, 'an emptyDir');
    assert.ok(pod.securityContext.runAsUser > 0 && pod.securityContext.runAsNonRoot);
    const { uid, gid, fsGroup } = variant.uid ? variant : { uid: pod.securityContext.runAsUser, gid: pod.securityContext.runAsGroup, fsGroup: pod.securityContext.fsGroup };
    const user = `${uid}:${gid}`;
    const groups = ['--group-add', String(fsGroup)]; // the pod's supplementary group
    // The images the manifest names: ours as built above, the peer as the stand-in.
    engine.must(['tag', 'ccaas-builder:image-test', init.image]);
    assert.equal(peerContainer.image, PEER_IMAGE);

    // Each volume as kubelet gives it to the pod: emptyDirs 0777, the claim owned by fsGroup, the
    // ConfigMap and the Secrets laid out by the atomic writer (links into a timestamped folder),
    // read-only; TMPDIR's emptyDir a tmpfs. Host paths, bound at the manifest's mount paths.
    const host = tempDir('ccaas-image-pod-');
    fs.chmodSync(host, 0o755);
    const core = YAML.parse(manifest.find((d) => d.kind === 'ConfigMap').data['core.yaml']);
    const ledger = path.join(host, 'ledger');
    fs.mkdirSync(ledger, { mode: 0o775 });
    if (variant.uid) {
      fs.chownSync(ledger, 0, fsGroup); // kubelet's fsGroup: the group's, setgid, group-writable
      fs.chmodSync(ledger, 0o2775);
    } else {
      fs.chownSync(ledger, uid, fsGroup);
    }
    const scratch = path.join(host, 'scratch'); // the harness's view of the peer's TMPDIR
    fs.mkdirSync(scratch, { mode: 0o777 });
    fs.chmodSync(scratch, 0o777);
    const pki = new Pki();
    const ca = pki.makeCa('ca', 'org1 CA');
    const tlsCert = pki.issue('ca', 'peer-tls', { cn: 'peer0.org1.example.com', sans: ['DNS:peer0.org1.example.com'] });
    const secretFiles = {
      'peer0-org1-msp': { 'key.pem': fs.readFileSync(tlsCert.keyFile, 'utf8'), 'cert.pem': fs.readFileSync(tlsCert.certFile, 'utf8'), 'cacert.pem': ca.cert, 'config.yaml': 'NodeOUs:\n  Enable: false\n' },
      'peer0-org1-tls': { 'tls.crt': fs.readFileSync(tlsCert.certFile, 'utf8'), 'tls.key': fs.readFileSync(tlsCert.keyFile, 'utf8'), 'ca.crt': ca.cert },
    };
    const volumes = [];
    const readOnlyMounts = [];
    let tmpfs = null;
    for (const mount of peerContainer.volumeMounts) {
      const volume = volumeOf(mount);
      const dir = path.join(host, `vol-${mount.name}`);
      if (!volume) {
        assert.equal(mount.name, set.spec.volumeClaimTemplates[0].metadata.name, `${mount.name}: the claim`);
        volumes.push(`${ledger}:${mount.mountPath}`);
        continue;
      }
      if (volume.configMap) {
        const data = manifest.find((d) => d.kind === 'ConfigMap' && d.metadata.name === volume.configMap.name).data;
        atomicWriterVolume(dir, data, { group: fsGroup });
      } else if (volume.secret) {
        const data = secretFiles[volume.secret.secretName];
        const files = volume.secret.items ? Object.fromEntries(volume.secret.items.map((i) => [i.path, data[i.key]])) : data;
        atomicWriterVolume(dir, files, { mode: volume.secret.defaultMode, group: fsGroup });
      } else if (mount.mountPath === peerEnv.TMPDIR) {
        tmpfs = `${mount.mountPath}:uid=${uid},gid=${fsGroup},mode=1777`;
        continue;
      } else {
        assert.deepEqual(volume.emptyDir, {}, `${mount.name}: an emptyDir`);
        fs.mkdirSync(dir, { mode: 0o777 });
        fs.chmodSync(dir, 0o777);
      }
      volumes.push(`${dir}:${mount.mountPath}${mount.readOnly ? ':ro' : ''}`);
      if (mount.readOnly) readOnlyMounts.push(mount.mountPath);
    }
    assert.ok(tmpfs, 'TMPDIR is an emptyDir');
    assert.equal(fs.readlinkSync(path.join(host, 'vol-config', 'core.yaml')), '..data/core.yaml');
    const builderDir = path.join(host, `vol-${builderMount.name}`);
    const initMount = init.volumeMounts.find((m) => m.name === builderMount.name);
    const copied = engine.run(init.image, init.command, { user, volumes: [`${builderDir}:${initMount.mountPath}`], extra: ['--read-only', ...groups] });
    assert.equal(copied.status, 0, `${init.command.join(' ')}: ${copied.stderr}`);
    const shape = ['--read-only', '--tmpfs', tmpfs, ...groups];
    const listing = engine.run(PEER_IMAGE, ['ls', '-l', `${builderMount.mountPath}/bin`], { user, volumes, extra: shape });
    assert.equal(listing.status, 0, listing.stderr);
    for (const s of STEPS) assert.match(listing.stdout, new RegExp(`^-rwxr-xr-x .* ${s}$`, 'm'));
    // the copied programs belong to the user that copied them, and stay executable by anyone
    for (const s of STEPS) assert.equal(fs.statSync(path.join(builderDir, 'bin', s)).uid, uid, `bin/${s}'s owner`);
    const written = engine.run(PEER_IMAGE, ['sh', '-c', `touch /x 2>&1; touch ${readOnlyMounts[0]}/x 2>&1; touch ${core.peer.fileSystemPath}/x && rm ${core.peer.fileSystemPath}/x && echo ledger-writable`], { user, volumes, extra: shape });
    assert.match(written.stdout, /Read-only file system[\s\S]*Read-only file system[\s\S]*ledger-writable/, written.stdout);

    // Install a package the way the peer would in that pod, as its user. Names do not resolve in
    // a container with no network: the probe says so in one warning line, and the install goes on.
    const peer = new Peer({
      tmpdir: scratch, fileSystemPath: ledger, binDir: `${builders[0].path}/bin`, name: builders[0].name,
      propagate: builders[0].propagateEnvironment, env: peerEnv, owner: { uid, gid },
      launcher: engine.launcher(PEER_IMAGE, [...volumes, `${scratch}:${scratch}`, `${ledger}:${ledger}`], { user, extra: shape }),
    });
    const pkg = makePackageFromFixture(path.join(top, 'fixtures/packages/asset-transfer'), { dir: scratch });
    const result = peer.install(pkg);
    assert.equal(result.ok, true, result.steps.map((s) => s.stderr).join('\n'));
    const connection = JSON.parse(fs.readFileSync(peer.serverConnectionPath(pkg.id), 'utf8'));
    // The released address is the Service that chaincode.yaml defines, in the peer's namespace.
    const service = docs('chaincode.yaml').find((d) => d.kind === 'Service');
    const fqdn = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    assert.equal(connection.address, `${fqdn}:${service.spec.ports[0].port}`);
    assert.equal(connection.dial_timeout, '10s');
    const warning = result.release.lines.filter((l) => /warn/i.test(l));
    assert.equal(warning.length, 1, result.release.lines.join('\n'));
    assert.match(warning[0], new RegExp(`${fqdn.replace(/\./g, '\\.')}`));
    assert.match(warning[0], /dns/i);

    // run --doctor in the same pod, as `kubectl exec ... run --doctor` would: the peer's config
    // through the ConfigMap's links, its ledger, the non-root user, a read-only root. The Service
    // answers on this machine's loopback (a fabric-shim server with the package's ID), the
    // container in the host's network with the Service's name in its /etc/hosts.
    const shim = spawn(process.execPath, [SHIM, 'server', '--chaincode-address', `127.0.0.1:${service.spec.ports[0].port}`, '--chaincode-id', pkg.id, '--module-path', CHAINCODE], { stdio: 'ignore' });
    try {
      await waitForLoopbackPort(service.spec.ports[0].port);
      const doctor = engine.run(PEER_IMAGE, [`${builders[0].path}/bin/run`, '--doctor', '--json'], {
        user, volumes, env: peerEnv, extra: [...shape, '--network', 'host', '--add-host', `${fqdn}:127.0.0.1`],
      });
      const report = JSON.parse(doctor.stdout);
      const errors = report.findings.filter((f) => f.severity === 'error');
      assert.equal(doctor.status, 0, `${doctor.stderr} ${JSON.stringify(errors)}`);
      assert.equal(report.ok, true);
      assert.equal(report.config.core_yaml, `${peerEnv.FABRIC_CFG_PATH}/core.yaml`);
      assert.equal(report.config.core_yaml_found, true, 'read through the ConfigMap\'s links');
      assert.equal(report.config.file_system_path, core.peer.fileSystemPath);
      assert.deepEqual(report.builders.map((b) => [b.name, b.ours]), builders.map((b, i) => [b.name, i === 0]));
      assert.deepEqual(report.builds.map((b) => [b.package_id, b.ok, b.ccid_reported]), [[pkg.id, true, pkg.id]]);
      assert.deepEqual(report.packages.map((p) => [p.package_id, p.claimed_by]), [[pkg.id, builders[0].name]]);

      // The exporter sidecar as the manifest gives it: its image, command, environment and mounts
      // (read-only where it says), the same user and read-only root; scraped from this machine as
      // Prometheus would, then stopped as kubelet stops a container (SIGTERM).
      const sidecar = pod.containers.find((c) => c.name === 'ccaas-builder-exporter');
      assert.equal(sidecar.image, PEER_IMAGE);
      const hostOf = (mount) => (volumeOf(mount) ? path.join(host, `vol-${mount.name}`) : ledger);
      const sidecarVolumes = sidecar.volumeMounts.filter((m) => m.mountPath !== peerEnv.TMPDIR)
        .map((m) => `${hostOf(m)}:${m.mountPath}${m.readOnly ? ':ro' : ''}`);
      const sidecarEnv = Object.fromEntries(sidecar.env.map((e) => [e.name, e.value]));
      const name = `ccaas-exporter-${process.pid}-${uid}`;
      const port = Number(sidecar.ports[0].containerPort);
      const started = engine.run(sidecar.image, sidecar.command, {
        user, volumes: sidecarVolumes, env: sidecarEnv,
        extra: ['-d', '--name', name, ...shape, '--network', 'host', '--add-host', `${fqdn}:127.0.0.1`],
      });
      assert.equal(started.status, 0, started.stderr);
      const waiter = spawn(DOCKER, ['wait', name], { env: engine.env, stdio: ['ignore', 'pipe', 'ignore'] });
      let exitText = '';
      waiter.stdout.on('data', (d) => { exitText += d; });
      const waited = new Promise((resolve) => waiter.once('exit', resolve));
      let body = '';
      for (let i = 0; i < 150 && !/^ccaas_builder_exporter_runs_total [1-9]/m.test(body); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        body = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      }
      const series = (metric) => body.split('\n').filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
      assert.deepEqual(series('ccaas_builder_chaincode_probe_success'),
        [`ccaas_builder_chaincode_probe_success{package_id="${pkg.id}",label="${pkg.label}",address="${connection.address}",builder="${builders[0].name}"} 1`], body);
      assert.deepEqual(series('ccaas_builder_builder_info').map((l) => /builder="([^"]+)".*usable="(\w+)"/.exec(l).slice(1)),
        builders.map((b) => [b.name, 'true']), 'every builder the peer lists is where the sidecar looks');
      assert.deepEqual(series('ccaas_builder_doctor_findings').filter((l) => l.includes('"error"')), ['ccaas_builder_doctor_findings{severity="error"} 0']);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      const stopping = process.hrtime.bigint();
      engine.must(['stop', '-t', '10', name]);
      await waited;
      const stopMs = Number(process.hrtime.bigint() - stopping) / 1e6;
      assert.equal(exitText.trim(), '0', 'exit 0 on SIGTERM');
      assert.ok(stopMs < 5000, `docker stop took ${stopMs} ms (the grace period is 10 s: SIGKILL was not needed)`);
    } finally {
      shim.kill('SIGKILL');
    }
    fs.rmSync(host, { recursive: true, force: true });
  });
  }

  // Docker 20.10's default builder (Debian 12's docker.io without DOCKER_BUILDKIT=1) sets no
  // platform arguments: the Dockerfile's default platform and bin/setup's native build serve it.
  test('the classic builder builds --target binaries for this machine: the same programs', () => {
    needs('binaries', 'the binaries image');
    const tag = 'ccaas-builder:image-test-classic';
    const b = engine.build({
      context: state.context, dockerfile: path.join(state.context, 'packaging/Dockerfile'), target: 'binaries',
      tag, buildArgs: { CCAAS_BUILDER_COMMIT: state.commit }, classic: true,
    });
    assert.equal(b.status, 0, `the build failed:\n${b.log.split('\n').slice(-30).join('\n')}`);
    assert.match(b.log, /^Step \d+\/\d+ : FROM --platform=\$\{BUILDPLATFORM:-linux\/amd64\} debian:bookworm AS deps$/m, 'the classic builder, not BuildKit');
    assert.match(b.log, /^Successfully tagged ccaas-builder:image-test-classic$/m);
    assert.equal(engine.imagePlatform(tag), engine.imagePlatform('debian:bookworm'));
    assert.deepEqual(programsOf(tag, 'binaries-classic', /statically linked/), state.binaries, 'byte for byte the BuildKit build\'s');
    timings['classic build'] = `${b.seconds.toFixed(0)} s`;
  });

  test('a one-line source change rebuilds with the dependency layers cached', (t) => {
    needs('cold', 'the cold build');
    const file = path.join(state.context, 'src/ccaas/cli/version.cpp');
    const before = fs.readFileSync(file, 'utf8');
    const lines = before.split('\n');
    const at = lines.findIndex((l) => l.includes('"built with libcurl "'));
    assert.ok(at >= 0, 'the line to change');
    lines[at] = lines[at].replace('"built with libcurl "', '"built (one-line change) with libcurl "');
    fs.writeFileSync(file, lines.join('\n'));
    const changed = before.split('\n').filter((l, i) => l !== lines[i]);
    assert.equal(changed.length, 1);
    const b = engine.build({
      context: state.context, dockerfile: path.join(state.context, 'packaging/Dockerfile'), target: 'binaries',
      tag: 'ccaas-builder:image-test-changed', buildArgs: { CCAAS_BUILDER_COMMIT: state.commit },
    });
    assert.equal(b.status, 0, b.log.split('\n').slice(-20).join('\n'));
    const deps = b.steps.filter((s) => /^\[deps \d+\/\d+\] (WORKDIR|COPY|RUN)/.test(s.name));
    assert.deepEqual(deps.map((s) => [s.name, s.cached]).sort(), [
      ['[deps 2/6] WORKDIR /src', true], ['[deps 3/6] COPY bin/setup bin/setup', true], ['[deps 4/6] RUN bin/setup --deps-only', true],
      ['[deps 5/6] COPY cmake/toolchain-linux-arm64.cmake cmake/toolchain-linux-arm64.cmake', true],
      ['[deps 6/6] RUN bin/setup --deps-only --arch "amd64"', true]]);
    const rebuilt = b.steps.find((s) => /^\[build \d+\/\d+\] RUN /.test(s.name));
    assert.equal(rebuilt.cached, false, 'the sources were compiled again');
    const version = engine.run('ccaas-builder:image-test-changed', ['/opt/ccaas-builder/bin/run', '--version']);
    assert.match(version.stdout, /^built \(one-line change\) with libcurl /m, 'the change is in the new binaries');
    timings['one-line change'] = `${b.seconds.toFixed(0)} s (${Math.round((100 * b.seconds) / state.cold.seconds)}% of the cold build)`;
    t.diagnostic(timings['one-line change']);
  });

  // linux/arm64, as `docker build --platform linux/arm64` makes it on this amd64 machine. The
  // arm64 bases take over the base images' tags (one image a tag in one engine), so these come
  // after every amd64 build above.
  test('linux/arm64 bases: busybox from Debian\'s arm64 busybox-static, the stand-in peer on it', () => {
    needs('bases', 'the base images');
    const made = makeArm64BaseImages(engine, work);
    for (const tag of ['busybox:1.36', 'hyperledger/fabric-peer:2.5', 'hyperledger/fabric-peer:3.1']) assert.equal(engine.imagePlatform(tag), 'linux/arm64', tag);
    assert.equal(engine.imagePlatform('debian:bookworm'), 'linux/amd64', 'the build platform\'s base is kept');
    const out = path.join(work, 'busybox-arm64-image');
    engine.copyOut('busybox:1.36', '/bin/busybox', out);
    assert.match(spawnSync('file', ['-b', path.join(out, 'busybox')], { encoding: 'utf8' }).stdout, /^ELF 64-bit LSB .*ARM aarch64.*statically linked/);
    state.arm64Bases = true;
    timings['arm64 bases'] = `${made.seconds.toFixed(0)} s`;
  });

  test('--target binaries for linux/arm64: cross-compiled in stages of the build platform, nothing run under emulation', (t) => {
    needs('arm64Bases', 'the arm64 base images');
    needs('binaries', 'the amd64 binaries image');
    // With no binfmt_misc handler for AArch64, any arm64 program run by a step fails ("exec
    // format error"): a build that succeeds then ran none. A machine that has one registered
    // already cannot show it, and says so.
    const handled = fs.existsSync(BINFMT_AARCH64);
    const tag = 'ccaas-builder:image-test-arm64';
    const b = engine.build({
      context: state.context, dockerfile: path.join(state.context, 'packaging/Dockerfile'), target: 'binaries',
      tag, platform: 'linux/arm64', buildArgs: { CCAAS_BUILDER_COMMIT: state.commit },
    });
    assert.equal(b.status, 0, `the build failed:\n${b.log.split('\n').slice(-30).join('\n')}`);
    const step = (re) => b.steps.find((s) => re.test(s.name)) ?? assert.fail(`no step ${re} in ${b.steps.map((s) => s.name).join(' | ')}`);
    assert.equal(step(/^\[deps \d+\/\d+\] RUN bin\/setup --deps-only$/).cached, true, 'the build platform\'s dependencies are the amd64 build\'s layer');
    assert.equal(step(/^\[deps \d+\/\d+\] RUN bin\/setup --deps-only --arch "arm64"$/).cached, false, 'the cross toolchain and arm64 libraries were added');
    assert.equal(step(/^\[build \d+\/\d+\] RUN .*bin\/setup --build-only --arch "arm64" --stage \/opt\/ccaas-builder$/).cached, false);
    assert.equal(engine.imagePlatform(tag), 'linux/arm64');
    timings['arm64 build'] = `${b.seconds.toFixed(0)} s (cross deps ${stepSeconds(b, /^\[deps .*--arch "arm64"/).toFixed(0)} s, build ${stepSeconds(b, /^\[build /).toFixed(0)} s)`;
    t.diagnostic(timings['arm64 build']);
    state.arm64Binaries = programsOf(tag, 'binaries-arm64', /^ELF 64-bit LSB .*ARM aarch64.*statically linked/);
    if (handled) {
      t.diagnostic(`${BINFMT_AARCH64} was registered before the test: that no step ran under emulation is not shown here`);
    } else {
      const r = engine.run(tag, ['/opt/ccaas-builder/bin/run', '--version'], { extra: platformFlag('linux/arm64') });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /exec format error/, 'no AArch64 handler during the build');
    }
    timings.sizes += `, binaries for arm64 ${mb(engine.imageSize(tag))}`;
  });

  test('the arm64 binaries image under qemu: its programs say what the amd64 ones say, for linux/arm64', () => {
    needs('arm64Binaries', 'the arm64 binaries image');
    const r = spawnSync(BINFMT, ['register'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${BINFMT} register: ${r.stderr}`);
    state.binfmt = true;
    const image = 'ccaas-builder:image-test-arm64';
    const inImage = (command) => engine.run(image, command, { user: '65534:65534', extra: platformFlag('linux/arm64') });
    for (const s of STEPS) {
      const verbose = inImage([`/opt/ccaas-builder/bin/${s}`, '--version', '--verbose']);
      assert.equal(verbose.status, 0, verbose.stderr);
      assert.equal(verbose.stdout.split('\n')[0], `ccaas-builder ${s} 0.1.0 (commit ${state.commit})`);
      assert.match(verbose.stdout, /^platform: linux\/arm64$/m, `${s} says it was built for arm64`);
      const amd64 = engine.run('ccaas-builder:image-test', [`/opt/ccaas-builder/bin/${s}`, '--version', '--verbose']);
      const linked = (text) => text.split('\n').filter((l) => l.startsWith('linked: '));
      assert.deepEqual(linked(verbose.stdout), linked(amd64.stdout), `${s}: the same libraries as the amd64 build`);
    }
    detectAsOnHost(image, 'linux/arm64');
  });

  test('the arm64 image\'s SBOM: bin/package --image names linux/arm64 and the arm64 packages', () => {
    needs('arm64Binaries', 'the arm64 binaries image');
    const { out, file, sbom } = imageSbom('ccaas-builder:image-test-arm64');
    assert.match(path.basename(file), /^ccaas-builder-0\.1\.0-linux-arm64-image\.cdx\.json$/);
    for (const s of STEPS) assert.equal(sbom.components.find((c) => c.name === `bin/${s}`).hashes[0].content, state.arm64Binaries[s], `bin/${s}`);
    const purls = sbom.components.filter((c) => c.type === 'library').map((c) => c.purl);
    assert.ok(purls.some((p) => /^pkg:deb\/debian\/openssl@.*\?arch=arm64$/.test(p)), purls.join(' '));
    assert.deepEqual(purls.filter((p) => /arch=amd64/.test(p)), [], 'no amd64 package');
    fs.rmSync(out, { recursive: true, force: true });
  });

  for (const mode of ['side-by-side', 'drop-in']) {
    test(`${mode} on Fabric 2.5 for linux/arm64: over the arm64 peer, the doctor there (under qemu) agrees`, () => {
      needs('binfmt', 'qemu registered for AArch64');
      state[`${mode}-arm64`] = checkPeerImage(mode, '2.5', { binaries: state.arm64Binaries, platform: 'linux/arm64' });
    });
  }

  test('detect, build and release inside the arm64 image (under qemu) print and write what they do on the host', () => {
    const { tag, ours } = needs('side-by-side-arm64', 'the arm64 side-by-side image');
    installsAsOnHost(tag, ours, 'linux/arm64');
  });

  test('the engine stops by its PID and leaves nothing behind', () => {
    const left = engine.stop();
    state.stopped = true;
    assert.deepEqual(left, { processes: [], mounts: [], bridge: false }, 'the engine\'s own bridge is gone too');
    assert.equal(fs.existsSync(engine.root), false);
    const docker0 = spawnSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' });
    assert.equal(docker0.status, 0, 'the docker0 bridge an earlier engine left is still there');
    assert.equal(docker0.stdout.replace(/^\d+: /, '').split(' link/')[0], state.bridgeBefore, 'and as it was');
    removeMadeBridge();
  });
});

