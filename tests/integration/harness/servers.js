'use strict';
// Real servers for the probe tests, each started inside a test's network namespace on loopback.

const fs = require('node:fs');
const path = require('node:path');
const { tempDir } = require('./peer');

const MODULES = path.resolve(__dirname, '..', 'node_modules');
const SHIM = path.join(MODULES, '.bin', 'fabric-chaincode-node');
const CHAINCODE = path.resolve(__dirname, '..', 'chaincode');

// fabric-chaincode-node server: a real chaincode-as-a-service server (fabric-shim from npm).
function startChaincode(ns, port, ccid, { cert, key, clientCa, host = '127.0.0.1' } = {}) {
  const args = ['server', '--chaincode-address', `${host}:${port}`, '--chaincode-id', ccid, '--module-path', CHAINCODE];
  if (cert) args.push('--chaincode-tls-cert-file', cert, '--chaincode-tls-key-file', key);
  if (clientCa) args.push('--chaincode-tls-client-cacert-file', clientCa);
  return ns.spawn(process.execPath, [SHIM, ...args], { env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'info' } });
}

// nghttpd: an HTTP/2 server that is not gRPC (static files from an empty directory).
function startNghttpd(ns, port) {
  const root = tempDir('ccaas-www-');
  fs.writeFileSync(path.join(root, 'index.html'), '<h1>not a chaincode</h1>\n');
  return ns.spawn('nghttpd', ['--no-tls', '-a', '127.0.0.1', '-d', root, String(port)]);
}

// A gRPC server without the chaincode service (@grpc/grpc-js, as fabric-shim uses).
function startOtherGrpc(ns, port) {
  return ns.spawn(process.execPath, [path.join(__dirname, 'grpc-server.js'), String(port)], { cwd: path.resolve(__dirname, '..') });
}

// An HTTP/1.1-only server (node's http module).
function startHttp1(ns, port) {
  const script = `require('node:http').createServer((q, s) => s.end('hello')).listen(${port}, '127.0.0.1')`;
  return ns.spawn(process.execPath, ['-e', script]);
}

// openssl s_server -www: TLS with HTTP/1.0 and no ALPN at all.
function startOpensslWww(ns, port, { cert, key }) {
  return ns.spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-www', '-quiet']);
}

// What stands where a chaincode server should be, and misbehaves: 'close' accepts and closes (a
// proxy or load balancer with no ready backend), 'reset' accepts and resets, 'silent' accepts
// and never answers (a hung process, a port that belongs to something else).
function startStandIn(ns, port, mode, host = '127.0.0.1') {
  return ns.spawn(process.execPath, [path.join(__dirname, 'stand-in-server.js'), mode, host, String(port)]);
}

function commandsAvailable() {
  const missing = ['nghttpd', 'openssl', 'iptables'].filter((c) => !fs.existsSync(`/usr/bin/${c}`) && !fs.existsSync(`/usr/sbin/${c}`));
  if (!fs.existsSync(SHIM)) missing.push('fabric-shim (npm ci in tests/integration)');
  return missing.length ? `missing: ${missing.join(', ')}` : null;
}

module.exports = { startChaincode, startStandIn, startNghttpd, startOtherGrpc, startHttp1, startOpensslWww, commandsAvailable };
