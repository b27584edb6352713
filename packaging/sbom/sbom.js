'use strict';
// The software bill of materials of the release tarball or of an image, CycloneDX 1.5 JSON, made with the CycloneDX
// project's own library (@cyclonedx/cyclonedx-library) and checked against the schema by its
// strict validator before it is written. What it lists comes from the binaries themselves: each
// one's `--version --verbose` names the libraries linked into it, with the versions they report
// at run time; the Debian package each came from is added as its purl. Reproducible: the time
// is the commit's, the serial number is derived from the tarball's SHA-256 (or the image's ID),
// lists are sorted.
//
//   node packaging/sbom/sbom.js --bin-dir DIR (--tarball FILE | --image-id sha256:...) --epoch SECONDS --out FILE
// With --image-id, DIR holds the binaries copied out of that image.

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const CDX = require('@cyclonedx/cyclonedx-library');

const STEPS = ['detect', 'build', 'release', 'run'];
// The Debian package that ships each library's static archive (or headers), for its purl.
const DEBIAN = {
  OpenSSL: 'libssl-dev', nghttp2: 'libnghttp2-dev', 'c-ares': 'libc-ares-dev', zlib: 'zlib1g-dev',
  'yaml-cpp': 'libyaml-cpp-dev', 'nlohmann/json': 'nlohmann-json3-dev',
};

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['bin-dir', 'epoch', 'out']) {
    if (!out[key]) throw new Error(`--${key} is missing`);
  }
  if (!out.tarball === !out['image-id']) throw new Error('one of --tarball and --image-id is needed');
  return out;
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// A program built for another machine runs under qemu-user (qemu-user-static), as the tests run it.
const QEMU = { arm64: 'qemu-aarch64-static', amd64: 'qemu-x86_64-static' };
let runner = null;

// "linked: OpenSSL 3.0.19 (OpenSSL_version)" -> { name, version, source }
function linkedLibraries(binary) {
  const text = runner ? execFileSync(runner, [binary, '--version', '--verbose'], { encoding: 'utf8' })
    : execFileSync(binary, ['--version', '--verbose'], { encoding: 'utf8' });
  return text.split('\n').filter((l) => l.startsWith('linked: ')).map((l) => {
    const m = /^linked: (\S+) (.+) \(([^()]+)\)$/.exec(l);
    if (!m) throw new Error(`${binary}: cannot read "${l}"`);
    return { name: m[1], version: m[2], source: m[3] };
  });
}

