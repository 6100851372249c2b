/**
 * The service's entry point (`npm start`, the image's ENTRYPOINT): `herald serve` with this
 * process's arguments, so `node dist/main.js --role worker` and `--help` mean what they mean there.
 */
import { main } from './cli.ts';

process.exitCode = await main(['serve', ...process.argv.slice(2)]);
// Workers, timers and sockets are closed by then; whatever a library left behind does not keep a
// stopped service alive.
process.exit();
