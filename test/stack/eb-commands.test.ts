// Every `eb` command the README shows (code blocks and inline code) and the workflow runs must
// parse with the EB CLI's own argument table: a wrong option name or a value given to an
// option that takes none makes `eb` stop with "unrecognized arguments" before doing anything.
//
// EB_CLI is a copy of that table, names only, taken from the CLI's public source,
// aws/aws-elastic-beanstalk-cli at commit 65ade303d04d (2026-03-25): the `arguments` of each
// controller in ebcli/controllers/*.py (AbstractBaseController's optional environment_name
// included where a controller inherits it), the global options of ebcli/core/ebcore.py, and
// cement's own --debug, --quiet, -h/--help. For each command: the most positional arguments it
// takes, the options that take no value (store_true), those that take one, and those whose
// value may be left out (nargs ? or *). Refresh it from a newer release the same way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { REPO } from './harness.js';

interface EbCommand {
  positionals: number;
  flags: string[];
  values: string[];
  optional?: string[];
}

const GLOBAL: EbCommand = {
  positionals: 0,
  flags: ['-v', '--verbose', '--no-verify-ssl', '--debugboto', '--debug', '--quiet', '-h', '--help'],
  values: ['--profile', '-r', '--region', '--endpoint-url'],
};

const EB_CLI: Record<string, EbCommand> = {
  abort: { positionals: 1, flags: [], values: [] },
  appversion: { positionals: 0, flags: ['--create', '-c', '--staged', '--process', '-p'], values: ['--delete', '-d', '--application', '-a', '--label', '-l', '--message', '-m', '--timeout', '--source'] },
  clone: { positionals: 1, flags: ['-nh', '--nohang', '--exact'], values: ['-n', '--clone_name', '-c', '--cname', '--scale', '--tags', '--envvars', '--timeout'] },
  codesource: { positionals: 1, flags: [], values: [] },
  config: { positionals: 1, flags: ['-nh', '--nohang', '-d', '--display'], values: ['--timeout', '--cfg', '--tags', '-u', '--update', '-f', '--format'] },
  console: { positionals: 1, flags: [], values: [] },
  create: { positionals: 1, flags: ['-s', '--single', '--sample', '-d', '--branch_default', '-nh', '--nohang', '-es', '--enable-spot', '-db', '--database', '--vpc', '--vpc.elbpublic', '--vpc.publicip', '-pr', '--process'], values: ['-g', '--env-group-suffix', '-c', '--cname', '-t', '--tier', '-i', '--instance_type', '-p', '--platform', '-ip', '--instance_profile', '-sr', '--service-role', '--version', '-k', '--keyname', '--scale', '--timeout', '--tags', '--envvars', '--cfg', '--source', '--elb-type', '-ls', '--shared-lb', '-lp', '--shared-lb-port', '-sm', '--spot-max-price', '-it', '--instance-types', '-sb', '--on-demand-base-capacity', '-sp', '--on-demand-above-base-capacity', '-im', '--min-instances', '-ix', '--max-instances', '-db.user', '--database.username', '-db.pass', '--database.password', '-db.i', '--database.instance', '-db.version', '--database.version', '-db.size', '--database.size', '-db.engine', '--database.engine', '--vpc.id', '--vpc.ec2subnets', '--vpc.elbsubnets', '--vpc.securitygroups', '--vpc.dbsubnets'], optional: ['-m', '--modules'] },
  deploy: { positionals: 1, flags: ['-nh', '--nohang', '--staged', '-p', '--process'], values: ['-g', '--env-group-suffix', '--version', '-l', '--label', '-m', '--message', '--timeout', '--source', '--archive'], optional: ['--modules'] },
  events: { positionals: 1, flags: ['-f', '--follow'], values: [] },
  health: { positionals: 1, flags: ['--refresh', '--mono'], values: ['--view'] },
  init: { positionals: 1, flags: ['-i', '--interactive'], values: ['-e', '--environment-name', '-p', '--platform', '-k', '--keyname', '--source', '--tags'], optional: ['-m', '--modules'] },
  list: { positionals: 0, flags: ['-a', '--all'], values: [] },
  local: { positionals: 0, flags: [], values: [] },
  logs: { positionals: 1, flags: ['-a', '--all', '-z', '--zip', '-ai', '--analyze', '--stream'], values: ['-i', '--instance', '-g', '--log-group', '-cls', '--cloudwatch-log-source'], optional: ['-cw', '--cloudwatch-logs'] },
  migrate: { positionals: 0, flags: ['-st', '--stream-to-cloudwatch', '-hc', '--use-host-ebs-configuration', '-in', '--interactive', '-d', '--copy-deps', '-ao', '--archive-only', '-op', '--on-prem-mode', '-cf', '--copy-firewall-config', '--encrypt-ebs-volumes', '--remote'], values: ['-s', '--sites', '-e', '--environment-name', '-a', '--application-name', '-p', '--platform', '-i', '--instance-type', '-c', '--cname', '-ip', '--instance-profile', '-sr', '--service-role', '-k', '--keyname', '-t', '--tags', '--ssl-certificates', '--archive', '-vpc', '--vpc-config', '--target-ip', '--username', '--password'], optional: ['-es', '--ebs-snapshots'] },
  open: { positionals: 1, flags: [], values: [] },
  printenv: { positionals: 1, flags: [], values: [] },
  restore: { positionals: 1, flags: [], values: ['--timeout'] },
  scale: { positionals: 2, flags: ['-f', '--force'], values: ['--timeout'] },
  setenv: { positionals: Infinity, flags: [], values: ['-e', '--environment', '--timeout'] },
  ssh: { positionals: 1, flags: ['-o', '--keep_open', '--force', '--setup'], values: ['-n', '--number', '-i', '--instance', '-c', '--command', '-e', '--custom', '--timeout'] },
  status: { positionals: 1, flags: [], values: [] },
  swap: { positionals: 1, flags: [], values: ['-n', '--destination_name'] },
  tags: { positionals: 1, flags: ['-l', '--list'], values: ['-a', '--add', '-d', '--delete', '-u', '--update', '--resource'] },
  terminate: { positionals: 1, flags: ['--force', '--ignore-links', '--all', '-nh', '--nohang'], values: ['--timeout'] },
  upgrade: { positionals: 1, flags: ['--force', '--noroll'], values: ['--timeout'] },
  use: { positionals: 1, flags: [], values: ['--source'] },
};
/** Sub-commands a controller exposes as methods (cement @expose), taken before positionals. */
const SUBCOMMANDS: Record<string, string[]> = {
  config: ['save', 'get', 'put', 'list', 'delete'],
  appversion: ['lifecycle'],
};

