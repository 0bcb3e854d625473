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

const sandbox = await startSandbox({ port, timeScale });
console.log(`Kling sandbox listening on ${sandbox.url}`);
console.log(`  KLING_BASE_URL=${sandbox.url}`);
console.log(`  KLING_ACCESS_KEY=${sandbox.credentials.accessKey}`);
console.log(`  KLING_SECRET_KEY=${sandbox.credentials.secretKey}`);
console.log('Demo credentials only: they open nothing but this server. Ctrl-C stops it.');

const stop = () => {
  void sandbox.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
