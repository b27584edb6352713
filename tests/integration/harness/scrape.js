'use strict';
// Scraping run --doctor --serve inside a network namespace (where the exporter listens on
// loopback). As a script, run inside it:
//   node scrape.js URL [COUNT [SPACING_MS]]
// makes COUNT GET requests, one every SPACING_MS, without waiting for one to end before the next
// starts, and prints one JSON array: each answer's status, body and time in ms (or its error).
// As a module, for the tests, the demo and the bench: scrapeIn() runs that script in a namespace,
// waitForRuns() scrapes until the exporter has completed a number of runs.

async function one(url) {
  const started = process.hrtime.bigint();
  try {
    const response = await fetch(url);
    const body = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (e) {
    return { error: String(e.cause?.code ?? e.message), ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }
}

async function main(url, count = '1', spacing = '0') {
  const pending = [];
  for (let i = 0; i < Number(count); i++) {
    pending.push(one(url));
    if (i + 1 < Number(count)) await new Promise((resolve) => setTimeout(resolve, Number(spacing)));
  }
  process.stdout.write(`${JSON.stringify(await Promise.all(pending))}\n`);
}

// The answers of COUNT scrapes of url, made from inside ns.
function scrapeIn(ns, url, count = 1, spacing = 0) {
  const r = ns.exec(process.execPath, [__filename, url, String(count), String(spacing)], { maxBuffer: 256 << 20 });
  if (r.code !== 0) throw new Error(`scrape.js: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Scrapes url every pauseMs until ccaas_builder_exporter_runs_total is at least runs; the body of
// that scrape.
async function waitForRuns(ns, url, runs, { timeoutMs = 30000, pauseMs = 100 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const [answer] = scrapeIn(ns, url);
    const done = Number(/^ccaas_builder_exporter_runs_total (\d+)$/m.exec(answer.body ?? '')?.[1] ?? -1);
    if (answer.status === 200 && done >= runs) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`${url}: the exporter did not complete ${runs} run(s) in ${timeoutMs} ms`);
}

if (require.main === module) main(...process.argv.slice(2));

module.exports = { scrapeIn, waitForRuns };
