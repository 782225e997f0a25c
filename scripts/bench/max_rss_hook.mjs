// Preloaded (NODE_OPTIONS=--import) into every Node process that
// `npm start` runs: appends the process's peak resident memory to the
// file named by TRIO_RSS_LOG when it exits. Plain JS: no tsx needed.
import * as fs from 'node:fs';

const log = process.env.TRIO_RSS_LOG;
if (log) {
  process.on('exit', () => {
    const line = JSON.stringify({
      argv: process.argv.slice(1).join(' '),
      maxRssKb: process.resourceUsage().maxRSS,
    });
    fs.appendFileSync(log, line + '\n');
  });
}