/** Splits a shell command line into words: quotes grouped, a trailing # comment dropped. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(#.*$)|((?:[^\s"'\\]|\\.|"(?:[^"\\]|\\.)*"|'[^']*')+))/g;
  for (const m of line.matchAll(re)) {
    if (m[3] !== undefined) break;
    const word = m[1] ?? m[2] ?? m[4];
    if (word !== undefined) out.push(word);
  }
  return out;
}

/** The `eb …` commands in a piece of shell: continuation lines joined, split at ; && || | and newlines. */
export function ebCommands(shell: string): string[][] {
  return shell
    .replace(/\\\n/g, '')
    .split(/\n|&&|\|\||;|\|/)
    .map((part) => words(part.trim()))
    // A bare `eb` names the tool in prose; a command has at least its sub-command.
    .filter((w) => w[0] === 'eb' && w.length > 1);
}

/** Checks one command against EB_CLI; returns what `eb` would refuse, or [] when it parses. */
export function problems(argv: string[]): string[] {
  const [, name, ...rest] = argv;
  const command = name ? EB_CLI[name] : undefined;
  if (!name || !command) return [`unknown command: eb ${name ?? ''}`];
  const found: string[] = [];
  let args = rest;
  if (SUBCOMMANDS[name]?.includes(args[0] ?? '')) args = args.slice(1);
  let positionals = 0;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith('-') || word === '-') {
      positionals++;
      continue;
    }
    const [option, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const has = (list: keyof EbCommand) => [command, GLOBAL].some((c) => (c[list] as string[] | undefined)?.includes(option));
    if (has('flags')) {
      if (inline !== undefined) found.push(`${option} takes no value`);
    } else if (has('values')) {
      if (inline === undefined) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('-')) found.push(`${option} needs a value`);
        else i++;
      }
    } else if (has('optional')) {
      if (inline === undefined && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
    } else {
      found.push(`eb ${name} has no option ${option}`);
    }
  }
  if (positionals > command.positionals) found.push(`eb ${name} takes at most ${command.positionals} positional argument(s), got ${positionals} (an option given a value it does not take?)`);
  return found;
}

