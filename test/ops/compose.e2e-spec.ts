import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { configKeys, loadConfig } from '@app/core';
import { ROOT_PATHS } from '../../apps/api/src/app.factory';
import { API_MAIN, CLI, ROOT, WORKER_MAIN } from './spawned';

/**
 * The Docker files have never been built here (no Docker engine on this machine): this suite
 * checks statically what `docker compose config` and `docker build` would, and what the
 * application itself would refuse at boot. Every variable the compose file and the image pass
 * to Relais must be one the configuration reads (a misspelt one would be silently ignored), and
 * their values must pass loadConfig as the containers would receive them.
 */
const DOCKER = path.join(ROOT, 'docker');
const COMPOSE_FILE = path.join(DOCKER, 'compose.yaml');
const COMPOSE_TEXT = readFileSync(COMPOSE_FILE, 'utf8');
const DOCKERFILE = path.join(DOCKER, 'Dockerfile');

/** What compose would need from the shell: the required variables, with acceptable values. */
const SHELL = {
  JWT_SECRET: 'un-secret-de-demonstration-assez-long-pour-hs256-0000',
  TIMELINE_HMAC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

// ---------------------------------------------------------------------------------------------
// Interpolation as compose-go does it: `$$` is a literal `$`, `$NAME`, `${NAME}`, and
// `${NAME:-default}` / `-` / `:?message` / `?` / `:+alternative` / `+`, nested in the default or
// the message (which compose interpolates too, even when the variable is set). Any other `$` is
// an "Invalid template" error.
// ---------------------------------------------------------------------------------------------
interface Interpolation {
  name: string;
  op: '' | ':-' | '-' | ':?' | '?' | ':+' | '+';
  arg: string;
}

/** The index just past the `}` that closes the `${` at `dollar` (nested ones counted), or -1 if none does. */
function afterBraces(text: string, dollar: number): number {
  let depth = 1;
  let j = dollar + 2;
  while (j < text.length && depth > 0) {
    if (text.startsWith('${', j)) {
      depth++;
      j += 2;
      continue;
    }
    if (text[j] === '}') depth--;
    j++;
  }
  return depth > 0 ? -1 : j;
}

function parseInterpolations(text: string): Interpolation[] {
  const found: Interpolation[] = [];
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i)) {
    const rest = text.slice(i + 1);
    if (rest.startsWith('$')) {
      i += 2;
      continue;
    }
    const named = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (named) {
      found.push({ name: named[0], op: '', arg: '' });
      i += 1 + named[0].length;
      continue;
    }
    if (!rest.startsWith('{')) throw new Error(`Invalid template: a $ not followed by a name, { or $ in ${JSON.stringify(text)}`);
    const j = afterBraces(text, i);
    if (j < 0) throw new Error(`Invalid template: unclosed \${ in ${JSON.stringify(text)}`);
    const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?+])([\s\S]*))?$/.exec(text.slice(i + 2, j - 1));
    if (!m) throw new Error(`Invalid template: ${JSON.stringify(text.slice(i, j))}`);
    found.push({ name: m[1], op: (m[2] ?? '') as Interpolation['op'], arg: m[3] ?? '' });
    found.push(...parseInterpolations(m[3] ?? ''));
    i = j;
  }
  return found;
}

function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  for (let at = text.indexOf('$'); at >= 0; at = text.indexOf('$', i)) {
    out += text.slice(i, at);
    const rest = text.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i = at + 2;
      continue;
    }
    const named = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (named) {
      out += env[named[0]] ?? '';
      i = at + 1 + named[0].length;
      continue;
    }
    const [first] = parseInterpolations(text.slice(at));
    const j = afterBraces(text, at);
    const value = env[first.name];
    const empty = value === undefined || value === '';
    const arg = () => interpolate(first.arg, env);
    if (first.op === ':-') out += empty ? arg() : value;
    else if (first.op === '-') out += value === undefined ? arg() : value;
    else if (first.op === ':+') out += empty ? '' : arg();
    else if (first.op === '+') out += value === undefined ? '' : arg();
    else if ((first.op === ':?' && empty) || (first.op === '?' && value === undefined)) throw new Error(`required variable ${first.name} is missing a value: ${arg()}`);
    else out += value ?? '';
    i = j;
  }
  return out + text.slice(i);
}

/** Every string of a parsed document (values only: compose does not interpolate keys). */
function strings(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

function deepInterpolate<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => deepInterpolate(v, env)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepInterpolate(v, env)])) as T;
  return value;
}

// ---------------------------------------------------------------------------------------------
// The Dockerfile, read as `docker build` does: continuation lines joined, comments dropped.
// ---------------------------------------------------------------------------------------------
interface Instruction {
  op: string;
  args: string;
  stage: number;
}

