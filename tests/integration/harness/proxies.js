'use strict';
// Real proxies from Debian's packages, each started inside a test's network namespace, in front
// of a backend that is missing, refuses, or never answers: what stands between a peer and a
// chaincode server when its pod is gone (a Service's proxy, an ingress TCP route, a mesh sidecar).
//   haproxy:  a backend with no server closes at once (FIN before a byte); a refused or silent
//             server is retried (`retries 3`, `timeout connect 1s`, as in many sample configs)
//             before the connection is closed;
//   nginx:    the stream module (`proxy_connect_timeout 1s`); an upstream whose servers are all
//             `down`, or that refuses, or that never answers, ends the connection with a reset;
//   socat:    TCP-LISTEN,fork to a target; the child closes when the target refuses or times out.

const fs = require('node:fs');
const path = require('node:path');
const { tempDir } = require('./peer');

const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

// frontends: [{ listen: 'ip:port', backend: 'ip:port' | null }]
function startHaproxy(ns, frontends) {
  const dir = tempDir('ccaas-haproxy-');
  const lines = ['global', '  log stderr format raw local0 err', 'defaults', '  mode tcp', '  retries 3',
    '  timeout connect 1s', '  timeout client 30s', '  timeout server 30s'];
  frontends.forEach(({ listen, backend }, i) => {
    lines.push(`frontend f${i}`, `  bind ${listen}`, `  default_backend b${i}`, `backend b${i}`);
    if (backend) lines.push(`  server s${i} ${backend}`);
  });
  const config = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  return ns.spawn('haproxy', ['-db', '-f', config]);
}

// servers: [{ listen: 'ip:port', backend: 'ip:port' | null }]; null: the only server is down.
function startNginxStream(ns, servers) {
  const dir = tempDir('ccaas-nginx-');
  const blocks = servers.map(({ listen, backend }, i) => [
    `  upstream u${i} { server ${backend ?? '127.0.0.1:1 down'}; }`,
    `  server { listen ${listen}; proxy_pass u${i}; proxy_connect_timeout 1s; }`,
  ].join('\n'));
  const config = path.join(dir, 'nginx.conf');
  fs.writeFileSync(config, [
    `load_module ${NGINX_STREAM_MODULE};`,
    `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log;`, 'daemon off;', 'events {}',
    'stream {', ...blocks, '}', '',
  ].join('\n'));
  return ns.spawn('nginx', ['-p', dir, '-c', config]);
}

// listen: 'ip:port'; target: socat's address ('TCP:ip:port,connect-timeout=1', '/dev/null').
function startSocat(ns, listen, target) {
  const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), listen.slice(listen.lastIndexOf(':') + 1)];
  return ns.spawn('socat', [`TCP-LISTEN:${port},bind=${host},fork,reuseaddr`, target]);
}

function proxiesAvailable() {
  const missing = ['/usr/sbin/haproxy', '/usr/sbin/nginx', '/usr/bin/socat', NGINX_STREAM_MODULE]
    .filter((f) => !fs.existsSync(f));
  return missing.length ? `missing: ${missing.join(', ')} (bin/setup installs them)` : null;
}

module.exports = { startHaproxy, startNginxStream, startSocat, proxiesAvailable };