// pkg:deb/debian/<source package>@<source version>?arch=..., from dpkg (the package of that
// architecture, installed beside the machine's own by multiarch), or from the control fields
// bin/setup kept of a package it only unpacked (yaml-cpp for arm64); null where neither knows it.
function debianPurl(pkg, arch, hostArch) {
  const deps = process.env.CCAAS_BUILDER_STATIC_DEPS ?? '/opt/static-deps';
  const unpacked = path.join(deps, arch, 'sysroot', `${pkg}.control`);
  if (arch !== hostArch && fs.existsSync(unpacked)) {
    const fields = Object.fromEntries(fs.readFileSync(unpacked, 'utf8').trim().split('\n').map((l) => l.split(': ')));
    const source = (fields.Source ?? pkg).split(' ')[0];
    return `pkg:deb/debian/${source}@${encodeURIComponent(fields.Version)}?arch=${arch}`;
  }
  // The package of that architecture; a header-only one is "all", one copy for every architecture.
  for (const name of [`${pkg}:${arch}`, pkg]) {
    try {
      const out = execFileSync('dpkg-query', ['-W', '-f=${source:Package} ${source:Version} ${Architecture}\\n', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const [source, version, architecture] = (out.split('\n').find((l) => l.endsWith(` ${arch}`) || l.endsWith(' all')) ?? '').split(' ');
      if (architecture === 'all' || architecture === arch) {
        return `pkg:deb/debian/${source}@${encodeURIComponent(version)}?arch=${architecture === 'all' ? 'all' : arch}`;
      }
    } catch {
      // not installed under that name
    }
  }
  return null;
}

// curl and cpp-httplib come from Debian's source packages by bin/setup, which records each source's version.
const FROM_SOURCE = { libcurl: 'curl', 'cpp-httplib': 'cpp-httplib' };
function sourcePurl(source, arch, hostArch) {
  const deps = process.env.CCAAS_BUILDER_STATIC_DEPS ?? '/opt/static-deps';
  // curl is built per architecture (arm64's under <deps>/arm64/curl); cpp-httplib is a header.
  const own = path.join(deps, arch, source, 'debian-source-version');
  const recorded = arch !== hostArch && fs.existsSync(own) ? own : path.join(deps, source, 'debian-source-version');
  if (!fs.existsSync(recorded)) return null;
  return `pkg:deb/debian/${source}@${encodeURIComponent(fs.readFileSync(recorded, 'utf8').trim())}?arch=source`;
}

// A name-based UUID (version 5 layout) from the tarball's hash: the same tarball, the same serial.
function serialOf(tarballSha) {
  const b = Buffer.from(crypto.createHash('sha1').update(`ccaas-builder:${tarballSha}`).digest().subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function main() {
  const a = args();
  const hostArch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const arch = a.arch ?? hostArch;
  if (arch !== hostArch) runner = QEMU[arch];
  const version = /^ccaas-builder detect (\S+) /.exec(runner
    ? execFileSync(runner, [path.join(a['bin-dir'], 'detect'), '--version'], { encoding: 'utf8' })
    : execFileSync(path.join(a['bin-dir'], 'detect'), ['--version'], { encoding: 'utf8' }))[1];
  const SHA256 = CDX.Enums.HashAlgorithm['SHA-256'];

  const bom = new CDX.Models.Bom();
  const digest = a.tarball ? sha256(a.tarball) : a['image-id'].replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error(`--image-id: ${a['image-id']} is not sha256:<64 hex>`);
  bom.serialNumber = serialOf(digest);
  bom.metadata.timestamp = new Date(Number(a.epoch) * 1000);
  const type = a.tarball ? CDX.Enums.ComponentType.Application : CDX.Enums.ComponentType.Container;
  const product = new CDX.Models.Component(type, 'ccaas-builder', {
    version, bomRef: 'ccaas-builder', description: 'Hyperledger Fabric external builder for chaincode-as-a-service',
    licenses: new CDX.Models.LicenseRepository([new CDX.Models.SpdxLicense('Apache-2.0')]),
  });
  product.hashes.set(SHA256, digest);
  bom.metadata.component = product;

  const libraries = new Map(); // name -> { version, source, steps }
  const files = [];
  for (const step of STEPS) {
    const binary = path.join(a['bin-dir'], step);
    const file = new CDX.Models.Component(CDX.Enums.ComponentType.File, `bin/${step}`, { version, bomRef: `file:bin/${step}` });
    file.hashes.set(SHA256, sha256(binary));
    files.push([file, step]);
    for (const lib of linkedLibraries(binary)) {
      const seen = libraries.get(lib.name);
      if (seen && seen.version !== lib.version) throw new Error(`${lib.name}: ${seen.version} in one binary, ${lib.version} in ${step}`);
      libraries.set(lib.name, { ...lib, steps: [...(seen?.steps ?? []), step] });
    }
  }
  const libraryComponents = new Map();
  for (const [name, lib] of libraries) {
    const purl = FROM_SOURCE[name] ? sourcePurl(FROM_SOURCE[name], arch, hostArch) : DEBIAN[name] ? debianPurl(DEBIAN[name], arch, hostArch) : null;
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, name, {
      version: lib.version, bomRef: `lib:${name}`, ...(purl ? { purl } : {}),
      scope: CDX.Enums.ComponentScope.Required,
    });
    component.properties.add(new CDX.Models.Property('ccaas-builder:linked-into', lib.steps.join(' ')));
    component.properties.add(new CDX.Models.Property('ccaas-builder:version-from', lib.source));
    libraryComponents.set(name, component);
    bom.components.add(component);
  }
  for (const [file, step] of files) {
    for (const [name, lib] of libraries) {
      if (lib.steps.includes(step)) file.dependencies.add(libraryComponents.get(name).bomRef);
    }
    bom.components.add(file);
    product.dependencies.add(file.bomRef);
  }

  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot5));
  const json = `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
  const invalid = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5).validate(json);
  if (invalid !== null) throw new Error(`not valid CycloneDX 1.5: ${JSON.stringify(invalid)}`);
  const tmp = `${a.out}.tmp`;
  fs.writeFileSync(tmp, json, { mode: 0o644 });
  fs.renameSync(tmp, a.out);
}

main().catch((e) => {
  console.error(`sbom: error: ${e.message}`);
  process.exit(1);
});
