/**
 * The benchmark's child processes and temporary folders, so that an
 * interrupted run (Ctrl-C on the parent alone, or SIGTERM) stops its
 * children and deletes its folders instead of leaving a training process
 * running (it would skew the next measurement on a 2-core machine) or a
 * 300 MB CSV folder in the temporary directory.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

const running = new Set<ChildProcess>();
const folders = new Set<string>();
let installed = false;

/** Keeps `child` until it exits; installs the signal handlers once. */
export function track<T extends ChildProcess>(child: T): T {
  installCleanup();
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** `execFile` as a promise, with the child tracked. */
export function runTracked(
  file: string,
  args: string[],
  options: { maxBuffer?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    track(execFile(file, args, { ...options, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(Object.assign(err, { stdout, stderr }));
        } else {
          resolve({ stdout, stderr });
        }
      }));
  });
}

/** A temporary folder to delete if the run is interrupted. */
export function trackFolder(folder: string): void {
  installCleanup();
  folders.add(folder);
}

/** Deletes `folder` and forgets it. */
export function removeFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true });
  folders.delete(folder);
}

function installCleanup(): void {
  if (installed) {
    return;
  }
  installed = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      for (const child of running) {
        child.kill('SIGTERM');
      }
      for (const folder of folders) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      process.stderr.write(`bench: stopped by ${signal}\n`);
      process.exit(code);
    });
  }
}
