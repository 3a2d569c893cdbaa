/**
 * Container stacks the scenarios put in guests: a Prometheus/Grafana monitoring stack (docker compose), a
 * GitLab runner with its job containers, a small test database, and generated application stacks for the
 * `large` scenario. Each entry says what the container is (image, command, ports, restart policy, processes)
 * and the state it is in when the simulation starts.
 */
import type { ContainerSpec, RestartPolicyName } from './container';
import { cacheName, HELPER_IMAGE, SHELL_DETECTION, stableHex, type CiProject } from './ci-runner';

const DAY = 86400_000;
const HOUR = 3600_000;

/** Where a scenario container stands at start, relative to now (ms ago). */
export type SeedState =
  | { state: 'running' | 'paused'; startedAgo: number }
  | { state: 'restarting'; startedAgo: number; exitCode: number; restartCount: number }
  | { state: 'exited'; startedAgo: number; finishedAgo: number; exitCode: number; manuallyStopped?: boolean }
  | { state: 'created' };

export interface StackContainer { spec: ContainerSpec; createdAgo: number; seed: SeedState }

interface ComposeService {
  service: string;
  image: string;
  entrypoint?: string[];
  cmd?: string[];
  ports?: ContainerSpec['ports'];
  user?: string;
  restart?: RestartPolicyName;
  mounts?: ContainerSpec['mounts'];
  networkMode?: string;
  env?: string[];
  processes: ContainerSpec['processes'];
  stop?: ContainerSpec['stop'];
  lifetime?: ContainerSpec['lifetime'];
  sizeRootFs: number;
  name?: string;
  oneoff?: boolean;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A container as `docker compose up` names and labels it (`<project>-<service>-1`). */
function compose(project: string, dir: string, s: ComposeService): ContainerSpec {
  return {
    name: s.name ?? `${project}-${s.service}-1`, image: s.image, entrypoint: s.entrypoint, cmd: s.cmd ?? [], env: s.env ?? [PATH_ENV], user: s.user,
    labels: {
      'com.docker.compose.config-hash': stableHex(`${project}/${s.service}`, 64), 'com.docker.compose.container-number': '1', 'com.docker.compose.depends_on': '',
      'com.docker.compose.image': `sha256:${stableHex(s.image, 64)}`, 'com.docker.compose.oneoff': s.oneoff ? 'True' : 'False', 'com.docker.compose.project': project,
      'com.docker.compose.project.config_files': `${dir}/docker-compose.yml`, 'com.docker.compose.project.working_dir': dir, 'com.docker.compose.service': s.service,
      'com.docker.compose.version': '2.24.6',
    },
    ports: s.ports, mounts: s.mounts, restart: { name: s.restart ?? 'unless-stopped' }, networkMode: s.networkMode ?? `${project}_default`,
    processes: s.processes, stop: s.stop, lifetime: s.lifetime, sizeRootFs: s.sizeRootFs, sizeRw: 0,
  };
}

const running = (startedAgo: number): SeedState => ({ state: 'running', startedAgo });

/** Prometheus, Grafana, Alertmanager, node-exporter and friends; cadvisor paused, Loki crashed, an SNMP exporter in a crash loop. */
export function monitoringStack(bootAgo: number): StackContainer[] {
  const dir = '/opt/monitoring';
  const c = (s: ComposeService) => compose('monitoring', dir, s);
  const up = bootAgo - 40_000;
  return [
    {
      createdAgo: 64 * DAY, seed: running(up),
      spec: c({
        service: 'prometheus', image: 'prom/prometheus:v2.51.2', entrypoint: ['/bin/prometheus'], user: 'nobody', sizeRootFs: 262_741_337,
        cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=30d', '--web.enable-lifecycle'],
        ports: [{ privatePort: 9090, publicPort: 9090 }],
        mounts: [{ type: 'bind', source: '/opt/monitoring/prometheus', destination: '/etc/prometheus', readOnly: true }, { type: 'volume', source: 'monitoring_prometheus-data', destination: '/prometheus' }],
        processes: [{ user: 'nobody', cmd: '/bin/prometheus --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus --storage.tsdb.retention.time=30d --web.enable-lifecycle', cpu: 0.11 }],
        stop: { afterMs: 1800, exitCode: 0 },
      }),
    },
    {
      createdAgo: 64 * DAY, seed: running(up),
      spec: c({
        service: 'grafana', image: 'grafana/grafana-oss:10.4.2', entrypoint: ['/run.sh'], user: '472', sizeRootFs: 412_018_221,
        env: [PATH_ENV.replace('/usr/local/sbin', '/usr/share/grafana/bin:/usr/local/sbin'), 'GF_PATHS_DATA=/var/lib/grafana', 'GF_PATHS_PROVISIONING=/etc/grafana/provisioning', 'GF_SERVER_ROOT_URL=https://grafana.corp.example.com/'],
        ports: [{ privatePort: 3000, publicPort: 3000 }], mounts: [{ type: 'volume', source: 'monitoring_grafana-data', destination: '/var/lib/grafana' }],
        processes: [{ user: '472', cmd: 'grafana server --homepath=/usr/share/grafana --config=/etc/grafana/grafana.ini --packaging=docker cfg:default.log.mode=console cfg:default.paths.data=/var/lib/grafana cfg:default.paths.logs=/var/log/grafana cfg:default.paths.plugins=/var/lib/grafana/plugins cfg:default.paths.provisioning=/etc/grafana/provisioning', cpu: 0.018 }],
      }),
    },
    {
      createdAgo: 64 * DAY, seed: running(up),
      spec: c({
        service: 'alertmanager', image: 'prom/alertmanager:v0.27.0', entrypoint: ['/bin/alertmanager'], user: 'nobody', sizeRootFs: 70_341_950,
        cmd: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager', '--web.external-url=https://alerts.corp.example.com/'],
        ports: [{ privatePort: 9093, publicPort: 9093 }], mounts: [{ type: 'bind', source: '/opt/monitoring/alertmanager', destination: '/etc/alertmanager', readOnly: true }],
        processes: [{ user: 'nobody', cmd: '/bin/alertmanager --config.file=/etc/alertmanager/alertmanager.yml --storage.path=/alertmanager --web.external-url=https://alerts.corp.example.com/', cpu: 0.004 }],
      }),
    },
    {
      createdAgo: 64 * DAY, seed: running(up),
      spec: c({
        service: 'node-exporter', image: 'prom/node-exporter:v1.8.0', entrypoint: ['/bin/node_exporter'], cmd: ['--path.rootfs=/host'], user: 'nobody', networkMode: 'host',
        ports: [{ privatePort: 9100 }], mounts: [{ type: 'bind', source: '/', destination: '/host', readOnly: true }], sizeRootFs: 22_704_109,
        processes: [{ user: 'nobody', cmd: '/bin/node_exporter --path.rootfs=/host', cpu: 0.009 }], stop: { afterMs: 200, exitCode: 143 },
      }),
    },
    {
      createdAgo: 64 * DAY, seed: running(up),
      spec: c({
        service: 'blackbox-exporter', image: 'prom/blackbox-exporter:v0.25.0', entrypoint: ['/bin/blackbox_exporter'], cmd: ['--config.file=/config/blackbox.yml'], sizeRootFs: 23_450_012,
        ports: [{ privatePort: 9115, publicPort: 9115 }], processes: [{ user: 'root', cmd: '/bin/blackbox_exporter --config.file=/config/blackbox.yml', cpu: 0.003 }],
      }),
    },
    {
      // Paused by the on-call engineer: it was using a whole core on this VM.
      createdAgo: 64 * DAY, seed: { state: 'paused', startedAgo: up },
      spec: c({
        service: 'cadvisor', image: 'gcr.io/cadvisor/cadvisor:v0.49.1', entrypoint: ['/usr/bin/cadvisor', '-logtostderr'], sizeRootFs: 80_828_520,
        ports: [{ privatePort: 8080, publicPort: 8080 }],
        mounts: [{ type: 'bind', source: '/var/run', destination: '/var/run', readOnly: true }, { type: 'bind', source: '/sys', destination: '/sys', readOnly: true }, { type: 'bind', source: '/var/lib/docker', destination: '/var/lib/docker', readOnly: true }],
        processes: [{ user: 'root', cmd: '/usr/bin/cadvisor -logtostderr', cpu: 0.6 }],
      }),
    },
    {
      // A broken config: exits at once and Docker keeps restarting it (back-off at its one-minute ceiling).
      createdAgo: 6 * DAY, seed: { state: 'restarting', startedAgo: 62_000, exitCode: 1, restartCount: 8123 },
      spec: c({
        service: 'snmp-exporter', image: 'prom/snmp-exporter:v0.26.0', entrypoint: ['/bin/snmp_exporter'], cmd: ['--config.file=/etc/snmp_exporter/snmp.yml'], restart: 'always',
        ports: [{ privatePort: 9116, publicPort: 9116 }], sizeRootFs: 27_114_845,
        processes: [{ user: 'nobody', cmd: '/bin/snmp_exporter --config.file=/etc/snmp_exporter/snmp.yml', cpu: 0.05 }], lifetime: { runsForMs: 1500, exitCode: 1 },
      }),
    },
    {
      // Out of memory on a big query four days ago; nobody set a restart policy.
      createdAgo: 30 * DAY, seed: { state: 'exited', startedAgo: 12 * DAY, finishedAgo: 4 * DAY + 3 * HOUR, exitCode: 1 },
      spec: c({
        service: 'loki', image: 'grafana/loki:2.9.8', cmd: ['-config.file=/etc/loki/local-config.yaml'], entrypoint: ['/usr/bin/loki'], restart: 'no', user: '10001',
        ports: [{ privatePort: 3100, publicPort: 3100 }], mounts: [{ type: 'volume', source: 'monitoring_loki-data', destination: '/loki' }], sizeRootFs: 73_651_880,
        processes: [{ user: '10001', cmd: '/usr/bin/loki -config.file=/etc/loki/local-config.yaml', cpu: 0.04 }],
      }),
    },
    {
      createdAgo: 2 * DAY + 2 * HOUR, seed: { state: 'exited', startedAgo: 2 * DAY + 2 * HOUR, finishedAgo: 2 * DAY + 2 * HOUR - 41_000, exitCode: 0 },
      spec: c({
        service: 'grafana-backup', name: 'monitoring-grafana-backup-run-5d0c1e7a9b34', oneoff: true, image: 'alpine:3.19', restart: 'no', sizeRootFs: 7_376_521,
        cmd: ['sh', '-c', 'tar czf /backup/grafana-$(date +%F).tgz -C /var/lib/grafana . && find /backup -name "grafana-*.tgz" -mtime +14 -delete 2>/dev/null'],
        mounts: [{ type: 'volume', source: 'monitoring_grafana-data', destination: '/var/lib/grafana', readOnly: true }, { type: 'bind', source: '/srv/backup', destination: '/backup' }],
        processes: [{ user: 'root', cmd: 'tar czf /backup/grafana-2024-06-01.tgz -C /var/lib/grafana .', cpu: 0.7 }],
      }),
    },
  ];
}

export const RUNNER_TOKEN = 'xz3p1k8b';

export const CI_PROJECTS: CiProject[] = [
  { id: 42, path: 'shop/storefront', image: 'node:20-bookworm', script: 'node /usr/local/bin/npm ci --no-audit', ref: 'main' },
  { id: 17, path: 'shop/payments', image: 'golang:1.22-bookworm', script: 'go test ./... -race -count=1', ref: 'main' },
  { id: 23, path: 'ops/ansible', image: 'python:3.12-slim', script: '/usr/local/bin/python -m pytest -q tests', ref: 'renovate/ansible-9.x' },
  { id: 58, path: 'erp/reporting', image: 'maven:3.9-eclipse-temurin-21', script: '/opt/java/openjdk/bin/java -classpath /usr/share/maven/boot/plexus-classworlds-2.7.0.jar org.codehaus.plexus.classworlds.launcher.Launcher -B verify', ref: 'release/2024.06' },
];

/** The GitLab runner (docker executor) of a CI agent, its job cache containers, and what an old crash left behind. */
export function runnerStack(bootAgo: number): StackContainer[] {
  const cache = (project: CiProject, slot: number, finishedAgo: number): StackContainer => ({
    createdAgo: finishedAgo + 20 * DAY, seed: { state: 'exited', startedAgo: finishedAgo + 3000, finishedAgo, exitCode: 0 },
    spec: {
      name: cacheName(RUNNER_TOKEN, project, slot), image: HELPER_IMAGE,
      cmd: ['gitlab-runner-helper', 'cache-init', '/cache'], restart: { name: 'no' }, sizeRootFs: 68_221_104, sizeRw: 0,
      labels: { 'com.gitlab.gitlab-runner.managed': 'true', 'com.gitlab.gitlab-runner.type': 'cache' },
      mounts: [{ type: 'volume', source: cacheName(RUNNER_TOKEN, project, slot), destination: '/cache' }],
      processes: [{ user: 'root', cmd: 'gitlab-runner-helper cache-init /cache', cpu: 0.1 }],
    },
  });
  return [
    {
      createdAgo: 120 * DAY, seed: running(bootAgo - 20_000),
      spec: {
        name: 'gitlab-runner', image: 'gitlab/gitlab-runner:v16.11.1', entrypoint: ['/usr/bin/dumb-init', '/entrypoint'],
        cmd: ['run', '--user=gitlab-runner', '--working-directory=/home/gitlab-runner'], restart: { name: 'always' }, sizeRootFs: 812_477_069, sizeRw: 0,
        mounts: [{ type: 'bind', source: '/srv/gitlab-runner/config', destination: '/etc/gitlab-runner' }, { type: 'bind', source: '/var/run/docker.sock', destination: '/var/run/docker.sock' }],
        processes: [
          { user: 'root', cmd: '/usr/bin/dumb-init /entrypoint run --user=gitlab-runner --working-directory=/home/gitlab-runner', cpu: 0 },
          { user: 'root', cmd: 'gitlab-runner run --user=gitlab-runner --working-directory=/home/gitlab-runner', cpu: 0.012 },
        ],
        stop: { afterMs: 900, exitCode: 0 },
      },
    },
    {
      createdAgo: 120 * DAY, seed: running(bootAgo - 20_000),
      spec: {
        name: 'registry-mirror', image: 'registry:2.8.3', entrypoint: ['/entrypoint.sh'], cmd: ['/etc/docker/registry/config.yml'], restart: { name: 'always' },
        env: [PATH_ENV, 'REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io'], ports: [{ privatePort: 5000, publicPort: 5000 }], sizeRootFs: 25_411_206, sizeRw: 0,
        mounts: [{ type: 'volume', source: 'registry-mirror-data', destination: '/var/lib/registry' }],
        processes: [{ user: 'root', cmd: 'registry serve /etc/docker/registry/config.yml', cpu: 0.006 }],
      },
    },
    cache(CI_PROJECTS[0], 0, 3 * HOUR),
    cache(CI_PROJECTS[1], 1, 26 * HOUR),
    {
      // A job container from before the last unclean reboot: the runner never came back for it.
      createdAgo: 9 * DAY, seed: { state: 'exited', startedAgo: 9 * DAY - 2000, finishedAgo: 9 * DAY - 200_000, exitCode: 255 },
      spec: {
        name: `runner-${RUNNER_TOKEN}-project-17-concurrent-1-7a9e2c4b1d3f5a6e-build`, image: CI_PROJECTS[1].image, cmd: SHELL_DETECTION, restart: { name: 'no' }, sizeRootFs: 838_190_344, sizeRw: 41_223_901,
        labels: { 'com.gitlab.gitlab-runner.job.id': '201877', 'com.gitlab.gitlab-runner.managed': 'true', 'com.gitlab.gitlab-runner.project.id': '17', 'com.gitlab.gitlab-runner.type': 'build' },
        processes: [{ user: 'root', cmd: '/usr/bin/bash', cpu: 0.01 }, { user: 'root', cmd: CI_PROJECTS[1].script, cpu: 0.9 }], workingDir: '/builds/shop/payments',
      },
    },
  ];
}

/** A Lab VM's scratch database, prepared for xscontainer but not monitored. */
export function labDatabaseStack(bootAgo: number): StackContainer[] {
  return [
    {
      createdAgo: 15 * DAY, seed: running(bootAgo - 15_000),
      spec: {
        name: 'pg-test', image: 'postgres:16.3', entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], restart: { name: 'unless-stopped' }, env: [PATH_ENV, 'PGDATA=/var/lib/postgresql/data', 'POSTGRES_DB=upgrade_test'],
        ports: [{ privatePort: 5432, publicPort: 5432 }], mounts: [{ type: 'volume', source: 'pg-test-data', destination: '/var/lib/postgresql/data' }], sizeRootFs: 431_991_237, sizeRw: 63,
        processes: [
          { user: '999', cmd: 'postgres', cpu: 0.004 }, { user: '999', cmd: 'postgres: checkpointer ', cpu: 0.001 }, { user: '999', cmd: 'postgres: background writer ', cpu: 0.001 },
          { user: '999', cmd: 'postgres: walwriter ', cpu: 0.001 }, { user: '999', cmd: 'postgres: autovacuum launcher ', cpu: 0.001 }, { user: '999', cmd: 'postgres: logical replication launcher ', cpu: 0 },
        ],
        stop: { afterMs: 1200, exitCode: 0 },
      },
    },
    {
      createdAgo: 15 * DAY, seed: running(bootAgo - 14_000),
      spec: {
        name: 'adminer', image: 'adminer:4.8.1', entrypoint: ['entrypoint.sh', 'docker-php-entrypoint'], cmd: ['php', '-S', '[::]:8080', '-t', '/var/www/html'], restart: { name: 'unless-stopped' },
        ports: [{ privatePort: 8080, publicPort: 8081 }], user: 'adminer', sizeRootFs: 90_205_413, sizeRw: 0,
        processes: [{ user: 'adminer', cmd: 'php -S [::]:8080 -t /var/www/html', cpu: 0.001 }], stop: { afterMs: 10_500, exitCode: 137 },
      },
    },
    {
      createdAgo: 12 * DAY, seed: { state: 'exited', startedAgo: 12 * DAY, finishedAgo: 12 * DAY - 95_000, exitCode: 0 },
      spec: {
        name: 'upgrade-test', image: 'debian:12', cmd: ['bash', '-c', 'apt-get update && apt-get -y dist-upgrade > /tmp/upgrade.log 2>&1'], restart: { name: 'no' }, sizeRootFs: 116_523_014, sizeRw: 322_114_558,
        processes: [{ user: 'root', cmd: 'bash -c apt-get update && apt-get -y dist-upgrade > /tmp/upgrade.log 2>&1', cpu: 0.5 }],
      },
    },
  ];
}

