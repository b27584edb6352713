'use strict';
// The restricted Pod Security Standard (kubernetes/website, content/en/docs/concepts/security/
// pod-security-standards.md: the Baseline policy and the Restricted one on top of it), written
// down rule by rule with the fields each names, and every pod in packaging/kubernetes checked
// against it: the peer StatefulSet (peer, init and exporter containers) and the chaincode
// Deployment. "containers" means spec.containers, spec.initContainers and
// spec.ephemeralContainers. The operators' resources have no pod fields of their own; what the
// operator turns into pod fields is checked where it exists (bevel's dockerSocketPath becomes a
// hostPath volume). The one documented exception is the debug container for `run --doctor --pid`,
// started by `kubectl debug` with the profile it needs, never part of a manifest.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const top = path.resolve(__dirname, '../..');
const KUBE = path.join(top, 'packaging/kubernetes');

const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SELINUX_TYPES = [undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

const containersOf = (spec) => ['containers', 'initContainers', 'ephemeralContainers']
  .flatMap((key) => (spec[key] ?? []).map((c, i) => [`spec.${key}[${i}] (${c.name})`, c]));

// Each rule: its name as the standard gives it, and a check of one pod spec that returns the
// violations, each naming the field path.
const RULES = [
  ['Baseline: HostProcess', (spec) => [
    spec.securityContext?.windowsOptions?.hostProcess === true && 'spec.securityContext.windowsOptions.hostProcess',
    ...containersOf(spec).map(([at, c]) => c.securityContext?.windowsOptions?.hostProcess === true && `${at}.securityContext.windowsOptions.hostProcess`)]],
  ['Baseline: Host Namespaces', (spec) => ['hostNetwork', 'hostPID', 'hostIPC'].map((k) => spec[k] === true && `spec.${k}`)],
  ['Baseline: Privileged Containers', (spec) => containersOf(spec).map(([at, c]) => c.securityContext?.privileged === true && `${at}.securityContext.privileged`)],
  ['Baseline: Capabilities', (spec) => containersOf(spec).flatMap(([at, c]) => (c.securityContext?.capabilities?.add ?? [])
    .map((cap) => !BASELINE_CAPABILITIES.includes(cap) && `${at}.securityContext.capabilities.add: ${cap}`))],
  ['Baseline: HostPath Volumes', (spec) => (spec.volumes ?? []).map((v, i) => v.hostPath !== undefined && `spec.volumes[${i}].hostPath`)],
  ['Baseline: Host Ports', (spec) => containersOf(spec).flatMap(([at, c]) => (c.ports ?? []).map((p, i) => (p.hostPort ?? 0) !== 0 && `${at}.ports[${i}].hostPort`))],
  ['Baseline: AppArmor', (spec) => [spec.securityContext, ...containersOf(spec).map(([, c]) => c.securityContext)]
    .map((sc) => sc?.appArmorProfile?.type && !['RuntimeDefault', 'Localhost'].includes(sc.appArmorProfile.type) && 'appArmorProfile.type')],
  ['Baseline: SELinux', (spec) => [['spec.securityContext', spec.securityContext], ...containersOf(spec).map(([at, c]) => [`${at}.securityContext`, c.securityContext])]
    .flatMap(([at, sc]) => [!SELINUX_TYPES.includes(sc?.seLinuxOptions?.type) && `${at}.seLinuxOptions.type`,
      sc?.seLinuxOptions?.user !== undefined && `${at}.seLinuxOptions.user`, sc?.seLinuxOptions?.role !== undefined && `${at}.seLinuxOptions.role`])],
  ['Baseline: /proc Mount Type', (spec) => containersOf(spec).map(([at, c]) => ![undefined, 'Default'].includes(c.securityContext?.procMount) && `${at}.securityContext.procMount`)],
  ['Baseline: Seccomp', (spec) => [['spec.securityContext', spec.securityContext], ...containersOf(spec).map(([at, c]) => [`${at}.securityContext`, c.securityContext])]
    .map(([at, sc]) => sc?.seccompProfile?.type === 'Unconfined' && `${at}.seccompProfile.type`)],
  ['Baseline: Sysctls', (spec) => (spec.securityContext?.sysctls ?? []).map((s, i) => !SAFE_SYSCTLS.includes(s.name) && `spec.securityContext.sysctls[${i}].name`)],
  ['Restricted: Volume Types', (spec) => (spec.volumes ?? []).map((v, i) => {
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    return !kinds.every((k) => RESTRICTED_VOLUMES.includes(k)) && `spec.volumes[${i}]: ${kinds.join(', ')}`;
  })],
  ['Restricted: Privilege Escalation', (spec) => containersOf(spec).map(([at, c]) => c.securityContext?.allowPrivilegeEscalation !== false && `${at}.securityContext.allowPrivilegeEscalation`)],
  ['Restricted: Running as Non-root', (spec) => containersOf(spec).map(([at, c]) => {
    const own = c.securityContext?.runAsNonRoot;
    return !(own === true || (own === undefined && spec.securityContext?.runAsNonRoot === true)) && `${at}.securityContext.runAsNonRoot`;
  })],
  ['Restricted: Running as Non-root user', (spec) => [spec.securityContext?.runAsUser === 0 && 'spec.securityContext.runAsUser',
    ...containersOf(spec).map(([at, c]) => c.securityContext?.runAsUser === 0 && `${at}.securityContext.runAsUser`)]],
  ['Restricted: Seccomp', (spec) => containersOf(spec).map(([at, c]) => {
    const type = c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
    return !['RuntimeDefault', 'Localhost'].includes(type) && `${at}.securityContext.seccompProfile.type`;
  })],
  ['Restricted: Capabilities', (spec) => containersOf(spec).flatMap(([at, c]) => [
    !(c.securityContext?.capabilities?.drop ?? []).includes('ALL') && `${at}.securityContext.capabilities.drop`,
    ...(c.securityContext?.capabilities?.add ?? []).map((cap) => cap !== 'NET_BIND_SERVICE' && `${at}.securityContext.capabilities.add: ${cap}`)])],
];

function violations(spec) {
  return RULES.flatMap(([rule, check]) => check(spec).filter(Boolean).map((field) => `${rule}: ${field}`));
}

// Every pod spec in a manifest: a Pod's spec, a workload's spec.template.spec.
function podSpecs(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  return docs.flatMap((d) => (d.kind === 'Pod' ? [[`${d.kind}/${d.metadata.name}`, d.spec]]
    : d.spec?.template?.spec ? [[`${d.kind}/${d.metadata.name}`, d.spec.template.spec]] : []));
}

test('every pod in packaging/kubernetes meets the restricted Pod Security Standard, rule by rule', () => {
  const files = ['peer.yaml', 'chaincode.yaml'].map((f) => path.join(KUBE, f));
  const pods = files.flatMap(podSpecs);
  assert.deepEqual(pods.map(([name]) => name).sort(), ['Deployment/peer0org1-asset-transfer', 'StatefulSet/peer0-org1']);
  const containers = pods.flatMap(([, spec]) => containersOf(spec).map(([at]) => at));
  assert.deepEqual(containers.sort(), ['spec.containers[0] (chaincode)', 'spec.containers[0] (peer)', 'spec.containers[1] (ccaas-builder-exporter)',
    'spec.initContainers[0] (ccaas-builder)']);
  for (const [name, spec] of pods) assert.deepEqual(violations(spec), [], name);
});

test('the rules catch what they are for: a pod that breaks each is refused with the field named', () => {
  const bad = {
    hostPID: true,
    securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
    volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }],
    containers: [{ name: 'x', ports: [{ containerPort: 1, hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ['SYS_PTRACE'] }, runAsUser: 0 } }],
  };
  assert.deepEqual(violations(bad), [
    'Baseline: Host Namespaces: spec.hostPID',
    'Baseline: Privileged Containers: spec.containers[0] (x).securityContext.privileged',
    'Baseline: Capabilities: spec.containers[0] (x).securityContext.capabilities.add: SYS_PTRACE',
    'Baseline: HostPath Volumes: spec.volumes[0].hostPath',
    'Baseline: Host Ports: spec.containers[0] (x).ports[0].hostPort',
    'Baseline: Sysctls: spec.securityContext.sysctls[0].name',
    'Restricted: Volume Types: spec.volumes[0]: hostPath',
    'Restricted: Privilege Escalation: spec.containers[0] (x).securityContext.allowPrivilegeEscalation',
    'Restricted: Running as Non-root: spec.containers[0] (x).securityContext.runAsNonRoot',
    'Restricted: Running as Non-root user: spec.containers[0] (x).securityContext.runAsUser',
    'Restricted: Seccomp: spec.containers[0] (x).securityContext.seccompProfile.type',
    'Restricted: Capabilities: spec.containers[0] (x).securityContext.capabilities.drop',
    'Restricted: Capabilities: spec.containers[0] (x).securityContext.capabilities.add: SYS_PTRACE',
  ]);
  // The debug container for run --doctor --pid, as `kubectl debug --profile=general` makes it, is
  // the one exception the README documents: it needs SYS_PTRACE for a peer of another user.
  const debug = { containers: [{ name: 'peer', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } }],
    ephemeralContainers: [{ name: 'debugger', securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }] };
  assert.ok(violations(debug).includes('Restricted: Capabilities: spec.ephemeralContainers[0] (debugger).securityContext.capabilities.add: SYS_PTRACE'));
});

test('the operators\' resources: nothing that their operators turn into a refused pod field', () => {
  const bevel = YAML.parse(fs.readFileSync(path.join(KUBE, 'operators/bevel-fabricpeer.yaml'), 'utf8'));
  // bevel-operator-fabric mounts dockerSocketPath as a hostPath volume when it is set.
  assert.equal(bevel.spec.dockerSocketPath, '', 'no Docker socket: no hostPath');
  for (const file of ['operators/bevel-fabricpeer.yaml', 'operators/fabric-operator-ibppeer.yaml']) {
    const text = fs.readFileSync(path.join(KUBE, file), 'utf8');
    for (const field of ['privileged', 'hostPath', 'hostNetwork', 'hostPID', 'hostIPC', 'hostPort', 'allowPrivilegeEscalation: true']) {
      assert.doesNotMatch(text, new RegExp(`^\\s*${field}`, 'm'), `${file}: ${field}`);
    }
  }
});