function readDockerfile(file: string): { instructions: Instruction[]; stages: Array<{ from: string; name: string | null }>; args: Record<string, string> } {
  const logical: string[] = [];
  let current = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(raw) && current === '') continue;
    if (/^\s*#/.test(raw)) continue; // a comment inside a continued instruction
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const instructions: Instruction[] = [];
  const stages: Array<{ from: string; name: string | null }> = [];
  const args: Record<string, string> = {};
  for (const line of logical) {
    const [, op, rest] = /^(\S+)\s+([\s\S]*)$/.exec(line)!;
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=');
      args[name] = value ?? '';
    }
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ from: m[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''), name: m[2] ?? null });
    }
    instructions.push({ op: upper, args: rest, stage: stages.length - 1 });
  }
  return { instructions, stages, args };
}

/** `KEY=value` pairs of an ENV instruction (the form this Dockerfile uses). */
function envPairs(args: string): Record<string, string> {
  return Object.fromEntries([...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
}

/** Whether a .dockerignore pattern list excludes a path of the context (the forms this file uses: a name, `dir`, `**` prefixes, `*`). */
function ignored(patterns: string[], file: string): boolean {
  let excluded = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = raw.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, '');
    const source = pattern
      .split('/')
      .map((part) => (part === '**' ? '(?:.*/)?' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`))
      .join('')
      .replace(/\/$/, '');
    // A pattern matches the path itself or any of its parents (an excluded directory excludes its content).
    if (new RegExp(`^${source.replace(/\(\?:\.\*\/\)\?\//g, '(?:.*/)?')}(?:/.*)?$`).test(file)) excluded = !negate;
  }
  return excluded;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;
const SERVICE_KEYS = new Set(
  ('annotations attach build blkio_config cpu_count cpu_percent cpu_shares cpu_period cpu_quota cpu_rt_runtime cpu_rt_period cpus cpuset cap_add cap_drop ' +
    'cgroup cgroup_parent command configs container_name credential_spec depends_on deploy develop device_cgroup_rules devices dns dns_opt dns_search ' +
    'domainname entrypoint env_file environment expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation ' +
    'labels label_file links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode networks oom_kill_disable ' +
    'oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles pull_policy read_only restart runtime scale secrets ' +
    'security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits user userns_mode uts volumes volumes_from working_dir').split(' '),
);

type Service = Record<string, any>;

describe('docker/compose.yaml and docker/Dockerfile (checked without a Docker engine)', () => {
  const compose = load(COMPOSE_TEXT, { schema: CORE_SCHEMA.withTags(mergeTag) }) as Record<string, any>;
  const services = compose.services as Record<string, Service>;
  const dockerfile = readDockerfile(DOCKERFILE);
  const dockerignore = readFileSync(`${DOCKERFILE}.dockerignore`, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const imageEnv = Object.assign({}, ...dockerfile.instructions.filter((i) => i.op === 'ENV' && i.stage === dockerfile.stages.length - 1).map((i) => envPairs(i.args)));
  /** The services that run the Relais image. */
  const relais = Object.entries(services).filter(([, s]) => (s.build && path.resolve(DOCKER, s.build.context ?? '.') === ROOT) || String(s.image ?? '').startsWith('relais:'));
  const comments = COMPOSE_TEXT.split('\n')
    .filter((l) => /^\s*#/.test(l))
    .join('\n');

  it('has only the top-level keys and service keys compose knows, a valid project name, an image or a build for each service', () => {
    for (const key of Object.keys(compose)) expect(['name', 'services', 'volumes', 'networks', 'configs', 'secrets'].includes(key) || key.startsWith('x-')).toBe(true);
    expect(compose.name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    expect(relais.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, unknown: Object.keys(service).filter((k) => !SERVICE_KEYS.has(k) && !k.startsWith('x-')) }).toEqual({ name, unknown: [] });
      expect({ name, hasImageOrBuild: Boolean(service.image || service.build) }).toEqual({ name, hasImageOrBuild: true });
      if (service.restart !== undefined) expect(['no', 'always', 'on-failure', 'unless-stopped']).toContain(service.restart);
      if (service.stop_grace_period !== undefined) expect(service.stop_grace_period).toMatch(DURATION);
      if (service.init !== undefined) expect(typeof service.init).toBe('boolean');
      if (service.profiles !== undefined) expect(service.profiles.every((p: unknown) => typeof p === 'string' && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(p))).toBe(true);
      for (const key of ['command', 'entrypoint']) if (service[key] !== undefined) expect(typeof service[key] === 'string' || service[key].every((a: unknown) => typeof a === 'string')).toBe(true);
    }
  });

  it('builds from the repository root with a Dockerfile and its ignore file that exist', () => {
    for (const [name, service] of relais) {
      expect({ name, build: service.build }).toEqual({ name, build: { context: '..', dockerfile: 'docker/Dockerfile' } });
      expect(existsSync(path.join(path.resolve(DOCKER, service.build.context), service.build.dockerfile))).toBe(true);
    }
    expect(existsSync(`${DOCKERFILE}.dockerignore`)).toBe(true);
  });

  it('depends only on services that exist and start with it, with conditions they can meet, and without cycles', () => {
    const hasHealthcheck = (name: string) => {
      const s = services[name];
      if (s.healthcheck?.disable) return false;
      return Boolean(s.healthcheck?.test) || relais.some(([r]) => r === name); // the image's HEALTHCHECK
    };
    for (const [name, service] of Object.entries(services)) {
      const deps: Record<string, { condition?: string }> = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d: string) => [d, {}]))
        : (service.depends_on ?? {});
      for (const [dep, options] of Object.entries(deps)) {
        expect({ name, dep, exists: dep in services }).toEqual({ name, dep, exists: true });
        // A service always started must not wait for one that only a profile starts.
        if (!services[name].profiles) expect({ name, dep, profiles: services[dep].profiles }).toEqual({ name, dep, profiles: undefined });
        const condition = options.condition ?? 'service_started';
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect({ name, dep, healthcheck: hasHealthcheck(dep) }).toEqual({ name, dep, healthcheck: true });
        // A one-shot waited for must not be restarted once it succeeded.
        if (condition === 'service_completed_successfully') expect({ dep, restart: services[dep].restart }).toEqual({ dep, restart: 'no' });
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle through ${name}`);
      visiting.add(name);
      const d = services[name].depends_on ?? {};
      for (const dep of Array.isArray(d) ? d : Object.keys(d)) visit(dep);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name);
  });

  it('interpolates only well-formed ${…}, each variable with a default, a required message, or named in the file’s comments', () => {
    const found = strings(compose).flatMap(({ at, text }) => parseInterpolations(text).map((v) => ({ at, ...v })));
    expect(found.length).toBeGreaterThan(0);
    for (const v of found) {
      const settled = ((v.op === ':-' || v.op === '-') && v.arg !== '') || ((v.op === ':?' || v.op === '?') && v.arg.trim() !== '');
      expect({ variable: v.name, at: v.at, settledOrDocumented: settled || new RegExp(`\\b${v.name}\\b`).test(comments) }).toEqual({ variable: v.name, at: v.at, settledOrDocumented: true });
    }
    // Without the required variables, compose stops with their message; with them, every value resolves.
    expect(() => deepInterpolate(compose, {})).toThrow(/required variable (JWT_SECRET|TIMELINE_HMAC_KEYS) is missing a value: set /);
    expect(() => deepInterpolate(compose, SHELL)).not.toThrow();
  });

  it('publishes well-formed ports, and the API’s is the one it listens on', () => {
    const resolved = deepInterpolate(services, SHELL);
    for (const [name, service] of Object.entries(resolved)) {
      for (const port of service.ports ?? []) {
        const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(String(port));
        expect({ name, port, wellFormed: Boolean(m) }).toEqual({ name, port, wellFormed: true });
        for (const n of [m![2], m![3]].filter(Boolean)) expect(Number(n)).toBeGreaterThanOrEqual(1), expect(Number(n)).toBeLessThanOrEqual(65535);
      }
    }
    const [, containerPort] = /:(\d+)$/.exec(resolved.api.ports[0])!;
    expect(resolved.api.environment.PORT).toBe(containerPort);
  });

  it('mounts declared volumes and existing folders, the documents volume where the image keeps documents', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source, target, mode] = String(volume).split(':');
        expect({ name, volume, target: target?.startsWith('/') }).toEqual({ name, volume, target: true });
        if (mode !== undefined) expect(['ro', 'rw', 'z', 'Z']).toContain(mode);
        if (/^[./~]/.test(source)) expect({ name, source, exists: existsSync(path.resolve(DOCKER, source)) }).toEqual({ name, source, exists: true });
        else {
          expect({ name, source, declared: declared.includes(source) }).toEqual({ name, source, declared: true });
          used.add(source);
        }
        if (source === 'documents') expect(target).toBe(imageEnv.DOCUMENTS_DIR);
      }
    }
    expect(declared.filter((v) => !used.has(v))).toEqual([]);
    // The PostgreSQL init script runs in the postgres image's entrypoint.
    expect(statSync(path.join(DOCKER, 'postgres-init/10-relais-app.sh')).mode & 0o111).not.toBe(0);
  });

  it('reads an optional env file, kept out of git', () => {
    for (const [, service] of relais) {
      for (const entry of service.env_file ?? []) {
        const file = typeof entry === 'string' ? { path: entry, required: true } : entry;
        if (file.required !== false) expect(existsSync(path.resolve(DOCKER, file.path))).toBe(true);
      }
    }
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('/docker/relais.env');
  });

  it('has healthchecks compose accepts', () => {
    for (const [name, service] of Object.entries(services)) {
      const h = service.healthcheck;
      if (!h) continue;
      if (h.disable) {
        expect(h.disable).toBe(true);
        continue;
      }
      expect({ name, test: Array.isArray(h.test) ? ['CMD', 'CMD-SHELL', 'NONE'].includes(h.test[0]) : typeof h.test === 'string' }).toEqual({ name, test: true });
      for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) if (h[key] !== undefined) expect(h[key]).toMatch(DURATION);
      if (h.retries !== undefined) expect(Number.isInteger(h.retries)).toBe(true);
    }
  });

  it('passes Relais only variables its configuration reads, with values it accepts at boot', () => {
    const known = new Set(configKeys());
    const resolved = deepInterpolate(services, SHELL);
    for (const [name] of relais) {
      const environment: Record<string, string> = resolved[name].environment;
      expect({ name, unknown: Object.keys(environment).filter((k) => !known.has(k)) }).toEqual({ name, unknown: [] });
      // As the container gets it: the image's ENV, then the compose file's (which wins).
      const env = { ...imageEnv, ...environment };
      expect(() => loadConfig(env)).not.toThrow();
      expect(loadConfig(env).NODE_ENV).toBe('production');
    }
    expect(Object.keys(imageEnv).filter((k) => !known.has(k))).toEqual([]);
    // The settings the comments tell operators to put in docker/relais.env exist too.
    const advised = [...comments.matchAll(/^\s*#\s+([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(advised.length).toBeGreaterThan(3);
    expect(advised.filter((k) => !known.has(k))).toEqual([]);
    for (const k of ['SMTP_HOST', 'SMTP_FROM', 'PUBLIC_URL', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_STARTTLS', 'SMTP_USER', 'SMTP_PASSWORD']) {
      expect(comments).toContain(k);
      expect(known.has(k)).toBe(true);
    }
  });

  it('runs the compiled entry points: API, worker, and the migrations before them', () => {
    expect(services.api.command).toEqual(['node', API_MAIN]);
    expect(services.worker.command).toEqual(['node', WORKER_MAIN]);
    expect(services.migrate.command).toEqual(['node', CLI, 'migrate']);
    expect(services.migrate.environment.DATABASE_OWNER_URL).toBeDefined();
    for (const name of ['api', 'worker']) expect(services[name].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('the Dockerfile: its stages, what it copies from the context (not ignored), what it builds and runs', () => {
    const { instructions, stages } = dockerfile;
    const names = stages.map((s) => s.name);
    // Node 22 LTS or later (engines, and Node 20 is out of support).
    const node = /^node:(\d+)/.exec(stages[0].from);
    expect(Number(node?.[1])).toBeGreaterThanOrEqual(22);
    for (const stage of stages.slice(1)) expect(stage.from === stages[0].from || names.includes(stage.from)).toBe(true);
    for (const copy of instructions.filter((i) => i.op === 'COPY')) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const from = /--from=(\S+)/.exec(copy.args)?.[1];
      if (from) {
        expect(names.slice(0, copy.stage)).toContain(from);
        continue;
      }
      for (const source of parts.slice(0, -1)) {
        expect({ source, exists: existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
        expect({ source, ignored: ignored(dockerignore, source) }).toEqual({ source, ignored: false });
      }
    }
    // What npm start builds: both apps and the web app the API serves from dist/web.
    const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toContain('npm run build:web');
    expect(runs).toMatch(/npm prune --omit=dev/);
    const last = instructions.filter((i) => i.stage === stages.length - 1);
    expect(JSON.parse(last.find((i) => i.op === 'CMD')!.args)).toEqual(['node', API_MAIN]);
    expect(last.find((i) => i.op === 'USER')!.args).toBe('node');
    expect(last.find((i) => i.op === 'EXPOSE')!.args).toBe(imageEnv.PORT);
    expect(last.find((i) => i.op === 'HEALTHCHECK')!.args).toContain('/health/live');
    expect(ROOT_PATHS).toContain('health');
    expect(imageEnv.NODE_ENV).toBe('production');
    // The context keeps what the build needs and leaves the rest out.
    for (const needed of ['package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json', 'apps/api/src/main.ts', 'apps/web/index.html', 'libs/core/src/index.ts']) expect({ needed, ignored: ignored(dockerignore, needed) }).toEqual({ needed, ignored: false });
    for (const kept of ['node_modules/x', 'apps/web/node_modules/x', 'dist/x', '.git/HEAD', 'test/ops/x.ts', 'docker/relais.env', '.env']) expect({ kept, ignored: ignored(dockerignore, kept) }).toEqual({ kept, ignored: true });
  });
});
