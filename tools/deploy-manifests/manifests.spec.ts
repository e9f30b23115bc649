/**
 * Structural checks of the deployment files: k8s/ (kustomize base and overlays),
 * docker-compose.yml, Dockerfile and .dockerignore. No cluster or Docker engine is needed;
 * the files are parsed and their shape asserted, so a broken manifest fails `npm test`
 * instead of a deploy.
 *
 * (Lives under tools/ because the unit Jest project only matches apps, libs, bench and tools.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = join(__dirname, '..', '..');
const k8sDir = join(root, 'k8s');

/** The five Deja services and the HTTP port each listens on. */
const SERVICES: Record<string, number> = {
  gateway: 8080,
  'embedding-service': 8081,
  'llm-worker': 8082,
  'invalidation-service': 8083,
  'provider-simulator': 8090,
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parseYaml(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
  for (const doc of docs) {
    if (doc.errors.length > 0)
      throw new Error(`${relative(root, file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return docs.map((d) => d.toJSON() as Obj).filter((d) => d !== null && d !== undefined);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** `KEY=value` lines of an env file, comments and blanks skipped. */
function envKeys(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.slice(0, l.indexOf('=')));
}

const yamlFiles = walk(k8sDir).filter((f) => /\.ya?ml$/.test(f));
const kustomizations = yamlFiles.filter((f) => /kustomization\.ya?ml$/.test(f));
const manifests = yamlFiles
  .filter((f) => !kustomizations.includes(f))
  .flatMap((file) => parseYaml(file).map((doc) => ({ file: relative(root, file), doc })));
const byKind = (kind: string, under = 'k8s/') =>
  manifests.filter((m) => m.doc.kind === kind && m.file.startsWith(under)).map((m) => m.doc);

const baseDeployments = byKind('Deployment', 'k8s/base/');
const baseKustomization = parseYaml(join(k8sDir, 'base', 'kustomization.yaml'))[0];
const baseConfigFile = join(k8sDir, 'base', baseKustomization.configMapGenerator[0].envs[0]);
const baseSecretFile = join(k8sDir, 'base', baseKustomization.secretGenerator[0].envs[0]);

describe('k8s kustomizations', () => {
  it('finds the base and the local overlay', () => {
    const rel = kustomizations.map((f) => relative(root, f)).sort();
    expect(rel).toEqual(
      expect.arrayContaining(['k8s/base/kustomization.yaml', 'k8s/overlays/local/kustomization.yaml']),
    );
  });

  it.each(kustomizations.map((f) => [relative(root, f), f]))('%s lists only files that exist', (_name, file) => {
    const k = parseYaml(file)[0];
    const dir = dirname(file);
    const missing: string[] = [];
    for (const r of (k.resources ?? []) as string[]) {
      const p = join(dir, r);
      const ok = existsSync(p) && (statSync(p).isFile() || existsSync(join(p, 'kustomization.yaml')));
      if (!ok) missing.push(r);
    }
    for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])] as Obj[]) {
      for (const f of [...(g.envs ?? []), ...(g.files ?? []).map((s: string) => s.split('=').pop())] as string[]) {
        if (!existsSync(join(dir, f))) missing.push(f);
      }
    }
    for (const p of (k.patches ?? []) as Obj[]) {
      if (p.path && !existsSync(join(dir, p.path))) missing.push(p.path);
    }
    expect(missing).toEqual([]);
  });

  it('includes every manifest file of the base in the base kustomization', () => {
    const listed = new Set((baseKustomization.resources as string[]).map((r) => join(k8sDir, 'base', r)));
    const onDisk = yamlFiles.filter((f) => f.startsWith(join(k8sDir, 'base')) && !kustomizations.includes(f));
    expect(onDisk.filter((f) => !listed.has(f)).map((f) => relative(root, f))).toEqual([]);
  });
});

describe('k8s base, per service', () => {
  it.each(Object.entries(SERVICES))('%s has a Deployment, a Service and an autoscaling/v2 CPU HPA', (name, port) => {
    const dep = baseDeployments.find((d) => d.metadata.name === name);
    const svc = byKind('Service', 'k8s/base/').find((s) => s.metadata.name === name);
    const hpa = byKind('HorizontalPodAutoscaler', 'k8s/base/').find((h) => h.metadata.name === name);
    expect(dep).toBeDefined();
    expect(svc).toBeDefined();
    expect(hpa).toBeDefined();

    // The Service selects the Deployment's pods and reaches the port the container listens on.
    const podLabels = dep!.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc!.spec.selector)) expect(podLabels[k]).toBe(v);
    expect(dep!.spec.selector.matchLabels).toEqual(svc!.spec.selector);
    const container = dep!.spec.template.spec.containers[0];
    const httpPort = container.ports.find((p: Obj) => p.name === 'http');
    expect(httpPort.containerPort).toBe(port);
    expect(svc!.spec.ports[0].targetPort).toBe('http');
    expect(container.env.find((e: Obj) => e.name === 'PORT').value).toBe(String(port));

    expect(hpa!.apiVersion).toBe('autoscaling/v2');
    expect(hpa!.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa!.spec.maxReplicas).toBeGreaterThanOrEqual(hpa!.spec.minReplicas);
    expect(hpa!.spec.metrics).toContainEqual(
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    );
    // The HPA owns the replica count; a fixed `replicas` would fight it on every apply.
    expect(dep!.spec.replicas).toBeUndefined();
  });

  it.each(Object.keys(SERVICES))('%s probes /health on its http port and runs as non-root', (name) => {
    const spec = baseDeployments.find((d) => d.metadata.name === name)!.spec.template.spec;
    const c = spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(c[probe]?.httpGet).toEqual({ path: '/health', port: 'http' });
    }
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
  });

  it('reads configuration from the one ConfigMap and secrets from the one Secret', () => {
    const configKeys = envKeys(baseConfigFile);
    const secretKeys = envKeys(baseSecretFile);
    for (const dep of baseDeployments) {
      const c = dep.spec.template.spec.containers[0];
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'deja-config' } }]);
      for (const e of (c.env ?? []) as Obj[]) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          expect(ref.name).toBe('deja-secrets');
          expect(secretKeys).toContain(ref.key);
        }
      }
    }
    expect(configKeys).toEqual(
      expect.arrayContaining(['HOST', 'KAFKA_BROKERS', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'LOG_LEVEL']),
    );
    expect(secretKeys).toEqual(expect.arrayContaining(['DATABASE_URL', 'DEJA_API_KEY', 'DEJA_ADMIN_KEY']));
  });

  it('binds every service to all interfaces (HOST=0.0.0.0)', () => {
    expect(readFileSync(baseConfigFile, 'utf8')).toMatch(/^HOST=0\.0\.0\.0$/m);
  });

  it('gives the embedding-service at least 1 GiB for its model', () => {
    const c = baseDeployments.find((d) => d.metadata.name === 'embedding-service')!.spec.template.spec.containers[0];
    expect(toBytes(c.resources.requests.memory)).toBeGreaterThanOrEqual(2 ** 30);
  });
});

describe('every Deployment under k8s/', () => {
  const all = manifests.filter((m) => m.doc.kind === 'Deployment');

  it('exists', () => expect(all.length).toBeGreaterThanOrEqual(Object.keys(SERVICES).length));

  it.each(all.map((m) => [`${m.file} ${m.doc.metadata.name}`, m.doc]))(
    '%s has probes, requests and limits',
    (_n, dep) => {
      for (const c of dep.spec.template.spec.containers as Obj[]) {
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).toBeDefined();
        const { requests, limits } = c.resources ?? {};
        expect(requests?.cpu).toBeDefined();
        expect(requests?.memory).toBeDefined();
        expect(limits?.cpu).toBeDefined();
        expect(limits?.memory).toBeDefined();
        expect(toBytes(limits.memory)).toBeGreaterThanOrEqual(toBytes(requests.memory));
      }
    },
  );
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(join(root, 'docker-compose.yml'))[0];
  const services = compose.services as Record<string, Obj>;

  it('runs the infrastructure and the five services', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['kafka', 'postgres', 'jaeger', ...Object.keys(SERVICES)]),
    );
  });

  it.each(Object.keys(services))('%s has a healthcheck', (name) => {
    expect(services[name].healthcheck?.test).toBeDefined();
  });

  it.each(Object.keys(services))('%s waits only for healthy dependencies', (name) => {
    for (const [dep, cond] of Object.entries((services[name].depends_on ?? {}) as Record<string, Obj>)) {
      expect(services[dep]).toBeDefined();
      expect(cond.condition).toBe('service_healthy');
    }
  });

  it.each(Object.entries(SERVICES))('%s is built from the Dockerfile and listens on 0.0.0.0:%i', (name, port) => {
    const s = services[name];
    expect(s.build.args.APP).toBe(name);
    expect(s.environment.HOST).toBe('0.0.0.0');
    expect(String(s.environment.PORT)).toBe(String(port));
  });

  it('runs Kafka in KRaft mode with a listener for containers and one for the host', () => {
    const env = services.kafka.environment;
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.CLUSTER_ID).toBeDefined();
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('kafka:');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('localhost:');
    // The services must use the listener that is advertised with the container host name.
    const internal = /PLAINTEXT:\/\/(kafka:\d+)/.exec(env.KAFKA_ADVERTISED_LISTENERS)![1];
    for (const name of Object.keys(SERVICES)) {
      const brokers = services[name].environment.KAFKA_BROKERS;
      if (brokers !== undefined) expect(brokers).toBe(internal);
    }
  });

  it('creates the vector extension when Postgres initialises', () => {
    expect(services.postgres.image).toMatch(/^pgvector\/pgvector:pg15/);
    const init = services.postgres.configs.find((c: Obj) =>
      String(c.target).startsWith('/docker-entrypoint-initdb.d/'),
    );
    expect(compose.configs[init.source].content).toMatch(/CREATE EXTENSION IF NOT EXISTS vector/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('selects the service with ARG APP', () => expect(dockerfile).toMatch(/^ARG APP=/m));
  it('installs only production dependencies in the runtime stage', () => expect(runtime).toMatch(/npm ci --omit=dev/));
  it('runs as a non-root user', () => expect(runtime).toMatch(/^USER (?!root|0\b)\S+/m));
  it('listens on all interfaces', () => expect(runtime).toMatch(/HOST=0\.0\.0\.0/));
  it('keeps .npmrc in the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).not.toContain('.npmrc');
    expect(ignored).not.toContain('.*');
  });
});

/** Kubernetes quantity ("512Mi", "1Gi", "1G") to bytes. */
function toBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const units: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? units[m[2]] : 1);
}
