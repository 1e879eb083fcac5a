// Offline checks of the deployment files: nothing here needs Docker or AWS. What can run
// (nginx -t, shellcheck, the ecosystem file) is run; the rest is parsed and checked against
// the formats Elastic Beanstalk documents.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { REPO } from './harness.js';

const read = (p: string) => readFileSync(path.join(REPO, p), 'utf8');
let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'soundhub-deploy-files-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const stages = dockerfile.getFROMs();
  const runtimeStart = stages.at(-1)!.getRange().start.line;
  const inRuntime = (i: Instruction) => i.getRange().start.line >= runtimeStart;
  const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  const flag = (i: Instruction, name: string) =>
    (i as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }).getFlags().find((f) => f.getName() === name)?.getValue();

  test('passes the linter', () => {
    expect(lintDockerfile(text)).toEqual([]);
    // The linter does find problems (it is not silently passing everything).
    expect(lintDockerfile('FROM node:24\nEXPOSE eighty\nCOPY\n').length).toBeGreaterThan(0);
  });

  test('every COPY source exists in the build context and is not excluded by .dockerignore', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const stageNames = stages.map((s) => s.getBuildStage()).filter(Boolean);
    let checked = 0;
    for (const i of instructions.filter((x) => x.getKeyword() === 'COPY' || x.getKeyword() === 'ADD')) {
      const sources = args(i).slice(0, -1);
      const from = flag(i, 'from');
      if (from) {
        expect(stageNames, `COPY --from=${from}`).toContain(from);
        continue;
      }
      for (const source of sources) {
        if (/^https:\/\//.test(source)) continue; // ADD of a published file (the RDS CA bundle)
        expect(existsSync(path.join(REPO, source)), `${i.getKeyword()} ${source}`).toBe(true);
        for (const pattern of ignored) {
          const p = pattern.replace(/\/$/, '');
          expect(source === p || source.startsWith(`${p}/`), `${source} is excluded by .dockerignore (${pattern})`).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  test('runtime: Debian slim Node 24 with nginx, ffmpeg, tini; non-root; port 80; HEALTHCHECK; pm2-runtime via the entrypoint', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = instructions.filter(inRuntime);
    const apt = runtime.filter((i) => i.getKeyword() === 'RUN').map((i) => args(i).join(' ')).join(' ');
    for (const pkg of ['nginx', 'ffmpeg', 'tini', 'gettext-base']) expect(apt).toMatch(new RegExp(`install[^&]*\\b${pkg}\\b`));
    const user = runtime.filter((i) => i.getKeyword() === 'USER').at(-1);
    expect(user && args(user)[0]).toMatch(/^(?!root$|0$)/);
    expect(runtime.filter((i) => i.getKeyword() === 'EXPOSE').flatMap(args)).toEqual(['80']);
    expect(runtime.some((i) => i.getKeyword() === 'HEALTHCHECK')).toBe(true);
    const entrypoint = runtime.find((i) => i.getKeyword() === 'ENTRYPOINT')!;
    const exec = JSON.parse(entrypoint.getArgumentsContent()!) as string[];
    expect(exec).toEqual(['/usr/bin/tini', '--', '/app/docker/entrypoint.sh']);
    // The entrypoint and ecosystem the tests run are the ones copied into the image.
    expect(runtime.some((i) => i.getKeyword() === 'COPY' && args(i).join(' ') === 'docker ./docker')).toBe(true);
    expect(runtime.some((i) => i.getKeyword() === 'COPY' && args(i).join(' ') === 'nginx.conf ./nginx.conf')).toBe(true);
    expect(read('docker/entrypoint.sh')).toMatch(/exec "\$APP_DIR\/node_modules\/\.bin\/pm2-runtime" "\$APP_DIR\/docker\/ecosystem\.config\.cjs"/);
    // Production dependencies only in the runtime stage.
    expect(text).toMatch(/npm prune --omit=dev/);
  });

  test('every base image is pinned by digest: written in the FROM, or the ARG the release script fills from docker/base-image', () => {
    const defaults = new Map(
      instructions.filter((i) => i.getKeyword() === 'ARG').map((i) => {
        const [name, value] = args(i)[0]!.split('=');
        return [name!, value] as const;
      }),
    );
    for (const from of stages) {
      const image = from.getImageName() ?? '';
      const arg = /^\$\{?(\w+)\}?$/.exec(args(from)[0]!)?.[1];
      if (arg) {
        // No default: a build without the pinned value stops instead of floating to a tag.
        expect(defaults.has(arg), `ARG ${arg}`).toBe(true);
        expect(defaults.get(arg), `ARG ${arg} has a default`).toBeUndefined();
      } else {
        expect(args(from)[0], `FROM ${image}`).toMatch(/@sha256:[0-9a-f]{64}$/);
      }
    }
    const script = read('scripts/release-image.sh');
    expect(script).toMatch(/--build-arg NODE_IMAGE="\$base"/);
    expect(script).toMatch(/BASE_FILE=docker\/base-image/);
    expect(read('.github/workflows/deploy.yml')).toMatch(/scripts\/release-image\.sh release/);
    // Once pinned (scripts/release-image.sh pin, committed by the operator), the file holds
    // exactly one digest of the Node 24 slim image.
    if (existsSync(path.join(REPO, 'docker/base-image'))) {
      expect(read('docker/base-image').trim()).toMatch(/^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    }
  });

  test('the RDS CA bundle is checked against the recorded checksum with sha256sum -c', () => {
    const runtime = instructions.filter(inRuntime);
    const add = runtime.find((i) => i.getKeyword() === 'ADD' && args(i)[0]!.startsWith('https://truststore.pki.rds.amazonaws.com/'))!;
    expect(args(add)[1]).toBe('/app/certs/rds-global-bundle.pem');
    const check = runtime.find((i) => i.getKeyword() === 'RUN' && /sha256sum -c/.test(args(i).join(' ')))!;
    expect(check.getRange().start.line).toBeGreaterThan(add.getRange().start.line);
    expect(args(check).join(' ')).toMatch(/cd \/app\/certs && sha256sum -c \/app\/docker\/rds-global-bundle\.pem\.sha256/);
    // The checksum file comes into the image with docker/ (COPY docker ./docker), before the check.
    const copyDocker = runtime.find((i) => i.getKeyword() === 'COPY' && args(i).join(' ') === 'docker ./docker')!;
    expect(copyDocker.getRange().start.line).toBeLessThan(check.getRange().start.line);
    if (existsSync(path.join(REPO, 'docker/rds-global-bundle.pem.sha256'))) {
      expect(read('docker/rds-global-bundle.pem.sha256').trim()).toMatch(/^[0-9a-f]{64} {2}rds-global-bundle\.pem$/);
    }
    // sha256sum -c really refuses a wrong checksum in that format (what the build relies on).
    writeFileSync(path.join(scratch, 'rds-global-bundle.pem'), 'not the bundle\n');
    writeFileSync(path.join(scratch, 'sum'), `${'0'.repeat(64)}  rds-global-bundle.pem\n`);
    expect(spawnSync('sha256sum', ['-c', path.join(scratch, 'sum')], { cwd: scratch }).status).not.toBe(0);
  });

  test('the browser bundles in the image are built without source maps', () => {
    const build = instructions.filter((i) => !inRuntime(i) && i.getKeyword() === 'RUN').map((i) => args(i).join(' ')).join(' ');
    expect(build).toMatch(/node scripts\/build-client\.mjs --no-sourcemap/);
    expect(read('scripts/build-client.mjs')).toMatch(/process\.argv\.includes\('--no-sourcemap'\)/);
  });
});

describe('Dockerrun.aws.json', () => {
  // Version 1 (single container), as Elastic Beanstalk documents it.
  const schema = {
    type: 'object',
    required: ['AWSEBDockerrunVersion'],
    additionalProperties: false,
    properties: {
      AWSEBDockerrunVersion: { const: '1' },
      Image: {
        type: 'object',
        required: ['Name'],
        additionalProperties: false,
        properties: { Name: { type: 'string', minLength: 1 }, Update: { enum: ['true', 'false'] } },
      },
      Ports: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['ContainerPort'],
          additionalProperties: false,
          properties: { ContainerPort: { type: ['integer', 'string'] }, HostPort: { type: ['integer', 'string'] } },
        },
      },
      Volumes: {
        type: 'array',
        items: {
          type: 'object',
          required: ['HostDirectory', 'ContainerDirectory'],
          additionalProperties: false,
          properties: { HostDirectory: { type: 'string' }, ContainerDirectory: { type: 'string' } },
        },
      },
      Logging: { type: 'string', pattern: '^/' },
      Authentication: {
        type: 'object',
        required: ['Bucket', 'Key'],
        additionalProperties: false,
        properties: { Bucket: { type: 'string' }, Key: { type: 'string' } },
      },
      Entrypoint: { type: 'string' },
      Command: { type: 'string' },
    },
    // Ports is required when Image is given.
    dependencies: { Image: ['Ports'] },
  } as const;
  const check = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

  test('matches the version 1 format: port 80 (the image EXPOSEs it), the log folder the entrypoint uses', () => {
    const doc = JSON.parse(read('Dockerrun.aws.json')) as { Ports: Array<{ ContainerPort: number }>; Logging: string };
    expect(check(doc), JSON.stringify(check.errors)).toBe(true);
    expect(Number(doc.Ports[0]!.ContainerPort)).toBe(80);
    expect(read('Dockerfile')).toMatch(new RegExp(`LOG_DIR=${doc.Logging}\\b`));
    // The CI bundle adds the image; that shape is valid too, and a bad one is refused.
    expect(check({ ...doc, Image: { Name: '123.dkr.ecr.eu-west-1.amazonaws.com/soundhub:v1', Update: 'true' } })).toBe(true);
    expect(check({ AWSEBDockerrunVersion: '1', Image: { Name: 'x' } })).toBe(false);
    expect(check({ AWSEBDockerrunVersion: '2', containerDefinitions: [] })).toBe(false);
  });
});

describe('.ebextensions', () => {
  // The general option namespaces of Elastic Beanstalk (Docker platform included). Options are
  // also checked for the namespaces these files use.
  const OPTIONS: Record<string, string[] | '*'> = {
    'aws:elasticbeanstalk:environment': ['EnvironmentType', 'ServiceRole', 'LoadBalancerType', 'LoadBalancerIsShared'],
    'aws:elasticbeanstalk:application:environment': '*',
    'aws:elasticbeanstalk:application:environmentsecrets': '*',
    'aws:elasticbeanstalk:customoption': '*',
    'aws:elasticbeanstalk:healthreporting:system': ['SystemType', 'ConfigDocument', 'EnhancedHealthAuthEnabled', 'HealthCheckSuccessThreshold'],
    'aws:elasticbeanstalk:cloudwatch:logs': ['StreamLogs', 'DeleteOnTerminate', 'RetentionInDays'],
    'aws:elasticbeanstalk:cloudwatch:logs:health': ['HealthStreamingEnabled', 'DeleteOnTerminate', 'RetentionInDays'],
    'aws:elasticbeanstalk:environment:process:default': [
      'DeregistrationDelay', 'HealthCheckInterval', 'HealthCheckPath', 'HealthCheckTimeout', 'HealthyThresholdCount', 'MatcherHTTPCode',
      'Port', 'Protocol', 'StickinessEnabled', 'StickinessLBCookieDuration', 'StickinessType', 'UnhealthyThresholdCount',
    ],
    'aws:autoscaling:asg': ['Availability Zones', 'Cooldown', 'Custom Availability Zones', 'EnableCapacityRebalancing', 'MinSize', 'MaxSize'],
    'aws:autoscaling:trigger': [
      'BreachDuration', 'LowerBreachScaleIncrement', 'LowerThreshold', 'MeasureName', 'Period', 'EvaluationPeriods', 'Statistic', 'Unit',
      'UpperBreachScaleIncrement', 'UpperThreshold',
    ],
    'aws:elasticbeanstalk:command': ['DeploymentPolicy', 'Timeout', 'BatchSizeType', 'BatchSize', 'IgnoreHealthCheck'],
    'aws:autoscaling:updatepolicy:rollingupdate': ['MaxBatchSize', 'MinInstancesInService', 'RollingUpdateEnabled', 'RollingUpdateType', 'PauseTime', 'Timeout'],
    'aws:elbv2:loadbalancer': ['AccessLogsS3Bucket', 'AccessLogsS3Enabled', 'AccessLogsS3Prefix', 'IdleTimeout', 'ManagedSecurityGroup', 'SecurityGroups'],
    'aws:elbv2:listener:default': ['DefaultProcess', 'ListenerEnabled', 'Protocol', 'Rules', 'SSLCertificateArns', 'SSLPolicy'],
    'aws:autoscaling:launchconfiguration': [
      'BlockDeviceMappings', 'DisableDefaultEC2SecurityGroup', 'DisableIMDSv1', 'EC2KeyName', 'IamInstanceProfile', 'ImageId', 'InstanceType',
      'MonitoringInterval', 'RootVolumeIOPS', 'RootVolumeSize', 'RootVolumeThroughput', 'RootVolumeType', 'SecurityGroups', 'SSHSourceRestriction',
    ],
  };
  const OTHER_NAMESPACES = [
    'aws:autoscaling:scheduledaction', 'aws:ec2:instances', 'aws:ec2:vpc', 'aws:eks:cluster',
    'aws:elasticbeanstalk:application', 'aws:elasticbeanstalk:hostmanager', 'aws:elasticbeanstalk:managedactions',
    'aws:elasticbeanstalk:managedactions:platformupdate', 'aws:elasticbeanstalk:monitoring', 'aws:elasticbeanstalk:sns:topics',
    'aws:elasticbeanstalk:sqsd', 'aws:elasticbeanstalk:trafficsplitting', 'aws:elasticbeanstalk:xray', 'aws:elasticbeanstalk:environment:proxy',
    'aws:elasticbeanstalk:environment:proxy:staticfiles', 'aws:elb:healthcheck', 'aws:elb:loadbalancer', 'aws:elb:listener', 'aws:elb:policies',
    'aws:rds:dbinstance',
  ];
  const PATTERNS: Array<[RegExp, string]> = [
    [/^aws:elbv2:listener:\d+$/, 'aws:elbv2:listener:default'],
    [/^aws:elasticbeanstalk:environment:process:[\w-]+$/, 'aws:elasticbeanstalk:environment:process:default'],
    [/^aws:elbv2:listenerrule:[\w-]+$/, ''],
    [/^aws:elb:listener:\d+$/, ''],
    [/^aws:elb:policies:[\w-]+$/, ''],
  ];
  const TOP_LEVEL = ['option_settings', 'Resources', 'Outputs', 'files', 'commands', 'container_commands', 'packages', 'sources', 'users', 'groups', 'services'];
  const FUNCTIONS = ['Fn::GetAtt', 'Fn::Join', 'Fn::GetOptionSetting']; // plus Ref: the ones EB documents
  // CloudFormation short forms, in case a file uses them: read as the long forms.
  const customTags = ['Ref', 'GetAtt', 'Join', 'GetOptionSetting'].map((name) => ({
    tag: `!${name}`,
    resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: typeof value === 'string' && name === 'GetAtt' ? value.split('.') : value }),
  }));

  const dir = path.join(REPO, '.ebextensions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.config'));
  const docs = Object.fromEntries(
    files.map((f) => {
      const doc = parseDocument(readFileSync(path.join(dir, f), 'utf8'), { customTags });
      return [f, doc] as const;
    }),
  );
  const json = (f: string) => docs[f]!.toJS() as { option_settings?: Record<string, Record<string, unknown>>; Resources?: Record<string, unknown> };
  const allSettings = () => Object.assign({}, ...files.map((f) => json(f).option_settings ?? {})) as Record<string, Record<string, unknown>>;

  test('every file is YAML that Elastic Beanstalk reads', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(docs[f]!.errors.map(String), f).toEqual([]);
      expect(docs[f]!.warnings.map(String), f).toEqual([]);
      const doc = json(f);
      expect(doc, f).toBeTypeOf('object');
      for (const key of Object.keys(doc)) expect(TOP_LEVEL, `${f}: ${key}`).toContain(key);
    }
  });

  test('every option namespace is a known one, and every option a known option of it', () => {
    for (const f of files) {
      for (const [namespace, options] of Object.entries(json(f).option_settings ?? {})) {
        const general = PATTERNS.find(([re]) => re.test(namespace))?.[1];
        const known = OPTIONS[namespace] ?? (general ? OPTIONS[general] : undefined) ?? (OTHER_NAMESPACES.includes(namespace) || general === '' ? '*' : undefined);
        expect(known, `${f}: unknown namespace ${namespace}`).toBeDefined();
        if (known === '*') continue;
        for (const option of Object.keys(options ?? {})) expect(known, `${f}: ${namespace} has no option ${option}`).toContain(option);
      }
    }
  });

  test('Resources use only the functions EB documents, and their parameters are environment properties', () => {
    const used = new Set<string>();
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k.startsWith('Fn::')) expect(FUNCTIONS, `${where}: ${k}`).toContain(k);
        if (k === 'Fn::GetOptionSetting') used.add(`${(v as { Namespace: string }).Namespace} ${(v as { OptionName: string }).OptionName}`);
        walk(v, `${where}.${k}`);
      }
    };
    for (const f of files) walk(json(f).Resources ?? {}, f);
    const properties = Object.keys(allSettings()['aws:elasticbeanstalk:application:environment'] ?? {});
    expect([...used].sort()).toEqual(
      ['ALARM_TOPIC_ARN', 'CERTIFICATE_ARN', 'DOMAIN_NAME', 'HOSTED_ZONE_ID'].map((n) => `aws:elasticbeanstalk:application:environment ${n}`),
    );
    for (const u of used) expect(properties).toContain(u.split(' ')[1]);
  });

  test('what the issue asks: ALB with 443 + ACM certificate, 80 → 443, /readyz, ASG 2..N on CPU, rolling, logs, Route 53 alias', () => {
    const s = allSettings();
    const resources = Object.assign({}, ...files.map((f) => json(f).Resources ?? {})) as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    expect(s['aws:elasticbeanstalk:environment']).toMatchObject({ EnvironmentType: 'LoadBalanced', LoadBalancerType: 'application' });
    const https = Object.values(resources).find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' && r.Properties.Port === 443)!;
    expect(https.Properties).toMatchObject({ Protocol: 'HTTPS', DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'AWSEBV2LoadBalancerTargetGroup' } }] });
    expect(JSON.stringify(https.Properties.Certificates)).toContain('CERTIFICATE_ARN');
    expect(resources.AWSEBV2LoadBalancerListener!.Properties).toMatchObject({
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    expect(Object.values(resources).some((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.FromPort === 443)).toBe(true);
    expect(s['aws:elasticbeanstalk:environment:process:default']).toMatchObject({ HealthCheckPath: '/readyz' });
    expect(Number(s['aws:autoscaling:asg']!.MinSize)).toBe(2);
    expect(Number(s['aws:autoscaling:asg']!.MaxSize)).toBeGreaterThan(2);
    expect(s['aws:autoscaling:trigger']).toMatchObject({ MeasureName: 'CPUUtilization' });
    // A deploy never lowers capacity: a batch is added first (or a whole new set, Immutable).
    expect(['RollingWithAdditionalBatch', 'Immutable']).toContain(s['aws:elasticbeanstalk:command']!.DeploymentPolicy);
    expect(s['aws:autoscaling:updatepolicy:rollingupdate']).toMatchObject({ RollingUpdateEnabled: true, RollingUpdateType: 'Immutable' });
    // IMDSv2 only; the hop limit 2 for the container is set by a predeploy hook.
    expect(s['aws:autoscaling:launchconfiguration']).toMatchObject({ DisableIMDSv1: true });
    const hop = read('.platform/hooks/predeploy/05-imds-hop-limit.sh');
    expect(hop).toMatch(/modify-instance-metadata-options[\s\S]*--http-tokens required[\s\S]*--http-put-response-hop-limit 2/);
    expect(s['aws:elasticbeanstalk:cloudwatch:logs']).toMatchObject({ StreamLogs: true });
    const alias = Object.values(resources).find((r) => r.Type === 'AWS::Route53::RecordSet')!;
    expect(alias.Properties.AliasTarget).toEqual({
      DNSName: { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'DNSName'] },
      HostedZoneId: { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'CanonicalHostedZoneID'] },
      EvaluateTargetHealth: true,
    });
    // Names only: no values, no secrets.
    for (const [name, value] of Object.entries(s['aws:elasticbeanstalk:application:environment']!)) expect(value, name).toBe('');
    expect(Object.keys(s['aws:elasticbeanstalk:application:environment']!)).not.toContain('SESSION_SECRET');
  });

  test('timeouts grow outwards: app upload limit < container nginx < host nginx < load balancer idle < host keep-alive; drain covers an upload', () => {
    const APP_UPLOAD_TIMEOUT_S = 300; // the app's upload request timeout (its default)
    const seconds = (text: string, directive: string) => {
      const found = [...text.matchAll(new RegExp(`^\\s*${directive}\\s+(\\d+)s;`, 'gm'))].map((m) => Number(m[1]));
      expect(found.length, directive).toBeGreaterThan(0);
      return Math.min(...found);
    };
    // The audio hand-off's location reads from S3, not from a musician: its own time limits.
    const container = read('nginx.conf').replace(/^\s*location ~ \^\/_media\/[\s\S]*?^ {4}\}$/m, '');
    const host = read('.platform/nginx/nginx.conf');
    const s = allSettings();
    const idle = Number(s['aws:elbv2:loadbalancer']!.IdleTimeout);
    const containerRead = seconds(container, 'proxy_read_timeout');
    const hostRead = seconds(host, 'proxy_read_timeout');
    expect(containerRead).toBeGreaterThan(APP_UPLOAD_TIMEOUT_S);
    expect(seconds(container, 'proxy_send_timeout')).toBeGreaterThan(APP_UPLOAD_TIMEOUT_S);
    expect(hostRead).toBeGreaterThan(containerRead);
    expect(seconds(host, 'proxy_send_timeout')).toBeGreaterThan(containerRead);
    expect(seconds(host, 'send_timeout')).toBeGreaterThan(containerRead);
    expect(idle).toBeGreaterThan(hostRead);
    expect(seconds(host, 'keepalive_timeout')).toBeGreaterThan(idle);
    expect(Number(s['aws:elasticbeanstalk:environment:process:default']!.DeregistrationDelay)).toBeGreaterThanOrEqual(APP_UPLOAD_TIMEOUT_S);
  });

  test('alarms: 5xx rate (metric math), p99 latency, both queues, worker heartbeat (missing = breaching), all to ALARM_TOPIC_ARN', () => {
    type Query = { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: unknown }> } } };
    type Alarm = { Type: string; Properties: Record<string, unknown> & { Metrics?: Query[]; TreatMissingData?: string } };
    const resources = Object.values(Object.assign({}, ...files.map((f) => json(f).Resources ?? {})) as Record<string, Alarm>);
    const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
    // The names the app and the worker publish (README.md, Deploy, "Metrics and alarms").
    const CONTRACT = ['RequestCount', 'Http5xxCount', 'LatencyP99', 'UploadBytes', 'QueueDepth', 'JobDurationMs', 'WorkerHeartbeat'];
    const metricsOf = (a: Alarm['Properties']) =>
      a.Metrics ? a.Metrics.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : [])) : [{ Namespace: a.Namespace as string, MetricName: a.MetricName as string, Dimensions: a.Dimensions as Array<{ Name: string; Value: unknown }> | undefined }];
    for (const a of alarms) {
      const topic = { 'Fn::GetOptionSetting': { Namespace: 'aws:elasticbeanstalk:application:environment', OptionName: 'ALARM_TOPIC_ARN' } };
      expect(a.AlarmActions, String(a.AlarmDescription)).toEqual([topic]);
      expect(a.OKActions, String(a.AlarmDescription)).toEqual([topic]);
      for (const m of metricsOf(a)) if (m.Namespace === 'SoundHub') expect(CONTRACT, String(a.AlarmDescription)).toContain(m.MetricName);
      if (a.Metrics) expect(a.Metrics.filter((q) => q.ReturnData).length, String(a.AlarmDescription)).toBe(1);
    }
    const using = (name: string) => alarms.filter((a) => metricsOf(a).some((m) => m.Namespace === 'SoundHub' && m.MetricName === name));

    const rate = using('Http5xxCount')[0]!;
    expect(metricsOf(rate).map((m) => m.MetricName).sort()).toEqual(['Http5xxCount', 'RequestCount']);
    const expression = rate.Metrics!.find((q) => q.ReturnData)!.Expression!;
    const ids = Object.fromEntries(rate.Metrics!.filter((q) => q.MetricStat).map((q) => [q.MetricStat!.Metric.MetricName, q.Id]));
    expect(expression).toContain(`${ids.Http5xxCount}`);
    expect(expression).toMatch(new RegExp(`/ ?${ids.RequestCount}\\b`));

    expect(using('LatencyP99')).toHaveLength(1);
    const queues = using('QueueDepth').flatMap((a) => metricsOf(a).flatMap((m) => m.Dimensions ?? []));
    expect(queues.filter((d) => d.Name === 'Queue').map((d) => d.Value).sort()).toEqual(['mix-render', 'track-process']);
    const heartbeat = using('WorkerHeartbeat');
    expect(heartbeat.length).toBeGreaterThan(0);
    for (const a of heartbeat) expect(a.TreatMissingData).toBe('breaching');
    for (const a of alarms.filter((x) => !heartbeat.includes(x))) expect(a.TreatMissingData).toBe('notBreaching');
  });

  test('the short CloudFormation forms would be read too', () => {
    const doc = parseDocument('Resources:\n  R:\n    Properties:\n      A: !Ref AWSEBV2LoadBalancer\n      B: !GetAtt AWSEBV2LoadBalancer.DNSName\n', { customTags });
    expect(doc.errors).toEqual([]);
    expect(doc.toJS()).toEqual({ Resources: { R: { Properties: { A: { Ref: 'AWSEBV2LoadBalancer' }, B: { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'DNSName'] } } } } });
  });
});

