/**
 * Peak memory: this process's RSS high-water mark, and that of every Node
 * process the default `npm start` runs (through a preloaded exit hook).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { track } from './children.js';

const HOOK = path.join(
  path.dirname(fileURLToPath(import.meta.url)), 'max_rss_hook.mjs');

/** This process's peak resident set size, in megabytes. */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export interface StartMemory {
  exitCode: number | null;
  seconds: number;
  /** Peak RSS of the largest Node process `npm start` ran, in MB. */
  maxRssMb?: number;
  /** Which process that was. */
  process?: string;
  /** Every Node process seen, with its peak. */
  processes: { argv: string; maxRssMb: number }[];
  /** Last lines of its error output when it failed. */
  errorTail?: string;
}

/** Runs `npm start` in `cwd` and reads the peaks of its Node processes. */
export async function measureStart(cwd: string): Promise<StartMemory> {
  const log = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-rss-')), 'rss.jsonl');
  const nodeOptions = [
    process.env['NODE_OPTIONS'] ?? '',
    `--import=${pathToFileURL(HOOK).href}`,
  ].join(' ').trim();
  const start = performance.now();
  const child = track(spawn('npm', ['start', '--silent'], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: nodeOptions, TRIO_RSS_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exitCode = await new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)));
  const seconds = (performance.now() - start) / 1000;
  const processes = fs.existsSync(log)
    ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)
      .map((line) => JSON.parse(line) as { argv: string; maxRssKb: number })
      .map((p) => ({ argv: p.argv, maxRssMb: p.maxRssKb / 1024 }))
    : [];
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  const top = processes.reduce<(typeof processes)[number] | undefined>(
    (best, p) => (best === undefined || p.maxRssMb > best.maxRssMb
      ? p : best), undefined);
  return {
    exitCode,
    seconds,
    maxRssMb: top?.maxRssMb,
    process: top?.argv,
    processes,
    errorTail: exitCode === 0
      ? undefined : stderr.trim().split('\n').slice(-5).join('\n'),
  };
}
