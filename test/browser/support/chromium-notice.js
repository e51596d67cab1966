// Jest globalSetup of the browser suite: says once, in one line, why the suite is skipped.
const { existsSync } = require('node:fs');

const CHROMIUM_PATH = '/usr/bin/chromium';

module.exports = async function chromiumNotice() {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(
      `browser e2e skipped: ${CHROMIUM_PATH} not found (apt-get install -y chromium fonts-liberation)`,
    );
  }
};
