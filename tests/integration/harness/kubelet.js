'use strict';
// A volume laid out the way kubelet's atomic writer lays out a ConfigMap, Secret or projected
// volume (pkg/volume/util/atomic_writer.go in kubernetes/kubernetes): the files in a timestamped
// directory made by os.MkdirTemp(target, "..2006_01_02_15_04_05.") (a random decimal suffix) and
// chmod 0755, each file with the volume's mode (defaultMode, 0644 unless set); a "..data_tmp"
// link to it renamed over "..data"; then one link per top-level name, "<name> -> ..data/<name>".
// The mount itself is read-only: here, read-only to whoever is not its owner (files and
// directories without write bits), as a non-root peer meets it.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

function timestampDirName(now = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const ts = `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
  return ts + String(crypto.randomInt(0, 2 ** 32 - 1));
}

// files: { 'core.yaml': text, 'sub/x': text }; returns the target directory.
// group: the pod's fsGroup, which kubelet makes the group of a Secret's or ConfigMap's files.
function atomicWriterVolume(target, files, { mode = 0o644, group = null } = {}) {
  fs.mkdirSync(target, { recursive: true });
  const tsName = timestampDirName();
  const tsDir = path.join(target, tsName);
  fs.mkdirSync(tsDir);
  fs.chmodSync(tsDir, 0o755);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(tsDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.chmodSync(file, mode);
  }
  fs.symlinkSync(tsName, path.join(target, '..data_tmp'));
  fs.renameSync(path.join(target, '..data_tmp'), path.join(target, '..data'));
  for (const top of new Set(Object.keys(files).map((n) => n.split('/')[0]))) {
    fs.symlinkSync(path.join('..data', top), path.join(target, top));
  }
  // Read-only, as the mount is.
  const lock = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) lock(path.join(dir, entry.name));
    }
    fs.chmodSync(dir, 0o555);
  };
  lock(tsDir);
  fs.chmodSync(target, 0o555);
  if (group !== null) {
    const chgrp = (p) => {
      fs.lchownSync(p, 0, group);
      if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) chgrp(path.join(p, e));
    };
    chgrp(target);
  }
  return target;
}

module.exports = { atomicWriterVolume };
