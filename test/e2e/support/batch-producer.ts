import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaEnv } from '../../integration/env';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'batch-producer', 'batch-producer.js');

/**
 * Runs examples/batch-producer with `args` against the test Kafka; resolves with its exit code,
 * its output and the JSON summary it prints last (undefined when it printed none).
 */
export function runBatchProducer(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; summary: unknown }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? '', ...kafkaEnv() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr, summary: summaryIn(stdout) });
    });
  });
}

/** The JSON summary the producer prints last; the raw text when it is not JSON, so a test shows it. */
function summaryIn(stdout: string): unknown {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(start));
  } catch {
    return stdout.slice(start);
  }
}

/** The summary of a run in which each of `n` requests (and `duplicates` resent ids) was answered exactly once. */
export function answeredOnce(n: number, duplicates: number) {
  return { sent: n, duplicates_sent: duplicates, answered: n, missing: [], duplicate_results: 0 };
}
