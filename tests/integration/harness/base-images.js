'use strict';
// The base images packaging/Dockerfile names, made here because no registry answers (as on an
// air-gapped build host):
//   debian:bookworm              debootstrap --variant=minbase, apt sources laid out as in the
//                                official image (/etc/apt/sources.list.d/debian.sources only);
//   busybox:1.36                 Debian's busybox-static with its applets linked in /bin;
//   hyperledger/fabric-peer:2.5 and :3.1  a stand-in of our own on busybox (image/fabric-peer/).
// and for linux/arm64 (makeArm64BaseImages), as a registry's multi-arch tags would give them to
// `docker build --platform linux/arm64`: busybox:1.36 from Debian's arm64 busybox-static, the
// stand-in peer built on it. One engine holds one image a tag, so these take the tags over:
// the image test makes them after its amd64 builds.
// debootstrap is the slow part (a minute or more): its result is kept as a tarball in the
// build tree and reused for a week; a fresh clone makes it.

const fs = require('node:fs');
const path = require('node:path');
const { sh } = require('./peer');

const MIRROR = 'http://deb.debian.org/debian';
const SECURITY = 'http://deb.debian.org/debian-security';
const STAND_IN_PEER = path.resolve(__dirname, '..', 'image', 'fabric-peer');
const WEEK_MS = 7 * 24 * 3600 * 1000;
const FABRIC_VERSIONS = ['2.5', '3.1']; // the Dockerfile's default, and the README's Fabric 3 build

const DEBIAN_SOURCES = `Types: deb
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${SECURITY}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

// A minbase bookworm root as a tarball (made once, then reused from cacheFile).
function debianTarball(work, cacheFile) {
  if (fs.existsSync(cacheFile) && Date.now() - fs.statSync(cacheFile).mtimeMs < WEEK_MS) return { file: cacheFile, made: false };
  const root = path.join(work, 'debian-rootfs');
  sh('debootstrap', ['--variant=minbase', 'bookworm', root, MIRROR]);
  fs.rmSync(path.join(root, 'etc/apt/sources.list'), { force: true });
  fs.writeFileSync(path.join(root, 'etc/apt/sources.list.d/debian.sources'), DEBIAN_SOURCES);
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const entry of fs.readdirSync(path.join(root, dir))) {
      if (entry !== 'partial' && entry !== 'lock') fs.rmSync(path.join(root, dir, entry), { recursive: true, force: true });
    }
  }
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.tmp-${process.pid}`;
  sh('tar', ['-C', root, '--numeric-owner', '-cf', tmp, '.']);
  fs.renameSync(tmp, cacheFile);
  fs.rmSync(root, { recursive: true, force: true });
  return { file: cacheFile, made: true };
}

// A busybox root: the binary given (the machine's /bin/busybox, or the arm64 one), its applets
// linked in /bin (the applet list is the same Debian build's, read from the machine's busybox).
function busyboxTree(work, binary = '/bin/busybox') {
  const root = path.join(work, 'busybox-rootfs');
  for (const d of ['bin', 'etc', 'root', 'tmp']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.copyFileSync(binary, path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of sh('/bin/busybox', ['--list']).split('\n').filter(Boolean)) {
    const link = path.join(root, 'bin', applet);
    if (!fs.existsSync(link)) fs.symlinkSync('busybox', link);
  }
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return root;
}

function importBusybox(engine, work) {
  const tree = busyboxTree(work);
  const tarball = `${tree}.tar`;
  sh('tar', ['-C', tree, '--numeric-owner', '-cf', tarball, '.']);
  engine.importTarball(tarball, 'busybox:1.36', ['CMD ["sh"]']);
  fs.rmSync(tree, { recursive: true, force: true });
  fs.rmSync(tarball, { force: true });
}

// Makes debian:bookworm and the stand-in peer (busybox comes first, see importBusybox);
// returns what it did, for the report.
function makeBaseImages(engine, work, cacheFile) {
  const started = Date.now();
  const debian = debianTarball(work, cacheFile);
  const debootstrapSeconds = (Date.now() - started) / 1000;
  engine.importTarball(debian.file, 'debian:bookworm', ['CMD ["bash"]']);
  for (const version of FABRIC_VERSIONS) {
    const peer = engine.build({ context: STAND_IN_PEER, tag: `hyperledger/fabric-peer:${version}`, buildArgs: { FABRIC_VERSION: version } });
    if (peer.status !== 0) throw new Error(`the stand-in fabric-peer image: ${peer.log.split('\n').slice(-5).join(' | ')}`);
  }
  return { debootstrapSeconds, debootstrapMade: debian.made, seconds: (Date.now() - started) / 1000 };
}

// Debian's busybox-static for arm64 (the same version as the machine's, multiarch), unpacked.
// Needs arm64 among dpkg's architectures, which bin/setup --arch arm64 adds.
function arm64Busybox(work) {
  const dir = path.join(work, 'busybox-arm64');
  fs.mkdirSync(dir, { recursive: true });
  const version = sh('dpkg-query', ['-W', '-f=${Version}', 'busybox-static']);
  sh('sh', ['-c', `cd '${dir}' && apt-get download -qq 'busybox-static:arm64=${version}' 2>/dev/null`]);
  const deb = fs.readdirSync(dir).find((f) => f.endsWith('_arm64.deb'));
  if (!deb) throw new Error(`apt-get download busybox-static:arm64=${version} gave no package (is arm64 among dpkg's architectures? bin/setup --arch arm64 adds it)`);
  sh('dpkg', ['-x', path.join(dir, deb), path.join(dir, 'root')]);
  return path.join(dir, 'root', 'bin', 'busybox');
}

// The linux/arm64 bases under the amd64 ones' tags: busybox as a one-layer image built from
// scratch for the platform (docker import keeps the engine's own architecture), the stand-in
// peer for each Fabric version on it. No step runs a program of the image, so no emulation.
function makeArm64BaseImages(engine, work) {
  const started = Date.now();
  const tree = busyboxTree(work, arm64Busybox(work));
  const context = path.join(work, 'busybox-arm64-context');
  fs.mkdirSync(context, { recursive: true });
  sh('tar', ['-C', tree, '--numeric-owner', '-cf', path.join(context, 'rootfs.tar'), '.']);
  fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nADD rootfs.tar /\nCMD ["sh"]\n');
  fs.rmSync(tree, { recursive: true, force: true });
  const images = [{ context, tag: 'busybox:1.36', buildArgs: {} },
    ...FABRIC_VERSIONS.map((version) => ({ context: STAND_IN_PEER, tag: `hyperledger/fabric-peer:${version}`, buildArgs: { FABRIC_VERSION: version } }))];
  for (const image of images) {
    const b = engine.build({ ...image, platform: 'linux/arm64' });
    if (b.status !== 0) throw new Error(`${image.tag} for linux/arm64: ${b.log.split('\n').slice(-5).join(' | ')}`);
  }
  fs.rmSync(context, { recursive: true, force: true });
  return { seconds: (Date.now() - started) / 1000 };
}

module.exports = { FABRIC_VERSIONS, importBusybox, makeBaseImages, makeArm64BaseImages, DEBIAN_SOURCES, STAND_IN_PEER };
