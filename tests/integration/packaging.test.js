'use strict';
// The three ways operators install a builder (peer image, volume in Kubernetes, release tarball)
// and what they depend on: the Dockerfile's and the YAML files' builder registration parsed the
// way the peer parses CORE_CHAINCODE_EXTERNALBUILDERS, every variable the code reads listed for
// propagation, the tarball reproducible and working in an empty root.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const YAML = require('yaml');
const { BIN_DIR, makePackage, stageScratch, tempDir, sh } = require('./harness/peer');
const { parseBuilders } = require('./harness/registration');

const top = path.resolve(__dirname, '../..');
// The platform of the programs under test: this machine's, or arm64 for the cross build.
const ARCH = process.env.CCAAS_BUILDER_ARCH ?? (process.arch === 'x64' ? 'amd64' : process.arch);
const packaging = path.join(top, 'packaging');
const expectStatic = process.env.CCAAS_BUILDER_EXPECT_STATIC !== '0';
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((p) => fs.existsSync(p));
const PEER_DEFAULTS = ['LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR']; // the peer always passes these

// Every environment variable the code reads, from the code itself: a new one without
// documentation fails these tests.
function variablesReadByCode() {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(p); continue; }
      const text = fs.readFileSync(p, 'utf8');
      for (const m of text.matchAll(/EnvVar\s+\w+\s*\{\s*"([A-Z0-9_]+)"/g)) names.add(m[1]);
      for (const m of text.matchAll(/getenv\("([A-Z0-9_]+)"\)/g)) names.add(m[1]);
    }
  };
  walk(path.join(top, 'src'));
  return [...names].filter((n) => !PEER_DEFAULTS.includes(n)).sort();
}

