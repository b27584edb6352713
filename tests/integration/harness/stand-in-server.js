'use strict';
// A TCP server that stands where a chaincode server should be and misbehaves the way proxies
// and hung processes do. Usage: node stand-in-server.js close|reset|silent HOST PORT

const net = require('node:net');

const [mode, host, port] = process.argv.slice(2);
const held = [];
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  if (mode === 'close') socket.end();
  else if (mode === 'reset') socket.resetAndDestroy();
  else held.push(socket); // silent: accepted, read, never answered
});
server.listen(Number(port), host);