describe('nginx', () => {
  const nginx = '/usr/sbin/nginx';
  // The stack suite needs Debian's nginx (the container tests run it too): missing, these fail.
  const needNginx = () => expect(existsSync(nginx), `${nginx} is missing: apt-get install nginx`).toBe(true);
  /** The envsubst call of docker/entrypoint.sh: its list of names, exactly. */
  const names = /envsubst '([^']+)'/.exec(read('docker/entrypoint.sh'))![1]!.match(/\$\{(\w+)\}/g)!.map((n) => n.slice(2, -1));

  function render(values: Record<string, string>): string {
    const out = execFileSync('envsubst', [names.map((n) => `\${${n}}`).join(' ')], { input: read('nginx.conf'), env: { ...process.env, ...values } }).toString();
    const file = path.join(scratch, `nginx-${Object.keys(values).length}-${Date.now()}.conf`);
    writeFileSync(file, out);
    return file;
  }

  test('every ${NAME} in nginx.conf is one the entrypoint fills', () => {
    const placeholders = [...new Set(read('nginx.conf').match(/\$\{(\w+)\}/g)!.map((n) => n.slice(2, -1)))];
    expect(placeholders.sort()).toEqual([...names].sort());
  });

  test('nginx -t accepts nginx.conf as the image renders it', () => {
    needNginx();
    const file = render({
      NGINX_HOST: '0.0.0.0',
      NGINX_PORT: '80',
      PORT: '3000',
      PUBLIC_DIR: path.join(REPO, 'public'),
      RUNTIME_DIR: scratch,
      LOG_DIR: scratch,
      NGINX_MAX_BODY_MB: '208',
      NGINX_RESOLVER: '169.254.169.253',
    });
    const result = spawnSync(nginx, ['-t', '-e', 'stderr', '-c', file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/syntax is ok/);
    // And refuses a broken one (the check is real).
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nthis is not nginx;\n`);
    expect(spawnSync(nginx, ['-t', '-e', 'stderr', '-c', file]).status).not.toBe(0);
  });

  test('graceful stop fits in pm2 kill_timeout, which fits in docker stop 10 s', () => {
    const shutdown = Number(/worker_shutdown_timeout (\d+)s;/.exec(read('nginx.conf'))![1]) * 1000;
    const ecosystem = loadEcosystem({});
    for (const app of ecosystem.apps) {
      expect(app.kill_timeout, app.name).toBeLessThan(10_000);
      expect(app.kill_timeout, app.name).toBeGreaterThan(shutdown);
    }
  });

  test('the host nginx.conf (.platform/nginx) passes nginx -t with EB-shaped conf.d files, and raises the body limit', () => {
    needNginx();
    // Laid out like the AL2023 Docker host: http-level files in conf.d/ (EB's `docker`
    // upstream among them, ours beside it), EB's generated server-level files in
    // conf.d/elasticbeanstalk/. Paths outside the test's folder are moved into it.
    const etc = path.join(scratch, 'etc-nginx');
    mkdirSync(path.join(etc, 'conf.d', 'elasticbeanstalk'), { recursive: true });
    const ours = path.join(REPO, '.platform', 'nginx', 'conf.d');
    const confs = readdirSync(ours).filter((f) => f.endsWith('.conf'));
    expect(confs.length).toBeGreaterThan(0);
    for (const c of confs) writeFileSync(path.join(etc, 'conf.d', c), readFileSync(path.join(ours, c)));
    writeFileSync(path.join(etc, 'conf.d', 'elasticbeanstalk-nginx-docker-upstream.conf'), 'upstream docker {\n  server 127.0.0.1:8082;\n  keepalive 256;\n}\n');
    writeFileSync(path.join(etc, 'conf.d', 'elasticbeanstalk', 'healthd.conf'), 'location = /eb-generated { return 204; }\n');
    const conf = read('.platform/nginx/nginx.conf')
      .replace(/^user .*;$/m, '')
      .replaceAll('/var/log/nginx/', `${scratch}/`)
      .replace('/var/run/nginx.pid', `${scratch}/host.pid`)
      .replaceAll('include conf.d/', `include ${etc}/conf.d/`);
    const file = path.join(etc, 'nginx.conf');
    writeFileSync(file, conf);
    const result = spawnSync(nginx, ['-t', '-e', 'stderr', '-c', file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    // The EB includes and the upstream are where EB expects them.
    expect(read('.platform/nginx/nginx.conf')).toMatch(/^\s*include conf\.d\/\*\.conf;/m);
    expect(read('.platform/nginx/nginx.conf')).toMatch(/server \{[\s\S]*proxy_pass http:\/\/docker;[\s\S]*include conf\.d\/elasticbeanstalk\/\*\.conf;\s*\}/);
    const limit = Number(/client_max_body_size (\d+)m;/.exec(confs.map((c) => readFileSync(path.join(ours, c), 'utf8')).join('\n'))![1]);
    expect(limit).toBeGreaterThanOrEqual(200 + 8);
  });
});

interface EcosystemApp {
  name: string;
  script: string;
  exec_mode: string;
  instances: number;
  kill_timeout: number;
  treekill: boolean;
  out_file: string;
  error_file: string;
  interpreter?: string;
}

function loadEcosystem(env: Record<string, string>): { apps: EcosystemApp[] } {
  const out = execFileSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(path.join(REPO, 'docker', 'ecosystem.config.cjs'))})))`], {
    env: { ...process.env, WEB_CONCURRENCY: '', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.toString()) as { apps: EcosystemApp[] };
}

describe('pm2 ecosystem', () => {
  test('web in cluster mode with WEB_CONCURRENCY instances (default: CPUs), worker and nginx in fork mode', () => {
    const byName = (e: { apps: EcosystemApp[] }) => Object.fromEntries(e.apps.map((a) => [a.name, a]));
    const three = byName(loadEcosystem({ WEB_CONCURRENCY: '3' }));
    expect(three.web).toMatchObject({ exec_mode: 'cluster', instances: 3 });
    expect(three.web!.script).toBe(path.join(REPO, 'dist/src/main.js'));
    const cpus = Number(execFileSync(process.execPath, ['-p', 'require("os").availableParallelism()']).toString());
    expect(byName(loadEcosystem({})).web!.instances).toBe(cpus);
    expect(three.nginx).toMatchObject({ exec_mode: 'fork', instances: 1, treekill: false, interpreter: '/bin/sh' });
    expect(three.worker).toMatchObject({ exec_mode: 'fork', instances: 1, treekill: false });
    expect(three.worker!.script).toBe(path.join(REPO, 'dist/src/worker.js'));
    expect(three.web).toMatchObject({ treekill: false });
    // No log files in the container: pm2-runtime streams every app to stdout.
    for (const app of Object.values(three)) expect([app.out_file, app.error_file]).toEqual(['/dev/null', '/dev/null']);
  });
});

describe('the rest', () => {
  test('shell scripts pass shellcheck', () => {
    const scripts = [
      ...['docker', 'scripts'].flatMap((d) => readdirSync(path.join(REPO, d)).filter((f) => f.endsWith('.sh')).map((f) => path.join(REPO, d, f))),
      path.join(REPO, '.ci', 'run'),
      ...['hooks', 'confighooks'].flatMap((h) => {
        const d = path.join(REPO, '.platform', h, 'predeploy');
        return existsSync(d) ? readdirSync(d).map((f) => path.join(d, f)) : [];
      }),
    ];
    for (const s of scripts) expect(statSync(s).mode & 0o111, `${s} is executable`).not.toBe(0);
    const shellcheck = spawnSync('shellcheck', ['--version']);
    if (shellcheck.error) return console.warn('[deploy-files] shellcheck not installed: scripts not linted');
    const result = spawnSync('shellcheck', scripts, { encoding: 'utf8' });
    expect(result.status, result.stdout).toBe(0);
  });

  test('.ebignore keeps local data, dependencies and tests out of the bundle; no docker-compose.yml in it', () => {
    const lines = read('.ebignore').split('\n');
    for (const p of ['node_modules/', '.data/', 'test/', '.env']) expect(lines).toContain(p);
    expect(existsSync(path.join(REPO, 'docker-compose.yml'))).toBe(false);
  });

  test('the workflow tests every push, and deploys tags to ECR + EB with OIDC, no stored keys', () => {
    const text = read('.github/workflows/deploy.yml');
    const doc = parseDocument(text);
    expect(doc.errors).toEqual([]);
    const wf = doc.toJS() as {
      on: { push: { tags: string[] } };
      jobs: Record<string, { if?: string; needs?: string; permissions?: Record<string, string>; steps: Array<{ run?: string; uses?: string }> }>;
    };
    expect(wf.on.push.tags).toContain('v*');
    const { test: tests, deploy } = wf.jobs;
    expect(tests!.steps.map((s) => s.run ?? '').join('\n')).toMatch(/npm run test:stack/);
    expect(deploy!.if).toMatch(/refs\/tags\/v/);
    expect(deploy!.needs).toBe('test');
    expect(deploy!.permissions).toMatchObject({ 'id-token': 'write' });
    const uses = deploy!.steps.map((s) => s.uses ?? '');
    expect(uses.some((u) => u.startsWith('aws-actions/configure-aws-credentials'))).toBe(true);
    const runs = deploy!.steps.map((s) => s.run ?? '').join('\n');
    // The operator's own release path: one image, pushed once, a bundle that names it.
    expect(runs).toMatch(/scripts\/release-image\.sh release/);
    expect(runs).toMatch(/eb deploy "\$EB_ENVIRONMENT" --archive "\$BUNDLE"/);
    // The OIDC subject of this job is its environment; the trust policy admits exactly that.
    const environment = (deploy as { environment?: string | { name: string } }).environment;
    const name = typeof environment === 'string' ? environment : environment?.name;
    expect(name).toBe('production');
    const trust = JSON.parse(read('deploy/github-oidc-trust-policy.json')) as {
      Statement: Array<{ Action: string; Condition: { StringEquals: Record<string, string> } }>;
    };
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Statement[0]!.Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': `repo:<owner>/<repo>:environment:${name}`,
    });
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AKIA[0-9A-Z]{16}/);
  });
});