function dockerfileStages() {
  const stages = {};
  let current = null;
  const args = {};
  for (const raw of fs.readFileSync(path.join(packaging, 'Dockerfile'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [instruction, ...rest] = line.split(/\s+/);
    const body = line.slice(instruction.length).trim();
    if (instruction === 'ARG' && current === null) {
      const [k, v] = body.split('=');
      args[k] = v;
    } else if (instruction === 'FROM') {
      const m = /^(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(body);
      current = { platform: m[1] ?? null, from: m[2], name: m[3] ?? '(final)', copies: [], env: {}, runs: [], workdir: null, args: [] };
      stages[current.name] = current;
    } else if (instruction === 'COPY') {
      current.copies.push(rest);
    } else if (instruction === 'ENV') {
      const m = /^(\w+)="(.*)"$/.exec(body);
      current.env[m[1]] = m[2];
    } else if (instruction === 'RUN') {
      current.runs.push(body);
    } else if (instruction === 'ARG') {
      current.args.push({ name: body, beforeRun: current.runs.length });
    } else if (instruction === 'WORKDIR') {
      current.workdir = body;
    }
  }
  return { args, stages };
}

test('the repository root holds only what the tree in docs/development.md explains', () => {
  const tracked = sh('git', ['-C', top, 'ls-files']).split('\n').filter(Boolean);
  const roots = [...new Set(tracked.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))].sort();
  const manual = fs.readFileSync(path.join(top, 'docs', 'development.md'), 'utf8');
  const tree = /## The tree\n\n```\n([\s\S]*?)\n```/.exec(manual)?.[1];
  assert.ok(tree, 'docs/development.md has a tree');
  // A name counts as explained where it starts a line of the tree or follows "; " in one.
  const explained = new Set(tree.split('\n').flatMap((line) => [line.split(/\s+/)[0], ...[...line.matchAll(/; (\S+):/g)].map((m) => m[1])]));
  const unexplained = roots.filter((name) => !explained.has(name) && ![...explained].some((e) => e.startsWith(name)));
  assert.deepEqual(unexplained, [], `files at the root that the tree does not explain: ${unexplained.join(', ')}`);
});

test('the README is a first page, and every page of the manual it links is there and linked', () => {
  const readme = fs.readFileSync(path.join(top, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 200, `README.md: ${readme.split('\n').length} lines`);
  const pages = fs.readdirSync(path.join(top, 'docs')).filter((f) => f.endsWith('.md')).sort();
  const linked = [...new Set([...readme.matchAll(/\]\(docs\/([a-z-]+\.md)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(linked, pages, 'each page of docs/ linked from the README, and each link a page');
  for (const page of pages) assert.match(fs.readFileSync(path.join(top, 'docs', page), 'utf8'), /^# \S/, `${page} has a title`);
});

test('the code reads exactly the documented variables', () => {
  assert.deepEqual(variablesReadByCode(), ['CCAAS_BUILDER_DIAL_TIMEOUT', 'CCAAS_BUILDER_PROBE', 'CCAAS_BUILDER_TYPES', 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG']);
  const readme = fs.readFileSync(path.join(top, 'README.md'), 'utf8');
  for (const name of variablesReadByCode()) assert.match(readme, new RegExp(`\\| \`${name}\` \\|`), `${name} in the README's table`);
});

test('packaging/Dockerfile: builds with bin/setup, copies the binaries where the peer environment registers them', () => {
  const { args, stages } = dockerfileStages();
  const vars = variablesReadByCode();
  assert.equal(args.FABRIC_VERSION, '2.5');
  assert.equal(args.BUILDER_MODE, 'side-by-side');
  // The dependency layer depends on bin/setup alone; the target's cross toolchain comes in the
  // next (TARGETARCH declared after the first RUN, which stays every target's); the sources after.
  // Both run on the build platform: nothing is compiled under emulation for another target.
  assert.equal(stages.deps.from, 'debian:bookworm');
  assert.equal(stages.deps.platform, '${BUILDPLATFORM:-linux/amd64}', 'the build platform (BuildKit); the classic builder sets none');
  assert.deepEqual(stages.deps.copies, [['bin/setup', 'bin/setup'], ['cmake/toolchain-linux-arm64.cmake', 'cmake/toolchain-linux-arm64.cmake']]);
  assert.deepEqual(stages.deps.runs, ['bin/setup --deps-only', 'bin/setup --deps-only --arch "$TARGETARCH"']);
  assert.deepEqual(stages.deps.args, [{ name: 'TARGETARCH', beforeRun: 1 }]);
  assert.equal(stages.build.from, 'deps');
  assert.deepEqual(stages.build.copies, [['.', '.']]);
  assert.deepEqual(stages.build.runs, ['CCAAS_BUILDER_COMMIT=${CCAAS_BUILDER_COMMIT} bin/setup --build-only --arch "$TARGETARCH" --stage /opt/ccaas-builder']);
  assert.doesNotMatch(fs.readFileSync(path.join(packaging, 'Dockerfile'), 'utf8'), /^# *syntax=/m, 'no frontend to fetch');
  // bin/setup --stage installs the target's programs in <dir>/bin
  const source = '/opt/ccaas-builder/bin/';
  assert.match(fs.readFileSync(path.join(top, 'bin/setup'), 'utf8'), /--component builder --prefix "\$stage"/);
  assert.equal(stages['(final)'].from, '${BUILDER_MODE}');
  for (const mode of ['side-by-side', 'drop-in']) {
    const stage = stages[mode];
    assert.equal(stage.from, 'hyperledger/fabric-peer:${FABRIC_VERSION}');
    const builders = parseBuilders(stage.env.CORE_CHAINCODE_EXTERNALBUILDERS);
    const ours = builders[0];
    assert.deepEqual(stage.copies, [['--from=build', source, `${ours.path}/bin/`]], `${mode}: COPY into the registered path`);
    assert.deepEqual([...ours.propagateEnvironment].sort(), vars, `${mode}: every variable the code reads is propagated`);
    if (mode === 'side-by-side') {
      assert.deepEqual([ours.name, ours.path], ['ccaas-builder', '/opt/hyperledger/ccaas-builder']);
      assert.deepEqual(builders[1], { name: 'ccaas_builder', path: '/opt/hyperledger/ccaas_builder', propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] });
      assert.equal(builders.length, 2);
    } else {
      assert.deepEqual([ours.name, ours.path, builders.length], ['ccaas_builder', '/opt/hyperledger/ccaas_builder', 1]);
    }
  }
  assert.deepEqual(stages.binaries.copies, [['--from=build', source, '/opt/ccaas-builder/bin/']]);
  assert.match(fs.readFileSync(path.join(top, '.dockerignore'), 'utf8'), /^build\/$/m);
});

test('every YAML file under packaging/ parses, and the core.yaml snippet registers the builder', () => {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|snippet)$/.test(e.name)) files.push(p);
    }
  };
  walk(packaging);
  assert.ok(files.length >= 3, files.join(' '));
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${file}: ${doc.errors.join('; ')}`);
    }
  }
  const snippet = YAML.parse(fs.readFileSync(path.join(packaging, 'core.yaml.snippet'), 'utf8'));
  const builders = parseBuilders(JSON.stringify(snippet.chaincode.externalBuilders));
  assert.deepEqual([builders[0].name, builders[0].path], ['ccaas-builder', '/opt/hyperledger/ccaas-builder']);
  assert.deepEqual([...builders[0].propagateEnvironment].sort(), variablesReadByCode());
  // the README's core.yaml example is the snippet's
  const readme = fs.readFileSync(path.join(top, 'README.md'), 'utf8');
  const block = /```yaml\n(chaincode:\n[\s\S]*?)```/.exec(readme);
  assert.ok(block, 'a core.yaml example in the README');
  assert.deepEqual(YAML.parse(block[1]), snippet);
});

test('packaging/kubernetes: the init container fills the volume the peer registers; the Service matches the fixture address', () => {
  const docs = (f) => YAML.parseAllDocuments(fs.readFileSync(path.join(packaging, 'kubernetes', f), 'utf8')).map((d) => d.toJS());
  const peerDocs = docs('peer.yaml');
  const peer = peerDocs.find((d) => d.kind === 'StatefulSet');
  const spec = peer.spec.template.spec;
  const container = spec.containers.find((c) => c.name === 'peer');
  // As operators run peers: non-root, a read-only root, the ledger on a claim, core.yaml from a
  // ConfigMap at FABRIC_CFG_PATH, MSP and TLS from Secrets, TMPDIR on an emptyDir.
  assert.equal(spec.securityContext.runAsNonRoot, true);
  assert.ok(spec.securityContext.runAsUser > 0);
  for (const c of [...spec.initContainers, container]) assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${c.name}: read-only root`);
  const mountOf = (mountPath) => container.volumeMounts.find((m) => m.mountPath === mountPath);
  const volumeOf = (mountPath) => spec.volumes.find((v) => v.name === mountOf(mountPath)?.name);
  const envOf = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  const configMap = peerDocs.find((d) => d.kind === 'ConfigMap');
  assert.equal(volumeOf(envOf.FABRIC_CFG_PATH).configMap.name, configMap.metadata.name, 'FABRIC_CFG_PATH is the ConfigMap');
  const core = YAML.parse(configMap.data['core.yaml']);
  assert.equal(peer.spec.volumeClaimTemplates[0].metadata.name, mountOf(core.peer.fileSystemPath).name, 'the ledger is the claim');
  assert.ok(volumeOf(core.peer.mspConfigPath).secret, 'MSP from a Secret');
  assert.ok(volumeOf(path.dirname(core.peer.tls.cert.file)).secret, 'TLS from a Secret');
  assert.deepEqual(volumeOf(envOf.TMPDIR).emptyDir, {}, 'TMPDIR on an emptyDir');
  assert.equal(peerDocs.find((d) => d.kind === 'Service').metadata.name, peer.spec.serviceName);
  assert.match(fs.readFileSync(path.join(packaging, 'kubernetes', 'peer.yaml'), 'utf8'), /kubectl -n org1 exec peer0-org1-0 -c peer -- \/opt\/hyperledger\/ccaas-builder\/bin\/run --doctor/);
  assert.match(container.image, /^hyperledger\/fabric-peer:/);
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  const builders = parseBuilders(env.CORE_CHAINCODE_EXTERNALBUILDERS);
  const { stages } = dockerfileStages();
  assert.deepEqual(builders, parseBuilders(stages['side-by-side'].env.CORE_CHAINCODE_EXTERNALBUILDERS), 'the same registration as the image');
  for (const name of variablesReadByCode()) assert.ok(name in env, `${name} set for the peer`);
  assert.equal(typeof JSON.parse(env.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG), 'object');
  const mount = container.volumeMounts.find((m) => m.mountPath === builders[0].path);
  assert.ok(mount, 'the builder path is a volume');
  assert.deepEqual(spec.volumes.find((v) => v.name === mount.name), { name: mount.name, emptyDir: {} });
  const init = spec.initContainers[0];
  const initMount = init.volumeMounts.find((m) => m.name === mount.name);
  assert.deepEqual(init.command, ['cp', '-a', '/opt/ccaas-builder/bin', `${initMount.mountPath}/`], 'copies bin/ into the volume');
  assert.deepEqual(stages.binaries.copies[0].slice(-1), ['/opt/ccaas-builder/bin/'], 'from where the binaries image holds them');

  const [deployment, service] = docs('chaincode.yaml');
  const ccEnv = Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
  assert.match(ccEnv.CHAINCODE_ID, /^asset-transfer_1\.0:/);
  const [, port] = ccEnv.CHAINCODE_SERVER_ADDRESS.split(':');
  assert.equal(service.spec.ports[0].targetPort, Number(port));
  // fixtures/packages/asset-transfer's address, rendered with this peer's peername
  const fixture = JSON.parse(fs.readFileSync(path.join(top, 'fixtures/packages/asset-transfer/code/connection.json'), 'utf8'));
  const rendered = fixture.address.replace('{{.peername}}', JSON.parse(env.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG).peername);
  assert.equal(rendered, `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${service.spec.ports[0].port}`);
  assert.equal(JSON.parse(fs.readFileSync(path.join(top, 'fixtures/packages/asset-transfer/metadata.json'))).label, 'asset-transfer_1.0');
});

test('the README gives the exact commands of the three ways to install', () => {
  const readme = fs.readFileSync(path.join(top, 'README.md'), 'utf8');
  for (const command of [
    'docker build -f packaging/Dockerfile --build-arg CCAAS_BUILDER_COMMIT=$c -t fabric-peer-ccaas:2.5 .',
    'docker build -f packaging/Dockerfile --build-arg CCAAS_BUILDER_COMMIT=$c --build-arg BUILDER_MODE=drop-in -t fabric-peer-ccaas:2.5-drop-in .',
    'docker build -f packaging/Dockerfile --build-arg CCAAS_BUILDER_COMMIT=$c --target binaries -t ccaas-builder:0.1.0 .',
    'docker build --platform linux/arm64 -f packaging/Dockerfile --build-arg CCAAS_BUILDER_COMMIT=$c --target binaries -t ccaas-builder:0.1.0-arm64 .',
    'kubectl apply -f packaging/kubernetes/peer.yaml',
    'bin/package',
    'tar -C /opt/hyperledger/ccaas-builder -xzf ccaas-builder-',
    'sha256sum -c SHA256SUMS',
    'run --check',
  ]) {
    assert.ok(readme.includes(command), `README: ${command}`);
  }
});

test('the release tarball: the same bytes twice, the files it promises, and it runs in an empty root', { skip: !expectStatic && 'sanitizer build: the tarball holds the static binaries' }, () => {
  const a = tempDir('ccaas-dist-a-');
  const b = tempDir('ccaas-dist-b-');
  const first = sh(path.join(top, 'bin/package'), ['--arch', ARCH, '--bin-dir', BIN_DIR, '--out', a]).trim();
  const second = sh(path.join(top, 'bin/package'), ['--arch', ARCH, '--bin-dir', BIN_DIR, '--out', b]).trim();
  assert.match(path.basename(first), new RegExp(`^ccaas-builder-\\d+\\.\\d+\\.\\d+-linux-${ARCH}\\.tar\\.gz$`));
  assert.deepEqual(fs.readFileSync(first), fs.readFileSync(second), 'byte-identical');
  const listing = sh('tar', ['-tvzf', first]).trim().split('\n');
  assert.deepEqual(listing.map((l) => l.split(/\s+/).pop()), ['bin/', 'bin/build', 'bin/detect', 'bin/release', 'bin/run', 'LICENSE', 'README.md', 'SHA256SUMS']);
  for (const l of listing) assert.match(l, /^[-d]rw[-x]r-[-x]r-[-x] 0\/0 /, l);
  assert.match(fs.readFileSync(path.join(top, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);

  // The SBOM beside it: the same bytes twice, valid CycloneDX 1.5 (the library's own strict
  // validator), and exactly what the binaries say of themselves with --version --verbose.
  const sbomOf = (tarball) => tarball.replace(/\.tar\.gz$/, '.cdx.json');
  assert.deepEqual(fs.readFileSync(sbomOf(first)), fs.readFileSync(sbomOf(second)), 'the SBOM is byte-identical too');
  const sbomText = fs.readFileSync(sbomOf(first), 'utf8');
  const sbom = JSON.parse(sbomText);
  const validate = `const CDX = require('@cyclonedx/cyclonedx-library'); new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5).validate(require('node:fs').readFileSync(0, 'utf8')).then((e) => { console.log(JSON.stringify(e)); })`;
  assert.equal(sh(process.execPath, ['-e', validate], { cwd: path.join(top, 'packaging/sbom'), input: sbomText }).trim(), 'null', 'valid CycloneDX 1.5');
  assert.equal(sbom.bomFormat, 'CycloneDX');
  assert.equal(sbom.metadata.component.name, 'ccaas-builder');
  assert.equal(sbom.metadata.component.hashes[0].content, crypto.createHash('sha256').update(fs.readFileSync(first)).digest('hex'));
  const sums = Object.fromEntries(sh('tar', ['-xzOf', first, 'SHA256SUMS']).trim().split('\n').map((l) => l.split(/\s+/).reverse()));
  const libraries = new Map(sbom.components.filter((c) => c.type === 'library').map((c) => [c.name, c]));
  for (const step of ['detect', 'build', 'release', 'run']) {
    const file = sbom.components.find((c) => c.name === `bin/${step}`);
    assert.equal(file.hashes[0].content, sums[`bin/${step}`], `bin/${step}'s hash`);
    const verbose = sh(path.join(BIN_DIR, step), ['--version', '--verbose']);
    const linked = verbose.split('\n').filter((l) => l.startsWith('linked: ')).map((l) => /^linked: (\S+) (\S+) \(/.exec(l).slice(1));
    assert.ok(linked.some(([name]) => name === 'nlohmann/json'), verbose);
    for (const [name, version] of linked) {
      assert.equal(libraries.get(name)?.version, version, `${name} in the SBOM as ${step} reports it`);
      assert.ok(libraries.get(name).properties.find((p) => p.name === 'ccaas-builder:linked-into').value.split(' ').includes(step));
    }
    const dependsOn = sbom.dependencies.find((d) => d.ref === `file:bin/${step}`)?.dependsOn ?? [];
    assert.deepEqual([...dependsOn].sort(), linked.map(([name]) => `lib:${name}`).sort(), `bin/${step} depends on what it links`);
  }
  assert.deepEqual([...libraries.keys()].sort(), ['OpenSSL', 'c-ares', 'cpp-httplib', 'libcurl', 'nghttp2', 'nlohmann/json', 'yaml-cpp', 'zlib']);
  for (const [name, c] of libraries) assert.match(c.purl ?? '', new RegExp(`^pkg:deb/debian/[a-z0-9.+-]+@\\S+\\?arch=(${ARCH}|all|source)$`), `${name}'s purl`);
  assert.ok([...libraries.values()].some((c) => c.purl.endsWith(`?arch=${ARCH}`)), `the ${ARCH} libraries are named as such`);

  // Unpack into an empty root and install the demo package there, as a peer would.
  const root = tempDir('ccaas-root-');
  const dest = path.join(root, 'opt/hyperledger/ccaas-builder');
  fs.mkdirSync(dest, { recursive: true });
  sh('tar', ['-C', dest, '-xzf', first]);
  assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dest }), /bin\/run: OK/);
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
  const env = { PATH: '/opt/hyperledger/ccaas-builder/bin', TMPDIR: '/tmp', CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"peername":"peer0org1"}', CCAAS_BUILDER_PROBE: 'off' };
  const inRoot = (args) => spawnSync(CHROOT, [root, ...args], { env, encoding: 'utf8' });
  for (const step of ['detect', 'build', 'release', 'run']) {
    const version = inRoot([`/opt/hyperledger/ccaas-builder/bin/${step}`, '--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, new RegExp(`^ccaas-builder ${step} \\d+\\.\\d+\\.\\d+ \\(commit [0-9a-f]+(-dirty)?\\)\\nbuilt with libcurl [\\d.]+, OpenSSL [\\d.]+, nghttp2 [\\d.]+, c-ares [\\d.]+\\n$`));
    const help = inRoot([`/opt/hyperledger/ccaas-builder/bin/${step}`, '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`^usage: ${step} `));
    assert.equal(help.stderr, '');
  }
  const pkg = makePackage({ label: 'asset-transfer_1.0', files: JSON.parse(JSON.stringify({
    'connection.json': fs.readFileSync(path.join(top, 'fixtures/packages/asset-transfer/code/connection.json'), 'utf8'),
    'META-INF/statedb/couchdb/indexes/indexOwner.json': fs.readFileSync(path.join(top, 'fixtures/packages/asset-transfer/code/META-INF/statedb/couchdb/indexes/indexOwner.json'), 'utf8'),
  })) });
  const scratchName = stageScratch(pkg, path.join(root, 'tmp'));
  const scratch = path.join(root, 'tmp', scratchName);
  const step = (name, ...dirs) => inRoot([`/opt/hyperledger/ccaas-builder/bin/${name}`, ...dirs.map((d) => `/tmp/${scratchName}/${d}`)]);
  assert.equal(step('detect', 'src', 'metadata').status, 0);
  assert.equal(step('build', 'src', 'metadata', 'bld').status, 0);
  const release = step('release', 'bld', 'release');
  assert.equal(release.status, 0, release.stderr);
  assert.match(release.stderr, new RegExp(`chaincode ID ${pkg.id.replace('.', '\\.')} `));
  const written = JSON.parse(fs.readFileSync(path.join(scratch, 'release/chaincode/server/connection.json'), 'utf8'));
  assert.equal(written.address, 'peer0org1-asset-transfer.org1.svc.cluster.local:9999');
  assert.ok(fs.existsSync(path.join(scratch, 'release/statedb/couchdb/indexes/indexOwner.json')));
});
