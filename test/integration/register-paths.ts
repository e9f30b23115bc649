import { join } from 'node:path';
import { register } from 'tsconfig-paths';

// Jest's moduleNameMapper resolves `@deja/*` inside tests, but not in global setup and teardown,
// which Jest loads with a plain require hook: map it here, as tsconfig.base.json does.
register({ baseUrl: join(__dirname, '..', '..'), paths: { '@deja/*': ['libs/*/src/index.ts'] } });