/** Code in the README: fenced blocks, and inline `code` spans outside them. */
function readmeCode(markdown: string): string[] {
  // Fences may be indented (a block inside a list item).
  const fence = /^ *```[^\n]*\n([\s\S]*?)^ *```/gm;
  const blocks = [...markdown.matchAll(fence)].map((m) => m[1]!);
  const prose = markdown.replace(fence, '');
  // An inline span may wrap onto the next line of the paragraph.
  const inline = [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\n/g, ' '));
  return [...blocks, ...inline];
}

describe('eb commands', () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const fromReadme = readmeCode(readme).flatMap(ebCommands);
  const workflow = parseDocument(readFileSync(path.join(REPO, '.github/workflows/deploy.yml'), 'utf8')).toJS() as {
    jobs: Record<string, { steps: Array<{ run?: string }> }>;
  };
  const fromWorkflow = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? ebCommands(s.run) : [])));

  test('every eb command in README.md parses with the EB CLI option table', () => {
    // The README's deploy walk uses at least these; if the extraction broke, this says so.
    const used = new Set(fromReadme.map((c) => c[1]));
    for (const c of ['init', 'create', 'deploy', 'config', 'health', 'logs', 'appversion', 'swap', 'clone']) expect(used, `eb ${c}`).toContain(c);
    for (const c of fromReadme) expect(problems(c), c.join(' ')).toEqual([]);
  });

  test('every eb command the workflow runs parses too', () => {
    expect(fromWorkflow.map((c) => c[1])).toEqual(expect.arrayContaining(['init', 'deploy']));
    for (const c of fromWorkflow) expect(problems(c), c.join(' ')).toEqual([]);
  });

  test('the check catches what the CLI refuses: a wrong option, a value given to a flag, a missing value', () => {
    const [old] = ebCommands(
      'eb create soundhub-prod --sample \\\n  --elb-type application --instance_types t3.small \\\n  --vpc.id vpc-1 --vpc.publicip false',
    );
    expect(problems(old!)).toEqual([
      'eb create has no option --instance_types',
      'eb create takes at most 1 positional argument(s), got 3 (an option given a value it does not take?)',
    ]);
    expect(problems(['eb', 'create', 'x', '--vpc.publicip=false'])).toEqual(['--vpc.publicip takes no value']);
    expect(problems(['eb', 'deploy', '--label'])).toEqual(['--label needs a value']);
    expect(problems(['eb', 'deploy', '--archive', '.release/abc', '--label', 'abc', '-r', 'eu-west-1'])).toEqual([]);
    expect(problems(['eb', 'launch'])).toEqual(['unknown command: eb launch']);
    expect(ebCommands('aws s3 ls && eb status soundhub-prod # comment\necho "eb not this"')).toEqual([['eb', 'status', 'soundhub-prod']]);
  });
});
