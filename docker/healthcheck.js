// Container healthcheck: `node docker/healthcheck.js <url> [ca-file]` exits 0 when GET <url> answers 2xx
// within 3 s, else 1. Used by docker-compose.yml; no curl or wget in the slim images.
//
// The emulator checks itself over HTTPS with the CA it generated (given as the second argument) and by
// its container hostname, which also proves that hostname is among the server certificate's SANs.
// TLS verification stays on: a certificate the CA did not sign fails the check.
'use strict';

const { readFileSync } = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const [url, caFile] = process.argv.slice(2);
if (!url) {
  console.error('usage: node docker/healthcheck.js <url> [ca-file]');
  process.exit(2);
}

const client = url.startsWith('https:') ? https : http;
const options = caFile ? { ca: readFileSync(caFile), timeout: 3000 } : { timeout: 3000 };
const request = client.get(url, options, (response) => {
  response.resume();
  process.exit(response.statusCode >= 200 && response.statusCode < 300 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  console.error(`healthcheck ${url}: ${error.message}`);
  process.exit(1);
});
