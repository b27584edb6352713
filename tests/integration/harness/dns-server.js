'use strict';
// A DNS responder for a test's network namespace, on 127.0.0.1:53 (UDP): A and AAAA answers
// for the names given, NXDOMAIN for every other name, SERVFAIL for names listed as failing.
// Usage: node dns-server.js '{"records":{"cc.test":["127.0.0.1"]},"servfail":["broken.test"]}'

const dgram = require('node:dgram');
const net = require('node:net');

const config = JSON.parse(process.argv[2] ?? '{}');
const records = config.records ?? {};
const servfail = new Set(config.servfail ?? []);

function readName(msg, offset) {
  const labels = [];
  for (;;) {
    const length = msg[offset++];
    if (length === 0) break;
    labels.push(msg.subarray(offset, offset + length).toString('ascii'));
    offset += length;
  }
  return { name: labels.join('.').toLowerCase(), offset };
}

function answer(query) {
  const { name, offset } = readName(query, 12);
  const qtype = query.readUInt16BE(offset);
  const question = query.subarray(12, offset + 4);
  const ips = (records[name] ?? []).filter((ip) => (qtype === 1 ? net.isIPv4(ip) : qtype === 28 ? net.isIPv6(ip) : false));
  const known = name in records;
  const rcode = servfail.has(name) ? 2 : known ? 0 : 3;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired and available
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rcode === 0 ? ips.length : 0, 6);
  const parts = [header, question];
  if (rcode === 0) {
    for (const ip of ips) {
      const rdata = qtype === 1 ? Buffer.from(ip.split('.').map(Number)) : ipv6Bytes(ip);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the name, by pointer to the question
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(5, 6); // TTL
      rr.writeUInt16BE(rdata.length, 10);
      parts.push(rr, rdata);
    }
  }
  return Buffer.concat(parts);
}

function ipv6Bytes(ip) {
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  try {
    socket.send(answer(msg), rinfo.port, rinfo.address);
  } catch {
    // a malformed query gets no answer
  }
});
socket.bind(53, '127.0.0.1', () => process.stdout.write('dns ready\n'));