interface ServiceTemplate { service: string; image: string; entrypoint?: string[]; cmd: string[]; port?: number; user: string; process: string; cpu: number; size: number }

const TEMPLATES: ServiceTemplate[] = [
  { service: 'web', image: 'nginx:1.25-alpine', entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], port: 80, user: 'root', process: 'nginx: master process nginx -g daemon off;', cpu: 0.002, size: 43_261_334 },
  { service: 'app', image: 'registry.example.com/shop/api:3.14.2', cmd: ['node', 'dist/server.js'], port: 3000, user: 'node', process: 'node dist/server.js', cpu: 0.04, size: 228_442_109 },
  { service: 'redis', image: 'redis:7.2-alpine', entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server', '--appendonly', 'yes'], user: '999', process: 'redis-server *:6379', cpu: 0.006, size: 40_687_211 },
  { service: 'db', image: 'postgres:16.3', entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], user: '999', process: 'postgres', cpu: 0.01, size: 431_991_237 },
  { service: 'worker', image: 'registry.example.com/shop/worker:3.14.2', cmd: ['python', '-m', 'worker', '--queues=default,mail'], user: 'app', process: 'python -m worker --queues=default,mail', cpu: 0.03, size: 190_333_870 },
  { service: 'proxy', image: 'traefik:v3.0', entrypoint: ['/entrypoint.sh'], cmd: ['--providers.docker', '--entrypoints.web.address=:8080'], port: 8080, user: 'root', process: 'traefik traefik --providers.docker --entrypoints.web.address=:8080', cpu: 0.008, size: 170_210_663 },
  { service: 'exporter', image: 'prom/node-exporter:v1.8.0', entrypoint: ['/bin/node_exporter'], cmd: [], user: 'nobody', process: '/bin/node_exporter', cpu: 0.009, size: 22_704_109 },
  { service: 'cron', image: 'alpine:3.19', cmd: ['crond', '-f', '-l', '8'], user: 'root', process: 'crond -f -l 8', cpu: 0.0005, size: 7_376_521 },
];

