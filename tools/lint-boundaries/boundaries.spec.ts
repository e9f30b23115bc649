import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Lints `source` as if it were the file at `path`, with the repo's real ESLint config. */
function lintAs(path: string, source: string): { errors: string[] } {
  const res = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', path],
    {
      cwd: ROOT,
      input: source,
      encoding: 'utf8',
    },
  );
  if (!res.stdout) throw new Error(`eslint produced no output: ${res.stderr}`);
  const [report] = JSON.parse(res.stdout) as Array<{
    messages: Array<{ ruleId: string | null; message: string; severity: number }>;
  }>;
  return { errors: report.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`) };
}

const boundary = (errors: string[]) => errors.filter((e) => e.startsWith('@nx/enforce-module-boundaries'));

describe('module boundaries (eslint config)', () => {
  jest.setTimeout(60000);

  it('forbids contracts from importing any other library of ours', () => {
    const { errors } = lintAs(
      'libs/contracts/src/probe.ts',
      // A util that does not itself use the contracts (util-config does: the probe would report a cycle instead).
      "import { TraceJsonLogger } from '@deja/util-telemetry';\nexport const x = TraceJsonLogger;\n",
    );
    expect(boundary(errors).join('\n')).toMatch(/type:contracts/);
  });

  it('forbids data access from importing a feature library', () => {
    const { errors } = lintAs(
      // A feature that depends on no data access: otherwise the probe is reported as a cycle.
      'libs/data-access-postgres/src/probe.ts',
      "import { startProviderSimulator } from '@deja/feature-provider-simulator';\nexport const x = startProviderSimulator;\n",
    );
    expect(boundary(errors).join('\n')).toMatch(/type:data-access/);
  });

  it('forbids an app from importing another app', () => {
    const { errors } = lintAs(
      'apps/gateway/src/probe.ts',
      "import { loadConfig } from '../../llm-worker/src/config';\nexport const x = loadConfig;\n",
    );
    expect(boundary(errors).length).toBeGreaterThan(0);
  });

  it('allows a feature to import data access, utils and contracts', () => {
    const { errors } = lintAs(
      'libs/feature-ops/src/probe.ts',
      "import { TOPICS } from '@deja/contracts';\nimport { TopicPublisher } from '@deja/data-access-kafka';\nimport { parseConfig } from '@deja/util-config';\nexport const x = [TOPICS, TopicPublisher, parseConfig];\n",
    );
    expect(boundary(errors)).toEqual([]);
  });
});