describe('AWS policy files (deploy/)', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, string>> };
  const policy = (f: string) => JSON.parse(read(`deploy/${f}`)) as { Version: string; Statement: Statement[] };
  const actions = (p: { Statement: Statement[] }) => p.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

  test('every file is JSON; the IAM ones are policy documents', () => {
    const files = readdirSync(path.join(REPO, 'deploy')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['github-deploy-policy.json', 'github-oidc-trust-policy.json', 'instance-role-policy.json', 's3-lifecycle.json']);
    for (const f of files.filter((x) => x !== 's3-lifecycle.json')) {
      const p = policy(f);
      expect(p.Version, f).toBe('2012-10-17');
      for (const st of p.Statement) {
        expect(st.Effect, f).toBe('Allow');
        for (const a of Array.isArray(st.Action) ? st.Action : [st.Action]) expect(a, f).toMatch(/^[a-z0-9-]+:[A-Za-z*]+$/);
      }
    }
  });

  test('the instance role: the bucket with AbortMultipartUpload, the parameters, ECR pull of the repository, its own IMDS settings', () => {
    const p = policy('instance-role-policy.json');
    expect(actions(p)).toEqual(
      expect.arrayContaining([
        's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListBucket', 'ssm:GetParameters',
        'ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability',
        'ec2:ModifyInstanceMetadataOptions',
      ]),
    );
    const of = (action: string) => p.Statement.find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))!;
    expect(of('s3:AbortMultipartUpload').Resource).toBe('arn:aws:s3:::<soundhub-media>/*');
    expect(of('ecr:BatchGetImage').Resource).toBe('arn:aws:ecr:<region>:<account>:repository/soundhub');
    expect(of('ec2:ModifyInstanceMetadataOptions').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/elasticbeanstalk:environment-name': 'soundhub-prod' } });
    // No write to ECR, no wildcard actions.
    expect(actions(p).filter((a) => /PutImage|UploadLayerPart|\*$/.test(a))).toEqual([]);
  });

  test('the deploy role pushes to the one repository', () => {
    const p = policy('github-deploy-policy.json');
    expect(actions(p)).toEqual(expect.arrayContaining(['ecr:GetAuthorizationToken', 'ecr:PutImage', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages']));
    for (const st of p.Statement) if (st.Action !== 'ecr:GetAuthorizationToken' && !(Array.isArray(st.Action) && st.Action.length === 1 && st.Action[0] === 'ecr:GetAuthorizationToken')) {
      expect(st.Resource).toBe('arn:aws:ecr:<region>:<account>:repository/soundhub');
    }
  });

  test('the bucket lifecycle aborts incomplete multipart uploads after a day, for every key', () => {
    const doc = JSON.parse(read('deploy/s3-lifecycle.json')) as { Rules: Array<Record<string, unknown>> };
    expect(doc.Rules).toEqual([
      { ID: 'abort-incomplete-multipart-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    expect(read('README.md')).toMatch(/put-bucket-lifecycle-configuration --bucket \$BUCKET --lifecycle-configuration file:\/\/deploy\/s3-lifecycle\.json/);
  });
});

describe('scripts/release-image.sh', () => {
  /** A copy of what the script reads, as a git repository of its own (never this one's pins). */
  function copyRepo(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'soundhub-release-'));
    for (const p of ['scripts', '.ebextensions', '.platform', 'Dockerrun.aws.json']) cpSync(path.join(REPO, p), path.join(dir, p), { recursive: true });
    mkdirSync(path.join(dir, 'docker'));
    spawnSync('git', ['init', '-q'], { cwd: dir });
    return dir;
  }

  test('bundle: Dockerrun.aws.json naming the image, .ebextensions/ and .platform/, and no Dockerfile', () => {
    const dir = copyRepo();
    try {
      const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/soundhub:0123abcd';
      const out = spawnSync(path.join(dir, 'scripts', 'release-image.sh'), ['bundle', image], { encoding: 'utf8', env: { ...process.env, RELEASE_DIR: path.join(dir, 'out') } });
      expect(out.status, out.stderr).toBe(0);
      const bundle = out.stdout.trim();
      expect(bundle).toBe(path.join(dir, 'out', '0123abcd'));
      const run = JSON.parse(readFileSync(path.join(bundle, 'Dockerrun.aws.json'), 'utf8')) as Record<string, unknown>;
      expect(run).toEqual({ ...(JSON.parse(read('Dockerrun.aws.json')) as object), Image: { Name: image, Update: 'true' } });
      expect(readdirSync(bundle).sort()).toEqual(['.ebextensions', '.platform', 'Dockerrun.aws.json']);
      expect(readdirSync(path.join(bundle, '.ebextensions')).sort()).toEqual(readdirSync(path.join(REPO, '.ebextensions')).sort());
      expect(statSync(path.join(bundle, '.platform', 'hooks', 'predeploy', '05-imds-hop-limit.sh')).mode & 0o111).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('release refuses to build without the pinned base image and CA checksum, and says how to pin', () => {
    const dir = copyRepo();
    try {
      const out = spawnSync(path.join(dir, 'scripts', 'release-image.sh'), ['release'], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-1' } });
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/no pinned base image or CA checksum yet: run '.*release-image\.sh pin'/);
      // A pin that is not a digest is refused too.
      writeFileSync(path.join(dir, 'docker', 'base-image'), 'node:24-bookworm-slim\n');
      writeFileSync(path.join(dir, 'docker', 'rds-global-bundle.pem.sha256'), `${'a'.repeat(64)}  rds-global-bundle.pem\n`);
      const unpinned = spawnSync(path.join(dir, 'scripts', 'release-image.sh'), ['release'], { encoding: 'utf8' });
      expect(unpinned.status).toBe(1);
      expect(unpinned.stderr).toMatch(/docker\/base-image must hold image@sha256:<digest>/);
      const usage = spawnSync(path.join(dir, 'scripts', 'release-image.sh'), [], { encoding: 'utf8' });
      expect(usage.status).toBe(1);
      expect(usage.stderr).toMatch(/usage: .* pin \| release \| bundle <image-uri>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
