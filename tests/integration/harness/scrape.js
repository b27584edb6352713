'use strict';
// A scraper to run inside a test's network namespace (where the exporter listens on loopback):
//   node scrape.js URL [COUNT [SPACING_MS]]
// makes COUNT GET requests, one every SPACING_MS, without waiting for one to end before the next
// starts, and prints one JSON array: each answer's status, body and time in ms (or its error).

const [url, count = '1', spacing = '0'] = process.argv.slice(2);

async function one() {
  const started = process.hrtime.bigint();
  try {
    const response = await fetch(url);
    const body = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (e) {
    return { error: String(e.cause?.code ?? e.message), ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }
}

async function main() {
  const pending = [];
  for (let i = 0; i < Number(count); i++) {
    pending.push(one());
    if (i + 1 < Number(count)) await new Promise((resolve) => setTimeout(resolve, Number(spacing)));
  }
  process.stdout.write(`${JSON.stringify(await Promise.all(pending))}\n`);
}

main();