/**
 * `count` containers of a generated application (`<project>-<service>-1`) for one VM: mostly running, now and
 * then an exited one and, rarely, a paused one (`pick` draws from the scenario's seeded random numbers).
 */
export function generatedStack(project: string, count: number, bootAgo: number, pick: () => number): StackContainer[] {
  return Array.from({ length: count }, (_, i) => {
    const t = TEMPLATES[(i + project.length) % TEMPLATES.length];
    const roll = pick();
    const seed: SeedState = roll < 0.08 ? { state: 'exited', startedAgo: bootAgo - 30_000, finishedAgo: Math.floor(bootAgo * roll * 10), exitCode: roll < 0.04 ? 0 : 137, manuallyStopped: true }
      : roll < 0.1 ? { state: 'paused', startedAgo: bootAgo - 30_000 } : running(bootAgo - 30_000);
    const spec = compose(project, `/srv/${project}`, {
      service: i < TEMPLATES.length ? t.service : `${t.service}${Math.floor(i / TEMPLATES.length) + 1}`, image: t.image, entrypoint: t.entrypoint, cmd: t.cmd, user: t.user === 'root' ? undefined : t.user,
      ports: t.port ? [{ privatePort: t.port, publicPort: t.port + 8000 + i }] : undefined, processes: [{ user: t.user, cmd: t.process, cpu: t.cpu }], sizeRootFs: t.size,
    });
    return { spec, createdAgo: bootAgo + 5 * DAY, seed };
  });
}
