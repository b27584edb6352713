'use strict';
// A peer's core.yaml for the doctor's suites, with the keys the doctor reads: peer.fileSystemPath,
// chaincode.startuptimeout, chaincode.externalBuilders (each [name, path, propagateEnvironment as
// YAML]) and an empty vm.endpoint; and a config directory of its own holding one.

const fs = require('node:fs');
const path = require('node:path');
const { tempDir } = require('./peer');

function coreYaml({ fsPath, list, startup = '300s' }) {
  const entries = list.map(([name, dir, env = '[CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]']) => `    - name: ${name}\n      path: ${dir}\n      propagateEnvironment: ${env}`);
  return `peer:\n  fileSystemPath: ${fsPath}\nchaincode:\n  startuptimeout: ${startup}\n  externalBuilders:\n${entries.join('\n')}\nvm:\n  endpoint: ""\n`;
}

// A new directory with text as its core.yaml, for --config (or FABRIC_CFG_PATH).
function plainConfig(text) {
  const dir = tempDir('ccaas-config-');
  fs.writeFileSync(path.join(dir, 'core.yaml'), text);
  return dir;
}

module.exports = { coreYaml, plainConfig };
