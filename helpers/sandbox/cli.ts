import { startSandbox } from './server.ts';

/**
 * `pnpm sandbox`: a Kling-compatible server on loopback until Ctrl-C. SANDBOX_PORT picks the port (default: any
 * free one); SANDBOX_TIME_SCALE speeds the task lifecycle up (default 1: about 5 s per task).
 */
const port = Number(process.env.SANDBOX_PORT ?? '0');
const timeScale = Number(process.env.SANDBOX_TIME_SCALE ?? '1');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got '${process.env.SANDBOX_PORT ?? ''}'`);
  process.exit(2);
}
if (!(timeScale > 0)) {
  console.error(`SANDBOX_TIME_SCALE must be a positive number, got '${process.env.SANDBOX_TIME_SCALE ?? ''}'`);
  process.exit(2);
}

// Ctrl-C is how this command ends, not a failure: stop the server, say so once, exit 0. The handlers go in before the
// server starts, so a signal sent as soon as the "listening" lines appear (a script, a test) cannot find Node's default
// action still in place and kill the process. A repeated signal while stopping (a second Ctrl-C, tsx relaying the one
// the process group already got) is ignored; stop() destroys open sockets first, so it cannot hang on an idle client.
const started = startSandbox({ port, timeScale });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  started
    .then((sandbox) => sandbox.stop())
    .then(
      () => {
        console.log('Sandbox stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Sandbox did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const sandbox = await started;
console.log(`Kling sandbox listening on ${sandbox.url}`);
console.log(`  KLING_BASE_URL=${sandbox.url}`);
console.log(`  KLING_ACCESS_KEY=${sandbox.credentials.accessKey}`);
console.log(`  KLING_SECRET_KEY=${sandbox.credentials.secretKey}`);
console.log('Demo credentials only: they open nothing but this server. Ctrl-C stops it.');
