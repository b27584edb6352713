'use strict';
// Reads Prometheus' text exposition format (what `run --doctor --metrics` prints and the exporter
// serves) into samples, and writes samples back as promtool's unit-test input series.

// "name{a=\"x\",b=\"y\"} 1" -> { name, labels: { a: 'x', b: 'y' }, value: 1 }
function parseExposition(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let l;
    while ((l = re.exec(m[2] ?? '')) !== null) labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

// The samples of one metric whose labels include `match`.
function select(samples, name, match = {}) {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

// The one sample of a metric whose labels include `match`.
function only(samples, name, match = {}) {
  const found = select(samples, name, match);
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(match)}: ${found.length} samples`);
  return found[0];
}

// A sample as promtool writes a series: name{labels}, values escaped as in PromQL.
function seriesText({ name, labels }) {
  const inner = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return `${name}{${inner}}`;
}

module.exports = { parseExposition, select, only, seriesText };
