// pm2 ecosystem of the container (DESIGN §2). pm2-runtime runs it under tini; it is started by
// docker/entrypoint.sh after the migrations, in the image and in the stack tests alike.
//
// nginx is supervised here too, rather than started by the entrypoint: one supervisor
// restarts whichever process dies, and one SIGTERM (docker stop → tini → pm2-runtime) stops
// nginx and Node together, each gracefully. An nginx started by the entrypoint would have
// nobody to restart it, and would be SIGKILLed with the container instead of draining.
//
// Stopping: pm2 sends SIGINT to every app at once and SIGKILLs what is left after
// kill_timeout. Elastic Beanstalk stops the old container with `docker stop`, which SIGKILLs
// after 10 s, so every app gets STOP_GRACE_MS (8 s) and pm2-runtime still exits in time.
// That covers the tail of an upload in flight; longer uploads are drained earlier by the load
// balancer, which stops sending requests to an instance DeregistrationDelay seconds before
// a rolling deploy touches it (.ebextensions/03-scaling-and-deploys.config).
'use strict';

const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const STOP_GRACE_MS = 8000;

/** WEB_CONCURRENCY web processes; default one per CPU. */
function webInstances() {
  const n = Number.parseInt(process.env.WEB_CONCURRENCY ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : os.availableParallelism();
}

// Shared by every app. Logs: pm2-runtime streams each app's stdout/stderr to its own stdout
// (the container log); no log files inside the container.
const common = {
  cwd: root,
  autorestart: true,
  min_uptime: 5000,
  max_restarts: 20,
  exp_backoff_restart_delay: 200,
  kill_timeout: STOP_GRACE_MS,
  // SIGINT to the app's own process only, which then owns the stop of its children: a web
  // process finishing an upload keeps the ffprobe it runs, the worker decides what to do
  // with its ffmpeg, and nginx gets SIGQUIT from its wrapper instead of SIGINT on every
  // nginx process (= fast shutdown, requests cut off). If pm2 has to SIGKILL an app after
  // kill_timeout, a child of it may outlive it until the container's PID namespace ends.
  treekill: false,
  out_file: '/dev/null',
  error_file: '/dev/null',
  merge_logs: true,
};

const worker = {
  ...common,
  name: 'worker',
  // pg-boss job consumer: probing, transcoding, peaks, mixdown, mail.
  script: path.join(root, 'dist/src/worker.js'),
  exec_mode: 'fork',
  instances: 1,
  // A transcode or mixdown can take minutes, more than the 8 s a stop allows: the worker
  // ends its ffmpeg after 5 s and leaves the job to pg-boss to retry (src/worker-runtime.ts).
};

module.exports = {
  apps: [
    {
      ...common,
      name: 'web',
      script: path.join(root, 'dist/src/main.js'),
      // Node's cluster module: pm2-runtime holds the listening socket on PORT and hands
      // connections to the web processes in turn, so one of them dying loses no new requests.
      exec_mode: 'cluster',
      instances: webInstances(),
    },
    worker,
    {
      ...common,
      name: 'nginx',
      script: path.join(__dirname, 'nginx-foreground.sh'),
      interpreter: '/bin/sh',
      exec_mode: 'fork',
      instances: 1,
    },
  ],
};
