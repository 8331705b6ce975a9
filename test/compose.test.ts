import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../config/config';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

// No Docker engine runs here, so the compose file is checked by reading it: the shape a
// user's `docker compose up` depends on, and that it only speaks our configuration's words.
const root = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; ports?: string[]; deploy?: { replicas?: number }; depends_on?: Record<string, { condition: string }> }>;
};
const ourServices = ['migrate', 'worker', 'api'];

describe('docker-compose.yml', () => {
  it('has a Temporal cluster on Postgres, its UI on 8080 (published only by the expose override), and separate databases', () => {
    const s = compose.services;
    expect(s.temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(s.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-db' });
    expect(s['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:/);
    expect(s.temporal.depends_on?.['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(s['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    // No authentication in front of them: not published by default, loopback only when asked.
    expect(s['temporal-ui'].ports).toBeUndefined();
    expect(s.temporal.ports).toBeUndefined();
    const expose = parse(readFileSync(path.join(root, 'docker-compose.expose.yml'), 'utf8')) as typeof compose;
    expect(expose.services['temporal-ui'].ports).toEqual(['127.0.0.1:8080:8080']);
    expect(expose.services.temporal.ports).toEqual(['127.0.0.1:7233:7233']);
    expect(s['ledger-db'].image).toMatch(/^postgres:/);
    expect(s['temporal-db'].image).toMatch(/^postgres:/);
    for (const svc of Object.values(s)) expect(svc.image ?? '').not.toMatch(/auto-setup/);
  });

  it('pins every third-party image to a version', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (ourServices.includes(name)) continue;
      expect(`${name}: ${svc.image}`).toMatch(/:[^:]*\d[^:]*$/);
    }
  });

  it('scales workers and API by replicas and runs the built entry points', () => {
    const { worker, api, migrate } = compose.services;
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(api.deploy?.replicas).toBeGreaterThanOrEqual(2);
    for (const svc of [worker, api, migrate]) {
      const entry = svc.command?.[1] ?? '';
      expect(entry).toMatch(/^dist\/.*\.js$/);
      expect(existsSync(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
  });

  it('sets only variables the configuration module knows', () => {
    for (const name of ourServices) {
      const env = compose.services[name].environment ?? {};
      expect(Object.keys(env).length).toBeGreaterThan(0);
      for (const key of Object.keys(env)) expect(CONFIG_VARIABLES).toContain(key);
    }
  });

  it('registers exactly the search attributes the workflow writes', () => {
    const script = readFileSync(path.join(root, 'deploy/temporal/setup-namespace.sh'), 'utf8');
    const registered = Object.fromEntries([...script.matchAll(/(\w+)=(Keyword|KeywordList|Datetime)\b/g)].map((m) => [m[1], m[2]]));
    expect(registered).toEqual(SEARCH_ATTRIBUTES);
  });
});
