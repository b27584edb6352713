'use strict';
// The peer's own parsing rules, written independently of the builder so that the tests check
// the builder against the peer and not against itself: Go's time.ParseDuration and the
// ChaincodeServerUserData decoding in core/container/externalbuilder/instance.go.

const UNITS = new Map([
  ['ns', 1n], ['us', 1000n], ['\u00b5s', 1000n], ['\u03bcs', 1000n],
  ['ms', 1000000n], ['s', 1000000000n], ['m', 60000000000n], ['h', 3600000000000n],
]);
const MAX = (1n << 63n) - 1n;

// Returns BigInt nanoseconds or throws an Error with Go's message.
function parseGoDuration(text) {
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') throw new Error(`time: invalid duration "${text}"`);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = m[1];
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === '')) throw new Error(`time: invalid duration "${text}"`);
    s = s.slice(m[0].length);
    const u = /^[^0-9.]*/.exec(s)[0];
    if (u === '') throw new Error(`time: missing unit in duration "${text}"`);
    if (!UNITS.has(u)) throw new Error(`time: unknown unit "${u}" in duration "${text}"`);
    s = s.slice(u.length);
    const unit = UNITS.get(u);
    let v = BigInt(whole || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / (10n ** BigInt(frac.length));
    total += v;
    if (total > MAX + (neg ? 1n : 0n)) throw new Error(`time: invalid duration "${text}"`);
  }
  return neg ? -total : total;
}

const DEFAULT_DIAL_TIMEOUT = 3000000000n;

function goTypeError(field, value, goType) {
  const jsType = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new Error(`json: cannot unmarshal ${jsType} into Go struct field ChaincodeServerUserData.${field} of type ${goType}`);
}

// What the peer makes of release/chaincode/server/connection.json at launch (ChaincodeServerInfo).
function parseConnectionLikePeer(text, { fabric3 = false } = {}) {
  let doc;
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`malformed chaincode info: ${e.message}`); }
  const str = (k) => {
    const v = doc[k];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new Error(`malformed chaincode info: ${goTypeError(k, v, 'string').message}`);
    return v;
  };
  const bool = (k) => {
    const v = doc[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw new Error(`malformed chaincode info: ${goTypeError(k, v, 'bool').message}`);
    return v;
  };
  let dial = 0n;
  if ('dial_timeout' in doc) {
    const v = doc.dial_timeout;
    if (typeof v === 'number') dial = BigInt(Math.trunc(v));
    else if (typeof v === 'string') {
      try { dial = parseGoDuration(v); } catch (e) { throw new Error(`malformed chaincode info: ${e.message}`); }
    } else throw new Error('malformed chaincode info: invalid duration');
  }
  const info = {
    address: str('address'),
    dialTimeout: dial === 0n ? DEFAULT_DIAL_TIMEOUT : dial,
    tlsRequired: bool('tls_required'),
    clientAuthRequired: bool('client_auth_required'),
    rootCert: str('root_cert'),
    clientCert: str('client_cert'),
    clientKey: str('client_key'),
    domain: fabric3 ? str('domain') : '',
  };
  if (info.address === '') throw new Error('chaincode address not provided');
  if (info.tlsRequired) {
    if (info.clientAuthRequired && info.clientKey === '') throw new Error('chaincode tls key not provided');
    if (info.clientAuthRequired && info.clientCert === '') throw new Error('chaincode tls cert not provided');
    if (info.rootCert === '') throw new Error('chaincode tls root cert not provided');
  }
  return info;
}

module.exports = { parseGoDuration, parseConnectionLikePeer, DEFAULT_DIAL_TIMEOUT };
