'use strict';
// The probe's bound on its own time: it answers within the dial timeout plus its stated margin
// (k_probe_margin_ns, 500 ms), whatever the server, a proxy or the network does, as the peer
// gives up at the dial timeout. Checked as numbers, never as text.

const assert = require('node:assert/strict');
const { parseGoDuration } = require('./go');

const MARGIN_MS = 500;
const SLACK_MS = 300; // late wake-ups on a loaded machine, in the probe's own clock
const START_MS = 2500; // a process's start and exit on a loaded machine, under ASan included

// A Go duration, or a JSON number of nanoseconds, as the peer reads dial_timeout; 0 or none: 3s.
function dialMs(dial) {
  const ms = typeof dial === 'number' ? dial / 1e6 : Number(parseGoDuration(dial ?? '3s') / 1000000n);
  return ms > 0 ? ms : 3000;
}

// The worst seen in this suite, said once at its end (a TAP comment): what the README reports.
let worst = null;
process.on('exit', () => {
  if (worst) console.log(`# probe bound: the worst probe took ${worst.ms} ms with dial_timeout ${worst.dial} (${worst.over >= 0 ? '+' : ''}${worst.over.toFixed(1)} ms past it): ${worst.what}`);
});

// ms: the probe's own time (a report's "ms", or "after N ms" of a verdict line).
function assertProbeWithin(ms, dial, what) {
  const bound = dialMs(dial) + MARGIN_MS + SLACK_MS;
  const over = ms - dialMs(dial);
  if (Number.isFinite(ms) && (worst === null || over > worst.over)) worst = { ms, dial: dial ?? '3s', over, what };
  assert.ok(Number.isFinite(ms) && ms <= bound, `${what}: the probe took ${ms} ms, over the dial timeout ${dial ?? '3s'} and the margin`);
}

// ms: a whole process's wall time.
function assertProcessWithin(ms, dial, what) {
  const bound = dialMs(dial) + MARGIN_MS + START_MS;
  assert.ok(ms <= bound, `${what} took ${ms} ms, over the dial timeout ${dial ?? '3s'}, the margin and a start`);
}

// The N of "... failed at tcp after N ms: ...", a number
const verdictMs = (line) => Number(/ after ([0-9.]+) ms: /.exec(line ?? '')?.[1] ?? NaN);

module.exports = { assertProbeWithin, assertProcessWithin, verdictMs, dialMs, MARGIN_MS };
