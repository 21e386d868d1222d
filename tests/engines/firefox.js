// Drives Firefox for tests/engines/drivers.py over WebDriver BiDi (puppeteer-core).
//
//   node tests/engines/firefox.js [/usr/bin/firefox-esr]
//
// One JSON request per stdin line, one JSON answer per stdout line, in order:
//   {"op": "goto", "url": U}          navigate, resolve at the load event
//   {"op": "run", "body": JS}         run a function body in the page; its `return` value
//   {"op": "reset"}                   a new browser context (no cookies), one page in it
//   {"op": "cookies"}                 the page's cookies: [{name, value, expires}]
//   {"op": "quit"}
// Answers: {"ok": true, "value": ...} or {"ok": false, "error": "..."}. The first line out is
// {"ok": true, "value": {"version": ...}} once the browser runs.
'use strict';
const readline = require('readline');
const puppeteer = require('puppeteer-core');

const executablePath = process.argv[2] || '/usr/bin/firefox-esr';
let browser = null;
let context = null;
let page = null;

function send(answer) {
  process.stdout.write(JSON.stringify(answer) + '\n');
}

async function newPage() {
  if (context) await context.close();
  context = await browser.createBrowserContext();
  page = await context.newPage();
}

const OPS = {
  async goto(req) {
    await page.goto(req.url, {waitUntil: 'load', timeout: 20000});
    return null;
  },
  async run(req) {
    const value = await page.evaluate('(() => {' + req.body + '\n})()');
    return value === undefined ? null : value;
  },
  async reset() {
    await newPage();
    return null;
  },
  async cookies() {
    const cookies = await context.cookies();
    return cookies.map(c => ({name: c.name, value: c.value, expires: c.expires}));
  },
  async quit() {
    await browser.close();
    browser = null;
    return null;
  },
};

async function main() {
  try {
    browser = await puppeteer.launch({browser: 'firefox', executablePath, headless: true});
    await newPage();
    send({ok: true, value: {version: await browser.version()}});
  } catch (err) {
    send({ok: false, error: 'Firefox did not start: ' + (err && err.stack || err)});
    process.exit(1);
  }
  const lines = readline.createInterface({input: process.stdin});
  for await (const line of lines) {
    let req;
    try {
      req = JSON.parse(line);
      send({ok: true, value: await OPS[req.op](req)});
    } catch (err) {
      send({ok: false, error: String(err && err.message || err)});
    }
    if (req && req.op === 'quit') break;
  }
  if (browser) await browser.close();
  process.exit(0);
}

main();
