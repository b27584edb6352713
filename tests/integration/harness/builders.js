'use strict';
// Other builders a peer lists beside ours, as shell scripts with the real ones' behaviour:
//   fabricCcaasBuilder: Fabric's own ccaas_builder (ccaas_builder/cmd/{detect,build,release} in
//     hyperledger/fabric): detect exits 0 when metadata.json's type is "ccaas" or "remote" in any
//     case (strings.ToLower), else 1 after "::Error: chaincode type not supported"; it has no run.
//     People copy it into volumes under other names and paths ("fabric-ccaas").
//   recordExternalBuilder: the `external` builder of the cluster in our founding record, after
//     fabric-samples' sampleBuilder: detect claims type "external"; build copies connection.json,
//     release publishes it as chaincode/server/connection.json; run "outputs connection.json and keeps the process alive", so the peer
//     waits chaincode.startuptimeout for a chaincode that never dials back.
//   hangingBuilder: a builder whose detect and build never end (`exec sleep SECONDS`, so that the
//     process the doctor starts is the one that hangs; each test its own SECONDS, so that
//     hangs(SECONDS) and untilHangs(SECONDS) find that builder's program and no other's).
// Each is a directory with bin/, as the peer's externalBuilders[].path names it.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function writeProgram(dir, name, text) {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const file = path.join(dir, 'bin', name);
  fs.writeFileSync(file, text);
  fs.chmodSync(file, 0o755);
}

// The type in metadata.json, lowercased, read with the tools of a minimal image (sed, tr).
const TYPE_OF = `type=$(tr -d '\\n' < "$2/metadata.json" | sed -n 's/.*"type"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' | tr 'A-Z' 'a-z')`;

function fabricCcaasBuilder(dir) {
  writeProgram(dir, 'detect', `#!/bin/sh
echo "::Detect" >&2
[ -f "$2/metadata.json" ] || { echo "::Error: $2/metadata.json not found" >&2; exit 1; }
${TYPE_OF}
case "$type" in ccaas|remote) echo "::Type detected as: $type" >&2; exit 0 ;; esac
echo "::Error: chaincode type not supported: $type" >&2
exit 1
`);
  writeProgram(dir, 'build', `#!/bin/sh
echo "::Build" >&2
cp "$1/connection.json" "$3/connection.json" && { [ ! -d "$1/META-INF" ] || cp -r "$1/META-INF" "$3/"; }
`);
  writeProgram(dir, 'release', `#!/bin/sh
echo "::Release" >&2
mkdir -p "$2/chaincode/server" && cp "$1/connection.json" "$2/chaincode/server/connection.json"
`);
  return dir;
}

function recordExternalBuilder(dir) {
  writeProgram(dir, 'detect', `#!/bin/sh
${TYPE_OF}
[ "$type" = external ]
`);
  writeProgram(dir, 'build', `#!/bin/sh
cp "$1/connection.json" "$3/connection.json"
`);
  writeProgram(dir, 'release', `#!/bin/sh
mkdir -p "$2/chaincode/server" && cp "$1/connection.json" "$2/chaincode/server/connection.json"
`);
  writeProgram(dir, 'run', `#!/bin/sh
cp "$1/connection.json" "$2/connection.json"
exec sleep 3600
`);
  return dir;
}

function hangingBuilder(dir, seconds) {
  for (const step of ['detect', 'build']) writeProgram(dir, step, `#!/bin/sh\nexec sleep ${seconds}\n`);
  return dir;
}

// Whether a program of hangingBuilder(_, seconds) runs now; and the same after waiting (10 s at
// most) until one does.
const hangs = (seconds) => spawnSync('pgrep', ['-f', `^sleep ${seconds}$`]).status === 0;
async function untilHangs(seconds, timeoutMs = 10000) {
  for (const end = Date.now() + timeoutMs; !hangs(seconds) && Date.now() < end;) await new Promise((resolve) => setTimeout(resolve, 50));
  return hangs(seconds);
}

module.exports = { fabricCcaasBuilder, recordExternalBuilder, hangingBuilder, hangs, untilHangs };
