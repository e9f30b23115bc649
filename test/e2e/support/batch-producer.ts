import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kafkaEnv } from '../../integration/env';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'batch-producer', 'batch-producer.js');

/** Runs examples/batch-producer with `args` against the test Kafka; resolves with its exit code and output. */
export function runBatchProducer(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? '', ...kafkaEnv() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
