'use strict';
// Tar archives written byte by byte, so that a test can make the hostile ones a tar program
// would refuse to write: absolute names, '..' members, links, devices, lying sizes.

const zlib = require('node:zlib');

function octal(value, length) {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

// entries: [{ name, data = '', type = '0', linkname = '', mode = 0o644, size }] (size: what the
// header claims, when it should differ from the data's).
function tarGz(entries) {
  const blocks = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const header = Buffer.alloc(512, 0);
    header.write(e.name, 0, 100, 'utf8');
    header.write(octal(e.mode ?? 0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(e.size ?? data.length, 12), 124, 'ascii');
    header.write(octal(0, 12), 136, 'ascii');
    header.write(e.type ?? '0', 156, 'ascii');
    header.write(e.linkname ?? '', 157, 100, 'utf8');
    header.write('ustar\0' + '00', 257, 'ascii');
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return zlib.gzipSync(Buffer.concat(blocks));
}

module.exports = { tarGz };
