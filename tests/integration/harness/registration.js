'use strict';
// How the peer reads its builder list from CORE_CHAINCODE_EXTERNALBUILDERS (core/peer/config.go
// at v2.5.11): YAML into []ExternalBuilder, then a path and a name on every entry.

const assert = require('node:assert/strict');
const YAML = require('yaml');

function parseBuilders(value) {
  const list = YAML.parse(value);
  assert.ok(Array.isArray(list), 'a YAML list');
  for (const b of list) {
    assert.deepEqual(Object.keys(b).sort(), ['name', 'path', 'propagateEnvironment']);
    assert.equal(typeof b.name, 'string');
    assert.ok(b.name.length > 0, 'external builder has no name attribute');
    assert.match(b.path, /^\//, 'an absolute path');
    assert.ok(Array.isArray(b.propagateEnvironment) && b.propagateEnvironment.every((v) => typeof v === 'string'));
  }
  return list;
}

module.exports = { parseBuilders };
