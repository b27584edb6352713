'use strict';
// Test PKI made with the openssl command line at test time: a CA, servers with SANs, clients,
// and certificates with a chosen validity (openssl ca -startdate/-enddate).

const fs = require('node:fs');
const path = require('node:path');
const { sh, tempDir } = require('./peer');

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = supplied
`;

function ecKey(out) {
  sh('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);
  fs.chmodSync(out, 0o600);
}

class Pki {
  constructor(dir = tempDir('ccaas-pki-')) {
    this.dir = dir;
  }

  file(name) { return path.join(this.dir, name); }

  makeCa(name = 'ca', cn = 'test chaincode CA') {
    ecKey(this.file(`${name}.key`));
    sh('openssl', ['req', '-x509', '-new', '-key', this.file(`${name}.key`), '-out', this.file(`${name}.crt`),
      '-subj', `/CN=${cn}`, '-days', '365',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return this.read(name);
  }

  // A leaf issued by ca; sans like ['DNS:localhost', 'IP:127.0.0.1']; dates as openssl ca wants them.
  issue(ca, name, { cn = name, sans = [], startdate, enddate, clientAuth = false } = {}) {
    ecKey(this.file(`${name}.key`));
    const args = ['req', '-new', '-key', this.file(`${name}.key`), '-out', this.file(`${name}.csr`), '-subj', `/CN=${cn}`];
    if (sans.length) args.push('-addext', `subjectAltName=${sans.join(',')}`);
    args.push('-addext', `extendedKeyUsage=${clientAuth ? 'clientAuth' : 'serverAuth'}`);
    sh('openssl', args);
    const cadir = fs.mkdtempSync(path.join(this.dir, 'ca-'));
    fs.writeFileSync(path.join(cadir, 'ca.cnf'), CA_CONFIG);
    fs.writeFileSync(path.join(cadir, 'index.txt'), '');
    fs.writeFileSync(path.join(cadir, 'serial'), `${(Date.now() % 1e9).toString(16).padStart(8, '0')}\n`);
    sh('openssl', ['ca', '-batch', '-config', 'ca.cnf', '-cert', this.file(`${ca}.crt`), '-keyfile', this.file(`${ca}.key`),
      '-in', this.file(`${name}.csr`), '-out', this.file(`${name}.crt`), '-notext',
      '-startdate', startdate ?? isoDaysFromNow(-1), '-enddate', enddate ?? isoDaysFromNow(365)], { cwd: cadir });
    fs.rmSync(cadir, { recursive: true });
    return this.read(name);
  }

  read(name) {
    return {
      cert: fs.readFileSync(this.file(`${name}.crt`), 'utf8'),
      key: fs.readFileSync(this.file(`${name}.key`), 'utf8'),
      certFile: this.file(`${name}.crt`),
      keyFile: this.file(`${name}.key`),
    };
  }
}

// "YYYYMMDDHHMMSSZ", days from now
function isoDaysFromNow(days) {
  const d = new Date(Date.now() + days * 86400000);
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

module.exports = { Pki, isoDaysFromNow };
